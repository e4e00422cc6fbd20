"""The demo region's performance evaluation (绩效评价) of the finished year (2025: execution complete, goals
approved), written after the monitoring.

- `plan_selfevals()` is pure: from the demo plan and the seed it decides, per executing 2025 project, where its
  self-evaluation (单位自评) ends — draft, waiting for the department or the joint review, returned with open
  problems, accepted (some after a fix) — and whether the unit's claimed scores carry one of the typical errors
  of published tables (`evaluation_tables.ERROR_KINDS`: totals that do not add up, met targets docked without
  reason, missed targets given full marks, weight × actual% instead of weight × completion, a grade that does
  not match the total). The demo accounts' units (`evaluation_tables.FORCED`) hold one example in every state.
- `seed_evaluation()` writes what is missing. Actual values come from the units' 1–7月 monitoring forms where
  they exist (their full-year forecasts; shortfalls keep their deviation causes) and plausible year-end values
  otherwise; claimed scores are the engine's, with the planned error applied and checked to appear among the
  audit's findings. The demo accounts' examples run through the real services (`create_selfeval`,
  `save_selfeval`, `submit`, `department_review`, `raise_problem`, `bureau_return`, `fix_problem`,
  `settle_problem`, `accept`, `add_agency_reviewer`); the others are written in bulk with the workflow records,
  to-do items and review problems the services write, dated in the last weeks. Then the pool (`pools.py`), the
  city's spot check (抽评: drawn, re-scored, signed, in 意见交换) and three key evaluations (finished 92.75 优,
  in scoring, planned from the monitoring's candidates), all through their services.

A part is written only when missing (self-evaluations per project year, the spot check per region and year, key
evaluations per project year, pool entries by credit code and name), so running the seed again changes nothing.
"""

import datetime
import random
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from perfbudget.core.middleware import current_request_id
from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.evaluation import services as se_services
from perfbudget.evaluation import services_spot
from perfbudget.evaluation.choices import ProblemStatus, ReviewerRole, SelfEvalStatus
from perfbudget.evaluation.models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow
from perfbudget.evaluation.models_spot import SpotCheck, SpotCheckItem
from perfbudget.evaluation.scoring import grade_of
from perfbudget.evaluation.workflow import SELFEVAL_WORKFLOW
from perfbudget.goals.choices import GoalStatus
from perfbudget.goals.models import Goal, GoalIndicator
from perfbudget.indicators.choices import Comparator
from perfbudget.keyevals import services as key_services
from perfbudget.keyevals.choices import ObjectKind, PlanSource
from perfbudget.keyevals.models import KeyEvaluation
from perfbudget.monitoring.models import ExecutionYear, FormIndicator, paid_through
from perfbudget.monitoring.sweep import low_execution_candidates
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import Region, User
from perfbudget.pools.models import Agency, Expert
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from . import evaluation_tables as E
from . import tables as T
from .execution import MONITORED_YEAR
from .monitoring import HISTORY_ROUND, _accounts, _texts
from .pools import seed_pools, seeded_draws

CENT = Decimal("0.01")
S = SelfEvalStatus
# Steps (unit, department, bureau) that bring a self-evaluation to each planned state.
PATHS = {
    "draft": (),
    "dept_review": ("submit",),
    "bureau_review": ("submit", "dept_approve"),
    "bureau_review_fixed": ("submit", "dept_approve", "bureau_return", "submit"),
    "returned": ("submit", "dept_approve", "bureau_return"),
    "returned_dept": ("submit", "dept_return"),
    "accepted": ("submit", "dept_approve", "accept"),
    "accepted_after_fix": ("submit", "dept_approve", "bureau_return", "submit", "accept"),
}
# States whose table still carries the planned error (the others were corrected after the bureau's return).
ERROR_VISIBLE = ("draft", "dept_review", "bureau_review", "returned", "returned_dept")
FIXED = ("bureau_review_fixed", "accepted_after_fix")


@dataclass(frozen=True)
class SelfEvalPlan:
    """One 2025 project's self-evaluation: the state it ends in and the error its first claims carry."""

    project: str
    unit: str
    region: str
    state: str
    error: str  # one of ERROR_KINDS, or ""
    engine: bool  # through the services as the demo accounts


def _pick(rng, mix):
    return rng.choices([k for k, _w in mix], [w for _k, w in mix])[0]


def plan_selfevals(plan, seed=T.SEED):
    """The self-evaluation of every executing 2025 project of the demo plan (pure: same seed, same plan)."""
    executing = sorted((pp for pp in plan.projects for yp in pp.years
                        if yp.year == MONITORED_YEAR and yp.status in ("accepted", "budgeted")),
                       key=lambda pp: pp.code)
    forced = {unit: list(states) for unit, states in E.FORCED.items()}
    out = []
    for pp in executing:
        if forced.get(pp.unit):
            state, error = forced[pp.unit].pop(0)
            out.append(SelfEvalPlan(pp.code, pp.unit, pp.region, state, error, True))
            continue
        rng = random.Random(f"{seed}:{pp.code}:selfeval")
        error = rng.choice(E.ERROR_KINDS) if rng.random() < E.ERROR_SHARE else ""
        state = _pick(rng, E.ERROR_MIX if error else E.CLEAN_MIX)
        out.append(SelfEvalPlan(pp.code, pp.unit, pp.region, state, error, pp.unit in E.FORCED))
    return tuple(out)


