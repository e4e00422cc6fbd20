"""Builders for key-evaluation tests: pools with an agency and experts (real pools services), and evaluations
planned, assigned (real draws), scored and finished through the services the pages use."""

import itertools
from decimal import Decimal

from perfbudget.keyevals import services
from perfbudget.keyevals.models import EvaluationFramework
from perfbudget.keyevals.shipped import sync_national_frameworks
from tests.pools.helpers import agency, agency_user, expert, expert_user

_seq = itertools.count(1)


def national(kind="project"):
    """The national template of `kind` (synced first: a flushing test may have removed the migrated rows)."""
    if not EvaluationFramework.objects.filter(owner_region__isnull=True).exists():
        sync_national_frameworks()
    return EvaluationFramework.objects.get(owner_region__isnull=True, kind=kind, status="active")


class Pools:
    """One agency (with a login) and `n` experts (each with a login) owned by `region`."""

    def __init__(self, region, n=3, conflicting=None):
        k = next(_seq)
        self.agency = agency(region, name=f"宁夏诚信会计师事务所{k}")
        self.agency_user = agency_user(self.agency, username=f"ke_agency{k}")
        self.experts, self.expert_users = [], []
        for i in range(n):
            u = expert_user(f"ke_expert{k}_{i}", region)
            self.experts.append(expert(region, name=f"专家{k}-{i}", user=u))
            self.expert_users.append(u)
        self.conflicted = None
        if conflicting is not None:
            u = expert_user(f"ke_conflict{k}", region)
            self.conflicted = expert(region, name=f"冲突专家{k}", user=u, employer_org=conflicting)
            self.conflicted_user = u


def plan(world, level="county", project="school", kind="project", user=None, **kw):
    """A planned evaluation of one project year of `level`, by that level's 绩效科."""
    py = world.projects[level][project]
    user = user or world.users[level]["perf"]
    region = py.project.region
    return services.plan(user, region, 2025, kw.pop("title", f"{py.project.name}重点评价"), kind,
                         [py.project.unit], national(kind), project_years=[py], amount=py.initial_budget, **kw)


def score_all(ev, pools, scores=None, evidence="现场核查资料齐全。"):
    """Every evaluator scores every item (full marks unless `scores` = {evaluator index: {code: score}}) and submits;
    index 0 is the agency, 1.. the experts in draw order."""
    ev.refresh_from_db()
    columns = list(ev.evaluators.order_by("kind", "position"))
    users = {pools.agency.organisation_id: pools.agency_user}
    by_user = {u.pk: u for u in pools.expert_users}
    for index, column in enumerate(columns):
        user = users[column.organisation_id] if column.kind == "agency" else by_user[column.user_id]
        rows = {leaf.code: {"score": str((scores or {}).get(index, {}).get(leaf.code, leaf.weight)),
                            "evidence": evidence} for leaf in ev.leaves}
        services.save_scores(user, ev, rows, evaluator_id=column.pk)
        services.submit_scores(user, ev, evaluator_id=column.pk)
    ev.refresh_from_db()
    return ev


def finish(world, ev, level="county", conclusion="项目决策规范，管理较为有效，综合评价为优。"):
    user = world.users[level]["perf"]
    services.save_report(user, ev, {"conclusion": conclusion})
    services.take(user, ev, "finish")
    ev.refresh_from_db()
    return ev


def money(value):
    return Decimal(str(value))
