"""Evaluation-stage data on the demo region, built through the real services: a 2025 project of the demo's
`unit_user` with an approved goal (its last row qualitative), payments and its self-evaluation; or a planned key
evaluation of such a project with the city's agency and expert pools."""

from types import SimpleNamespace

from perfbudget.evaluation import services
from perfbudget.goals import services as goal_services
from perfbudget.indicators.choices import Comparator
from perfbudget.keyevals import services as keyeval_services
from perfbudget.orgs.models import RoleGrant, User
from perfbudget.pools.choices import PoolStatus
from perfbudget.pools.models import Agency, Expert
from perfbudget.projects.models import FunctionClass
from perfbudget.rulesets.models import RuleSet
from perfbudget.rulesets.services import revise
from tests.factories import declare_goal, project_year
from tests.keyevals.flow import national
from tests.monitoring.helpers import pay
from tests.pools.helpers import agency, agency_user, expert, expert_user

from .demo_helpers import DEMO_PASSWORD

NARRATIVE = {"overall_goal_actual": "完成教学楼和宿舍楼维修，消除安全隐患。", "conclusion": "项目总体完成良好。",
             "problems": "维修面积略低于目标。", "improvements": "加强前期勘察和过程管理。"}


def demo_user(role, **where):
    """The first demo user holding `role` where the filter says (e.g. organisation=…, organisation__region=…)."""
    return RoleGrant.objects.filter(role=role, **where).select_related("user").order_by("pk").first().user


def reviewers(unit):
    """The demo's department, funding-section and performance-office users over `unit`."""
    return {"department": demo_user("department", organisation=unit.department),
            "funding_section": demo_user("funding_section", organisation=unit.department.funding_section),
            "performance_office": demo_user("performance_office", organisation__region=unit.region)}


def selfeval_on_demo(name, code, amount="2400000", paid=(1_200_000, 960_000)):
    """A fresh 2025 project of `unit_user` with an approved goal whose last row is qualitative, `paid` in
    January onwards, and its self-evaluation made by the performance office. Returns (se, unit_user, reviewers)."""
    unit_user = RoleGrant.objects.get(user__username="unit_user").user
    unit = unit_user.grants[0].organisation
    py = project_year(unit, year=2025, amount=amount, name=name, code=code, status="accepted",
                      function_class=FunctionClass.objects.get(code="2050201"))
    goal = declare_goal(py, unit_user, submit=True)
    people = reviewers(unit)
    for role in ("department", "funding_section", "performance_office"):
        goal.refresh_from_db()
        goal_services.review(goal, people[role], "approve", comment="同意", criteria={})
    goal.refresh_from_db()
    last = goal.rows.order_by("-position", "-id").first()
    last.comparator, last.target, last.unit = Comparator.QUAL, "明显提升", ""
    last.save()
    pay(py, list(paid))
    se, _created = services.create_selfeval(py, people["performance_office"])
    return se, unit_user, people


def fill_as_unit(se, unit_user, actuals=None, claimed=None):
    """The unit's entries through the service: each row's actual from `actuals` (by indicator name; the target
    itself otherwise), qualitative rows judged 0.9 with a reason, `claimed` scores by name."""
    rows = {}
    for r in se.rows.all():
        values = {"actual": (actuals or {}).get(r.name, r.target)}
        if r.qualitative:
            values.update(judgement="0.9", reason="问卷调查满意度明显提升")
        if claimed and r.name in claimed:
            values["claimed_score"] = claimed[r.name]
        rows[r.pk] = values
    return services.save_selfeval(se, unit_user, dict(NARRATIVE), rows)


def key_evaluation_on_demo(name, code, expert_count=2):
    """A planned 2025 key evaluation of a fresh project of `unit_user`, with the city's pools: one agency (with a
    login), the demo's `city_expert` and a second expert with a login, and a third expert employed by the evaluated
    unit (a conflict the draw must exclude); the city's rule set asks for `expert_count` experts.
    Returns a namespace of the evaluation, the office user, the agency, its user, the experts and the conflicted one."""
    unit_user = RoleGrant.objects.get(user__username="unit_user").user
    unit = unit_user.grants[0].organisation
    region = unit.region
    perf = demo_user("performance_office", organisation__region=region)
    py = project_year(unit, year=2025, amount="3600000", name=name, code=code, status="accepted",
                      function_class=FunctionClass.objects.get(code="2050201"))
    current = RuleSet.objects.filter(region=region, year=2025).order_by("-version").first()
    revise(region, 2025, {**(current.values if current else {}), "evaluation.expert_count": expert_count}, perf,
           note="重点评价抽取2名专家")
    firm = agency(region, name="宁夏正信绩效评价咨询有限公司", by=perf)
    firm_user = agency_user(firm, username="zhengxin_agency")
    city_expert = User.objects.get(username="city_expert")
    second = expert_user("expert_wang", region)
    # The demo's pool already holds city_expert (陈思远); the flow draws from its own entries only.
    demo_expert = Expert.objects.filter(user=city_expert).first()
    experts = [demo_expert or expert(region, name="陈思远", user=city_expert, employer="宁夏大学", by=perf),
               expert(region, name="王丽华", user=second, employer="北方民族大学", by=perf)]
    conflicted = expert(region, name="马国强", user=expert_user("expert_ma", region), employer_org=unit, by=perf)
    Expert.objects.filter(pk=experts[0].pk).update(status=PoolStatus.APPROVED)
    Expert.objects.exclude(pk__in=[e.pk for e in (*experts, conflicted)]).update(status=PoolStatus.SUSPENDED)
    Agency.objects.exclude(pk=firm.pk).update(status=PoolStatus.SUSPENDED)
    second.display_name = "王丽华"
    for u in (firm_user, second):
        u.set_password(DEMO_PASSWORD)
        u.save()
    national("project")
    (evaluation,), _skipped = keyeval_services.plan_projects(perf, region, 2025, [py.pk])
    return SimpleNamespace(evaluation=evaluation, perf=perf, agency=firm, agency_user=firm_user, experts=experts,
                           expert_users=[city_expert, second], conflicted=conflicted, project_year=py)