# ------------------------------------------------------------------------------------------------ helpers


@contextmanager
def _rules_resolved_once():
    """Rule sets do not change while the demo is seeded: resolve each (region, year) once for the evaluation's
    workflow, services and spot checks (they resolve on every route, to-do and score)."""
    from perfbudget.evaluation import workflow as se_workflow

    memo = {}

    def cached(region, year):
        key = (region.pk if region is not None else None, int(year))
        if key not in memo:
            memo[key] = resolve(region, year)
        return memo[key]

    modules = (se_workflow, se_services, services_spot)
    saved = [m.resolve for m in modules]
    for m in modules:
        m.resolve = cached
    try:
        yield cached
    finally:
        for m, original in zip(modules, saved, strict=True):
            m.resolve = original


_d = se_services.result_decimal


def _score(se, rows, rules):
    return se_services.score_document(se_services.selfeval_document(se, rows), rules.values)


def _errors(result):
    return [f for f in result.get("findings", []) if f.get("severity") == "error"]


# ------------------------------------------------------------------------------------- the unit's entries


class _Filler:
    """The unit's entries on a self-evaluation: actual values, judgements, texts and claimed scores."""

    def __init__(self, monitoring_rows, rules_of):
        self.monitoring_rows = monitoring_rows  # {goal indicator id: FormIndicator of the 1-7月 round}
        self.rules_of = rules_of

    def actuals(self, rng, rows, force_miss=False):
        """Fill each row's actual (and judgement, reason, deviation note); returns how many fall short."""
        misses = 0
        numeric = [r for r in rows if not r.qualitative]
        forced = None
        if force_miss and numeric:
            known = [r for r in numeric if (m := self.monitoring_rows.get(r.goal_indicator_id)) is not None
                     and m.likelihood not in ("", "certain")]
            if not known:
                forced = rng.choice(numeric)
        for r in rows:
            r.reason, r.deviation_note, r.judgement = "", "", None
            if r.qualitative:
                r.actual = rng.choice(E.WORD_ACTUALS)
                r.judgement = rng.choice((Decimal("1.000"), Decimal("0.950"), Decimal("0.900")))
                r.reason = rng.choice(E.QUALITATIVE_REASONS)
                continue
            m = self.monitoring_rows.get(r.goal_indicator_id)
            short = r is forced
            if m is not None and m.forecast and not short:
                r.actual = m.forecast[:100]
                if m.likelihood not in ("", "certain"):
                    r.deviation_note = f"{m.cause_detail}。{m.measure}。" if m.cause_detail else \
                        rng.choice(E.DEVIATION_NOTES)
                    misses += 1
                continue
            miss = short or (m is None and rng.random() < 0.06)
            texts = _texts(r.target, 1.0, MONITORED_YEAR, rng, miss=True) if miss else None
            if texts is None:
                texts = _texts(r.target, 1.0, MONITORED_YEAR, rng)
                miss = False
            r.actual = texts[1][:100]
            if miss:
                r.deviation_note = rng.choice(E.DEVIATION_NOTES)
                misses += 1
        return misses

    def texts(self, rng, se, misses):
        se.overall_goal_actual = rng.choice(E.OVERALL_ACTUAL_MISSED if misses else E.OVERALL_ACTUAL)
        se.problems = rng.choice(E.PROBLEM_TEXTS)
        se.improvements = rng.choice(E.IMPROVEMENT_TEXTS)
        rate = se.executed / se.full_budget if se.full_budget else None
        limit = Decimal(str(self.rules_of(se).get("selfeval.execution_reason_below", 0.9)))
        se.execution_reason = rng.choice(E.EXECUTION_REASONS) if rate is not None and rate < limit else ""

    def claims(self, rng, se, rows, error):
        """The engine's scores as the unit's claims, with `error` applied when it shows in the audit (else the
        arithmetic slip of a total, which always does). Returns the error applied ("" for none)."""
        rules = self.rules_of(se)
        for r in rows:
            r.claimed_score = None
        se.claimed_execution_score = se.claimed_total = None
        se.claimed_grade = ""
        clean = _score(se, rows, rules)
        for r, item in zip(rows, clean["indicators"], strict=True):
            r.claimed_score = _d(item.get("raw_score")) if item.get("applicable", True) else None
        se.claimed_execution_score = _d(clean["funds"]["raw_score"])
        bands = rules.get("grades.bands")

        def settle():
            total = se.claimed_execution_score + sum((r.claimed_score or Decimal(0) for r in rows), Decimal(0))
            se.claimed_total = total.quantize(CENT)
            se.claimed_grade = grade_of(se.claimed_total, bands)

        settle()
        se.conclusion = rng.choice(E.CONCLUSIONS).format(grade=se.claimed_grade)
        if not error:
            return ""
        if error != "TOTAL_MISMATCH" and self._row_error(rng, rows, clean, error):
            settle()
        elif error == "GRADE_MISMATCH":
            better = {"良": "优", "中": "良", "差": "中"}
            se.claimed_grade = better.get(se.claimed_grade, "良")
        else:
            error = "TOTAL_MISMATCH"
        if error == "TOTAL_MISMATCH":
            se.claimed_total = min(Decimal(100), se.claimed_total + rng.choice((Decimal(2), Decimal(3),
                                                                               Decimal("-2.5"))))
            se.claimed_grade = grade_of(se.claimed_total, bands)
        se.conclusion = rng.choice(E.CONCLUSIONS).format(grade=se.claimed_grade)
        codes = {f["code"] for f in _errors(_score(se, rows, rules))}
        if error in codes:
            return error
        for r, item in zip(rows, clean["indicators"], strict=True):  # fall back on the total's slip
            r.claimed_score = _d(item.get("raw_score")) if item.get("applicable", True) else None
        settle()
        se.claimed_total = se.claimed_total + Decimal(3) if se.claimed_total <= 97 else se.claimed_total - 3
        se.claimed_grade = grade_of(se.claimed_total, bands)
        return "TOTAL_MISMATCH"

    @staticmethod
    def _row_error(rng, rows, clean, error):
        """Put a row-level error on a suitable row; False when no row suits it."""
        fits = []
        for r, item in zip(rows, clean["indicators"], strict=True):
            weight, computed = _d(item.get("weight")), _d(item.get("raw_score"))
            if weight is None or computed is None or not item.get("certain") or r.qualitative:
                continue
            if error == "MET_BUT_DOCKED" and item.get("met") is True and computed >= weight and weight >= 4 \
                    and not r.deviation_note:
                fits.append((r, weight - rng.choice((Decimal(1), Decimal(2)))))
            elif error == "MISSED_BUT_FULL" and item.get("met") is False and computed < weight - Decimal("0.6"):
                fits.append((r, weight))
            elif error == "WEIGHT_TIMES_ACTUAL" and item.get("actual_share") is not None \
                    and item.get("completion") is not None:
                share = Decimal(str(item["actual_share"]))
                claimed = (weight * share).quantize(CENT)
                completion = min(Decimal(str(item["completion"])), Decimal(1))
                if abs(completion - share) > Decimal("0.001") and abs(claimed - computed) > Decimal("0.6") \
                        and claimed <= weight:
                    fits.append((r, claimed))
        if not fits:
            return False
        row, claimed = rng.choice(fits)
        row.claimed_score = claimed
        return True

    def fill(self, rng, se, rows, error, partial=False):
        """All the unit's entries; a partial draft has half the actual values and no claims or texts. Returns
        the error the claims carry."""
        misses = self.actuals(rng, rows, force_miss=error == "MISSED_BUT_FULL")
        if partial:
            for r in rows[len(rows) // 2:]:
                r.actual, r.judgement, r.reason, r.deviation_note = "", None, "", ""
            return ""
        self.texts(rng, se, misses)
        return self.claims(rng, se, rows, error)

    def correct(self, rng, se, rows):
        """The claims as the unit corrects them after the bureau's return (the engine's own scores)."""
        self.claims(rng, se, rows, "")


# -------------------------------------------------------------------------------------------- bulk writing


def _problems_from(result, rows, rng):
    """(code, description, row) of the problems a reviewer raises: the audit's errors, else a soft problem."""
    out = []
    for f in _errors(result)[:3]:
        row = rows[f["indicator"]] if f.get("indicator") is not None and f["indicator"] < len(rows) else None
        out.append((f["code"], f["message"][:1000], row))
    if not out:
        code, text = rng.choice(E.SOFT_PROBLEMS)
        out.append((code, text, None))
    return out


class _Bulk:
    """Self-evaluations written in bulk with the workflow records, to-do items and problems the services write."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.ct = ContentType.objects.get_for_model(SelfEvaluation)
        self.request_id = current_request_id() or ""
        self.records, self.todos, self.problems = [], [], []

    def dates(self, rng, n, created):
        """n increasing moments, the last in the past few days, each after `created`."""
        now = timezone.now()
        at = now - datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 8))
        out = []
        for _ in range(n):
            out.append(at)
            at -= datetime.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
        out.reverse()
        return [max(d, created + datetime.timedelta(hours=k + 1)) for k, d in enumerate(out)]

    def todo_items(self, se, state, at):
        return [TodoItem(content_type=self.ct, object_id=se.pk, stage=SELFEVAL_WORKFLOW.stage,
                         workflow=SELFEVAL_WORKFLOW.name, state=state, title=t.title, role=t.role, region=t.region,
                         organisation=t.organisation, url=SELFEVAL_WORKFLOW.url(se), created_at=at,
                         due_date=at.date() + datetime.timedelta(days=t.due_days) if t.due_days else None)
                for t in SELFEVAL_WORKFLOW.todos(se, state)]

    def steps(self, se, rows, item, rng, created, first_result):
        """Take the planned steps on `se` (already saved) at dates in the last weeks."""
        ctx = self.ctx
        path = [a for a in PATHS[item.state] if ctx.consolidates(se) or a not in ("dept_approve", "dept_return")]
        open_items = self.todo_items(se, S.DRAFT, created)
        self.todos.extend(open_items)
        state = S.DRAFT
        dates = self.dates(rng, len(path), created)
        returned = 0
        for k, (action, at) in enumerate(zip(path, dates, strict=True)):
            t = SELFEVAL_WORKFLOW.find(action)[0]
            actor = ctx.actor(se, action, returned)
            if action == "submit":
                target = S.BUREAU_REVIEW if (se.return_stage == "bureau" or not ctx.consolidates(se)) \
                    else S.DEPT_REVIEW
                se.return_stage = ""
                se.submitted_at = se.submitted_at or at
                comment = E.RESUBMIT_COMMENT if returned else rng.choice(E.SUBMIT_COMMENTS)
            else:
                target = t.target
                comment = {"dept_approve": rng.choice(E.DEPT_APPROVE), "dept_return": rng.choice(E.DEPT_RETURN),
                           "bureau_return": E.RETURN_COMMENT, "accept": rng.choice(E.ACCEPT_COMMENTS)}[action]
            if action == "dept_return":
                se.return_stage = "dept"
            elif action == "bureau_return":
                se.return_stage = "bureau"
                returned += 1
                later = [d - datetime.timedelta(minutes=30) for d in dates[k + 1:k + 3]]
                self.raise_problems(se, rows, first_result, rng, at, item.state, later)
            elif action == "accept":
                se.accepted_at = at
            self.records.append(WorkflowRecord(
                content_type=self.ct, object_id=se.pk, workflow=SELFEVAL_WORKFLOW.name, action=t.action,
                action_label=str(t.label), from_state=state, to_state=target, user=actor,
                role=ctx.role_of(action), comment=comment, request_id=self.request_id, at=at))
            for todo in open_items:
                todo.closed_at, todo.closed_by, todo.closed_action = at, actor, t.action
            open_items = self.todo_items(se, target, at)
            self.todos.extend(open_items)
            state = target
        se.status = state

    def raise_problems(self, se, rows, result, rng, at, final_state, later):
        """The problems of a bureau return at `at`; fixed before the resubmission and confirmed before the
        acceptance (`later`: those two moments) when the self-evaluation went on."""
        ctx = self.ctx
        deadline = at.date() + datetime.timedelta(days=int(ctx.rules_of(se).get("evaluation.review_return_days",
                                                                                   10)))
        for n, (code, text, row) in enumerate(_problems_from(result, rows, rng)):
            by_section = n % 2 == 1 and se.project_year.project.department.funding_section_id is not None
            raiser = ctx.section(se) if by_section else ctx.perf(se)
            p = SelfEvaluationProblem(self_evaluation=se, row=row, code=code, description=text, raised_by=raiser,
                                      raised_role=ReviewerRole.FUNDING_SECTION if by_section
                                      else ReviewerRole.PERFORMANCE_OFFICE, deadline=deadline)
            if final_state in FIXED:
                p.status, p.fix_note = ProblemStatus.FIXED, E.FIX_NOTES.get(code, E.FIX_NOTES[""])
                p.fixed_at, p.fixed_by = later[0], ctx.unit(se)
                if final_state == "accepted_after_fix":
                    p.status, p.review_note = ProblemStatus.CONFIRMED, rng.choice(E.SETTLE_NOTES)
                    p.confirmed_at, p.confirmed_by = later[1], raiser
            self.problems.append(p)

    def write(self):
        WorkflowRecord.objects.bulk_create(self.records, batch_size=1000)
        TodoItem.objects.bulk_create(self.todos, batch_size=1000)
        SelfEvaluationProblem.objects.bulk_create(self.problems, batch_size=1000)
        self.ctx.stats["selfeval_steps"] += len(self.records)
        self.ctx.stats["selfeval_problems"] += len(self.problems)


# ---------------------------------------------------------------------------------------------- the context


class _Ctx:
    """Shared state of one run: accounts, rules and counters."""

    def __init__(self, acting, rules, stats, seed):
        self.acting, self.rules, self.stats, self.seed = acting, rules, stats, seed

    def rules_of(self, se):
        return self.rules(se.project_year.project.region, se.project_year.year)

    def consolidates(self, se):
        return bool(self.rules_of(se).get("goals.department_consolidates", True))

    def unit(self, se):
        return self.acting[(Role.UNIT, se.project_year.project.unit.code)]

    def dept(self, se):
        return self.acting[(Role.DEPARTMENT, se.project_year.project.department.code)]

    def perf(self, se):
        return self.office(se.project_year.project.region.code)

    def office(self, region_code):
        return self.acting[(Role.PERFORMANCE_OFFICE, f"{region_code}-CZJ-JXK")]

    def section(self, se):
        return self.acting[(Role.FUNDING_SECTION, se.project_year.project.department.funding_section.code)]

    def actor(self, se, action, returned):
        if action == "submit":
            return self.unit(se)
        if action.startswith("dept_"):
            return self.dept(se)
        return self.perf(se)

    @staticmethod
    def role_of(action):
        if action == "submit":
            return Role.UNIT
        return Role.DEPARTMENT if action.startswith("dept_") else Role.PERFORMANCE_OFFICE


# ------------------------------------------------------------------------------------------ self-evaluations


def _inputs(codes):
    """The 2025 project years of `codes` without a self-evaluation, their approved goals and rows, the payments
    and the 1-7月 monitoring rows."""
    pys = list(ProjectYear.objects.filter(project__code__in=codes, year=MONITORED_YEAR, self_evaluation__isnull=True)
               .select_related("project__region", "project__unit", "project__department__funding_section")
               .order_by("project__code"))
    goals = {}
    for goal in Goal.objects.filter(project_year__in=pys, status=GoalStatus.APPROVED).order_by("project_year_id",
                                                                                                  "version"):
        goals[goal.project_year_id] = goal
    rows = defaultdict(list)
    for gi in GoalIndicator.objects.filter(goal__in=list(goals.values())).order_by("goal_id", "position", "id"):
        rows[gi.goal_id].append(gi)
    paid = dict(ExecutionYear.objects.filter(project_year__in=pys).values_list("project_year_id", paid_through()))
    monitored = {}
    for fi in FormIndicator.objects.filter(form__project_year__in=pys, form__round__code=HISTORY_ROUND,
                                           goal_indicator__isnull=False):
        monitored[fi.goal_indicator_id] = fi
    return pys, goals, rows, paid, monitored


def _new(py, goal, goal_rows, paid):
    se = SelfEvaluation(project_year=py, goal=goal, overall_goal_expected=goal.overall_goal,
                        initial_budget=py.initial_budget, full_budget=py.budget or Decimal(0),
                        executed=Decimal(str(paid or 0)).quantize(CENT))
    rows = [SelfEvaluationRow(goal_indicator=gi, position=n, level1=gi.level1, level2=gi.level2, name=gi.name,
                              target=gi.printed[:100], weight=gi.weight, qualitative=gi.comparator == Comparator.QUAL)
            for n, gi in enumerate(goal_rows, start=1)]
    return se, rows


def _bulk_selfevals(ctx, items, pys, goals, goal_rows, paid, filler):
    """The self-evaluations of units without a demo account, in bulk."""
    built = []
    for py in pys:
        item, goal = items.get(py.project.code), goals.get(py.pk)
        if item is None or item.engine or goal is None:
            continue
        se, rows = _new(py, goal, goal_rows[goal.pk], paid.get(py.pk))
        rng = random.Random(f"{ctx.seed}:{py.project.code}:selfeval-fill")
        partial = item.state == "draft" and not item.error and rng.random() < 0.5
        applied = filler.fill(rng, se, rows, item.error, partial=partial)
        rules = ctx.rules_of(se)
        first = _score(se, rows, rules)
        if item.state in FIXED:
            filler.correct(rng, se, rows)
            result = _score(se, rows, rules)
        else:
            result = first
        se_services.apply_result(se, rows, result, rules.label)
        ctx.stats[f"selfeval_error_{applied}"] += bool(applied)
        built.append((se, rows, item, rng, first))
    if not built:
        return
    created = timezone.now() - datetime.timedelta(days=40)
    ses = [se for se, *_rest in built]
    for se in ses:
        se.status = S.DRAFT
    SelfEvaluation.objects.bulk_create(ses, batch_size=500)
    if ses[0].pk is None:  # databases that return no keys from a bulk insert
        ids = dict(SelfEvaluation.objects.filter(project_year__in=[se.project_year_id for se in ses])
                   .values_list("project_year_id", "pk"))
        for se in ses:
            se.pk = se.id = ids[se.project_year_id]
    all_rows = []
    for se, rows, *_rest in built:
        for r in rows:
            r.self_evaluation = se
        all_rows.extend(rows)
    SelfEvaluationRow.objects.bulk_create(all_rows, batch_size=1000)
    if all_rows and all_rows[0].pk is None:
        by_se = defaultdict(list)
        for r in SelfEvaluationRow.objects.filter(self_evaluation__in=ses).order_by("self_evaluation_id", "position",
                                                                                      "id"):
            by_se[r.self_evaluation_id].append(r)
        for se, rows, *_rest in built:
            for r, saved in zip(rows, by_se[se.pk], strict=True):
                r.pk = r.id = saved.pk
    bulk = _Bulk(ctx)
    for se, rows, item, rng, first in built:
        bulk.steps(se, rows, item, rng, created, first)
    fields = ("status", "return_stage", "submitted_at", "accepted_at")
    SelfEvaluation.objects.bulk_update(ses, fields, batch_size=500)
    bulk.write()
    ctx.stats["selfevals"] += len(ses)


def _engine_selfeval(ctx, py, item, filler, agency_users):
    """One self-evaluation of a demo account's unit, through the services as the demo accounts."""
    perf = ctx.office(py.project.region.code)
    unit = ctx.acting[(Role.UNIT, py.project.unit.code)]
    dept = ctx.acting[(Role.DEPARTMENT, py.project.department.code)]
    se, _created = se_services.create_selfeval(py, perf)
    se = SelfEvaluation.objects.with_related().get(pk=se.pk)
    rows = list(se.rows.all())
    rng = random.Random(f"{ctx.seed}:{py.project.code}:selfeval-fill")
    applied = filler.fill(rng, se, rows, item.error, partial=item.state == "draft" and not item.error)
    ctx.stats[f"selfeval_error_{applied}"] += bool(applied)

    def save():
        header = {k: getattr(se, k) for k in ("execution_reason", *se_services.HEADER_FIELDS)}
        data = {r.pk: {k: getattr(r, k) for k in se_services.ROW_FIELDS} for r in rows}
        for values in data.values():
            values["judgement"] = "" if values["judgement"] is None else values["judgement"]
            values["claimed_score"] = "" if values["claimed_score"] is None else values["claimed_score"]
        for k in ("claimed_execution_score", "claimed_total"):
            header[k] = "" if header[k] is None else header[k]
        se_services.save_selfeval(se, unit, header, data)

    save()
    ctx.stats["selfevals"] += 1
    path = [a for a in PATHS[item.state] if ctx.consolidates(se) or a not in ("dept_approve", "dept_return")]
    problems = []
    for action in path:
        se.refresh_from_db()
        if action == "submit":
            if problems:
                for p in problems:
                    se_services.fix_problem(p, unit, E.FIX_NOTES.get(p.code, E.FIX_NOTES[""]))
                filler.correct(rng, se, rows)
                save()
                se.refresh_from_db()
            se_services.submit(se, unit, comment=E.RESUBMIT_COMMENT if problems else rng.choice(E.SUBMIT_COMMENTS))
        elif action == "dept_approve":
            se_services.department_review(se, dept, "approve", rng.choice(E.DEPT_APPROVE))
            agency = agency_users.get(py.project.region.code)
            if item.state in E.AGENCY_REVIEWED_STATES and agency is not None:
                se_services.add_agency_reviewer(se, perf, agency)
        elif action == "dept_return":
            se_services.department_review(se, dept, "return", rng.choice(E.DEPT_RETURN))
        elif action == "bureau_return":
            se.refresh_from_db()
            section = ctx.acting.get((Role.FUNDING_SECTION, py.project.department.funding_section.code))
            by_row = {n: r for n, r in enumerate(se.rows.all())}
            for n, (code, text, row) in enumerate(_problems_from(se.result, list(by_row.values()), rng)):
                raiser = section if n % 2 == 1 and section is not None else perf
                problems.append(se_services.raise_problem(se, raiser, text, row=row, code=code))
            se_services.bureau_return(se, perf, E.RETURN_COMMENT)
        elif action == "accept":
            for p in problems:
                se_services.settle_problem(SelfEvaluationProblem.objects.get(pk=p.pk), p.raised_by, True,
                                           rng.choice(E.SETTLE_NOTES))
            se_services.accept(se, perf, rng.choice(E.ACCEPT_COMMENTS))
        ctx.stats["selfeval_steps"] += 1
    ctx.stats["selfeval_problems"] += len(problems)


def _selfevals(ctx, plan, users):
    items = {i.project: i for i in plan_selfevals(plan, ctx.seed)}
    pys, goals, goal_rows, paid, monitored = _inputs(list(items))
    if not pys:
        return
    filler = _Filler(monitored, ctx.rules_of)
    _bulk_selfevals(ctx, items, pys, goals, goal_rows, paid, filler)
    agency_users = {code: users.get(name) for code, name in (("640300", "city_agency"), ("640323", "county_agency"))}
    for py in pys:
        item = items.get(py.project.code)
        if item is not None and item.engine and py.pk in goals:
            _engine_selfeval(ctx, py, item, filler, agency_users)


# ------------------------------------------------------------------------------------------------ spot check


def _spot_check(ctx, users):
    """The city's 2025 spot check: drawn (10%, stratified), re-scored and signed by the reviewers, in 意见交换
    with most units signed (one disagrees)."""
    city = Region.objects.get(code=T.CITY[0])
    if SpotCheck.objects.filter(region=city, year=MONITORED_YEAR).exists():
        return
    perf, agency = users["city_perf"], users["city_agency"]
    sc = services_spot.commit_spot_check(perf, city, MONITORED_YEAR)
    sc = services_spot.reveal_spot_check(perf, sc)
    items = list(SpotCheckItem.objects.with_related().filter(spot_check=sc).order_by("position"))
    services_spot.assign_reviewer(perf, sc, items[::3], agency)
    services_spot.assign_reviewer(perf, sc, [i for n, i in enumerate(items) if n % 3], perf)
    services_spot.step(perf, sc, "start_review", "抽评样本已确定，请各复核人按时完成复核。")
    rng = random.Random(f"{ctx.seed}:spot-check")
    for n, item in enumerate(items):
        item = SpotCheckItem.objects.with_related().get(pk=item.pk)
        reviewer = agency if n % 3 == 0 else perf
        rows = {}
        if n % 2 == 0:  # re-checked against the evidence: the first quantitative row falls short
            for r in item.review_rows:
                if not r["qualitative"] and r["self_actual"]:
                    short = _texts(r["target"], 1.0, MONITORED_YEAR, rng, miss=True)
                    if short is not None:
                        rows[r["row"]] = {"actual": short[1], "reason": "复核佐证资料，实际完成值低于单位自报数。"}
                        break
        opinion = E.SPOT_OPINIONS[0] if rows else E.SPOT_OPINIONS[1]
        services_spot.rescore_item(reviewer, item, rows=rows, opinion=opinion)
        services_spot.sign_as_reviewer(reviewer, SpotCheckItem.objects.get(pk=item.pk), opinion)
        ctx.stats["spot_items"] += 1
    sc.refresh_from_db()
    services_spot.step(perf, sc, "exchange", "复核完成，请被评价单位确认签证单。")
    named_units = {org for _u, _d, role, org in T.NAMED_USERS if role == Role.UNIT}
    for n, item in enumerate(SpotCheckItem.objects.with_related().filter(spot_check=sc).order_by("position")):
        unit = item.self_evaluation.project_year.project.unit
        if unit.code in named_units or n >= len(items) - 2:
            continue  # still to sign: the units' to-do stays open
        disagrees = n == 1
        services_spot.sign_as_unit(ctx.acting[(Role.UNIT, unit.code)], item,
                                   E.UNIT_DISAGREES if disagrees else E.UNIT_AGREES, not disagrees)


# ------------------------------------------------------------------------------------------- key evaluations


def _project_year(region_code, **filters):
    return (ProjectYear.objects.filter(year=MONITORED_YEAR, project__region__code=region_code,
                                       status__in=("accepted", "budgeted"), project__project_class="specific",
                                       **filters)
            .select_related("project__unit", "project__department").order_by("-initial_budget", "project__code")
            .first())


def _planned(py):
    return KeyEvaluation.objects.filter(project_years=py, year=MONITORED_YEAR).exists()


def _report(template, py):
    p = py.project
    return {k: v.format(project=p.name, year=py.year, amount=f"{py.budget / 10000:.2f}", unit=p.unit.name)
            for k, v in template.items()}


def _plan_key(perf, region, py, background=""):
    framework = key_services.default_framework(perf, ObjectKind.PROJECT, region)
    return key_services.plan(perf, region, MONITORED_YEAR, f"{py.project.name}重点绩效评价", ObjectKind.PROJECT,
                             [py.project.unit], framework, amount=py.budget, project_years=[py],
                             background=background)


def _scores(evaluation, column, rng):
    """{code: {score, evidence}} of one evaluator column: full marks less the planned deduction and spread."""
    offset = Decimal(E.SPREAD[column % len(E.SPREAD)])
    out = {}
    for leaf in evaluation.leaves:
        weight = Decimal(str(leaf.weight))
        docked = E.FINISHED_DEDUCTIONS.get(leaf.code)
        score = weight if docked is None else weight - Decimal(docked) + offset
        out[leaf.code] = {"score": str(score), "evidence": rng.choice(E.EVIDENCE), "reason": ""}
    return out


def _finished(ctx, users):
    region = Region.objects.get(code=E.FINISHED_REGION)
    py = _project_year(E.FINISHED_REGION, project__unit__code=E.FINISHED_UNIT)
    if py is None or _planned(py):
        return
    perf, agency_user = users["county_perf"], users["county_agency"]
    ev = _plan_key(perf, region, py)
    ev = key_services.assign(perf, ev, fields=E.FINISHED_FIELDS, expert_fields=E.FINISHED_EXPERT_FIELDS)
    rng = random.Random(f"{ctx.seed}:key-finished")
    columns = list(ev.evaluators.order_by("kind", "position"))  # the agency first, then the experts
    for n, column in enumerate(columns):
        who = column.user if column.user_id else agency_user
        key_services.save_scores(who, ev, _scores(ev, n, rng), evaluator_id=column.pk)
        key_services.submit_scores(who, ev, evaluator_id=column.pk)
    ev.refresh_from_db()
    key_services.save_report(perf, ev, _report(E.FINISHED_REPORT, py))
    for category, text, amount, code in E.FINDINGS:
        key_services.add_finding(perf, ev, category, text, amount=amount, item_code=code)
    for text, addressee in E.RECOMMENDATIONS:
        key_services.add_recommendation(perf, ev, text, addressee)
    ev.refresh_from_db()
    key_services.take(perf, ev, "finish")
    for n, column in enumerate(columns):
        score, comment = E.RATING_AFTER_JOB[min(n, 1)]
        key_services.rate_evaluator(perf, ev, column.pk, score, comment)
    ctx.stats["key_evaluations"] += 1


def _scoring(ctx, users):
    region = Region.objects.get(code=T.CITY[0])
    py = _project_year(T.CITY[0], project__department__code=E.SCORING_DEPARTMENT,
                       project__unit__code__in=_conflict_free_units())
    if py is None or _planned(py):
        return
    perf, agency_user = users["city_perf"], users["city_agency"]
    ev = _plan_key(perf, region, py)
    key_services.save_report(perf, ev, _report(E.SCORING_REPORT, py))
    ev = key_services.assign(perf, ev, fields=E.SCORING_FIELDS, expert_fields=E.SCORING_EXPERT_FIELDS)
    rng = random.Random(f"{ctx.seed}:key-scoring")
    done = ev.evaluators.filter(name=E.SCORING_EXPERT_DONE).first()
    if done is not None:  # an expert without an account: the agency enters the scores
        key_services.save_scores(agency_user, ev, _scores(ev, 1, rng), evaluator_id=done.pk)
        key_services.submit_scores(agency_user, ev, evaluator_id=done.pk)
    own = ev.evaluators.filter(kind="agency").first()
    partial = dict(list(_scores(ev, 0, rng).items())[:6])
    key_services.save_scores(agency_user, ev, partial, evaluator_id=own.pk)
    ctx.stats["key_evaluations"] += 1


def _conflict_free_units():
    from perfbudget.orgs.models import Organisation

    conflicted = {org for _n, org, _r in E.CONFLICTS}
    return list(Organisation.objects.filter(code__startswith=f"{E.SCORING_DEPARTMENT}-")
                .exclude(code__in=conflicted).exclude(code=T.UNIT_USER_ORG).values_list("code", flat=True))


def _candidate(ctx, users):
    city = Region.objects.get(code=T.CITY[0])
    perf = users["city_perf"]
    for row in low_execution_candidates(city, MONITORED_YEAR, ctx.rules(city, MONITORED_YEAR)):
        py = ProjectYear.objects.filter(project_id=row["project_id"], year=MONITORED_YEAR,
                                        project__region=city).first()
        if py is None:
            continue
        if _planned(py):
            return
        created, _skipped = key_services.plan_projects(perf, city, MONITORED_YEAR, [py.pk],
                                                       source=PlanSource.CANDIDATE)
        for ev in created:
            key_services.save_report(perf, ev, {"background": E.PLANNED_BACKGROUND.format(year=MONITORED_YEAR)})
            ctx.stats["key_evaluations"] += 1
        return


# ------------------------------------------------------------------------------------------------ the seed


def seed_evaluation(plan, users, seed_value, stats):
    """Write the demo's evaluation stage (see the module docstring); idempotent."""
    acting = _accounts(plan, users)
    names = ["city_perf", "county_perf", "city_agency", "county_agency", "city_expert", "county_expert"]
    users = {**{u.username: u for u in User.objects.filter(username__in=names)}, **users}
    with _rules_resolved_once() as rules, seeded_draws(seed_value):
        ctx = _Ctx(acting, rules, stats, seed_value)
        _selfevals(ctx, plan, users)
        seed_pools({"640300": users["city_perf"], "640323": users["county_perf"]}, stats)
        _spot_check(ctx, users)
        _finished(ctx, users)
        _scoring(ctx, users)
        _candidate(ctx, users)


def evaluation_counts(seed_value=T.SEED):
    """What the demo's evaluation stage holds now (the command's summary)."""
    from .generator import build_plan

    codes = [pp.code for pp in build_plan(seed_value).projects]
    ses = SelfEvaluation.objects.filter(project_year__project__code__in=codes, project_year__year=MONITORED_YEAR)
    findings = Counter()
    for result in ses.filter(error_count__gt=0).values_list("result", flat=True):
        findings.update(f["code"] for f in result.get("findings", []) if f.get("severity") == "error")
    problems = SelfEvaluationProblem.objects.filter(self_evaluation__in=ses)
    regions = Region.objects.filter(code__in=[T.CITY[0], *(c for c, _n, _s in T.COUNTIES)])
    spot = SpotCheck.objects.filter(region__code=T.CITY[0], year=MONITORED_YEAR).first()
    items = SpotCheckItem.objects.filter(spot_check=spot) if spot else SpotCheckItem.objects.none()
    return {
        "selfevals": dict(Counter(ses.values_list("status", flat=True))),
        "grades": dict(Counter(g for g in ses.values_list("grade", flat=True) if g)),
        "with_errors": ses.filter(error_count__gt=0).count(),
        "findings": dict(findings.most_common()),
        "problems": dict(Counter(problems.values_list("status", flat=True))),
        "spot": None if spot is None else {
            "status": spot.get_status_display(), "population": spot.population_size, "sample": spot.sample_size,
            "scored": items.filter(review_total__isnull=False).count(),
            "unit_signed": items.filter(unit_signed_at__isnull=False).count()},
        "agencies": dict(Counter(Agency.objects.filter(region__in=regions).values_list("status", flat=True))),
        "experts": dict(Counter(Expert.objects.filter(region__in=regions).values_list("status", flat=True))),
        "key_evaluations": dict(KeyEvaluation.objects.filter(region__in=regions, year=MONITORED_YEAR)
                                .values_list("status").annotate(n=Count("id")).order_by()),
    }


