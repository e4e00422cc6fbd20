"""The demo region: reference data, a deterministic plan, and an idempotent seed through the real workflow."""

import io
from collections import Counter
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max, Value
from django.db.models.functions import Concat

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.demo import generator
from perfbudget.demo import tables as T
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation, Region, RoleGrant, User
from perfbudget.projects.choices import BudgetType, ProjectStatus
from perfbudget.projects.models import FunctionClass, Project, ProjectYear
from perfbudget.projects.reference import load_function_classes, read_function_classes
from perfbudget.rulesets.models import RuleSet

from . import test_demo_evaluation as evaluation_checks
from . import test_demo_monitoring as monitoring_checks
from . import test_seed_goals as goal_checks

REQUIRED_USERS = ["admin", "city_perf", "county_perf", "unit_user", "dept_user", "city_budget", "county_budget",
                  "city_funding", "county_funding", "city_dept", "city_unit", "city_oversight", "county_oversight",
                  "city_agency", "city_expert"]


def _snapshot():
    """Row counts and the latest change of every table the seed writes."""
    tables = (Region, Organisation, User, RoleGrant, Project, ProjectYear, WorkflowRecord, TodoItem, LogEntry,
              RuleSet, FunctionClass)
    snap = {m.__name__: m.objects.count() for m in tables}
    for m in (Region, Organisation, Project, ProjectYear):
        snap[f"{m.__name__}.updated_at"] = m.objects.aggregate(v=Max("updated_at"))["v"]
    snap["TodoItem.open"] = TodoItem.objects.open().count()
    return snap


def _set_world_aside():
    """The shared test world (tests/factories.py) uses some of the demo's usernames and organisation codes;
    rename its users and organisations so that the demo is seeded as on a fresh database."""
    User.objects.update(username=Concat(Value("world_"), "username"))
    Organisation.objects.update(code=Concat(Value("W-"), "code"), path=Concat(Value("/W"), "path"))


# ------------------------------------------------------------------------------------------- reference data

def test_function_classes_loaded_by_migration(db):
    names = dict(FunctionClass.objects.values_list("code", "name"))
    assert names["205"] == "教育支出"
    assert names["20502"] == "普通教育"
    assert names["2050201"] == "学前教育"
    assert names["2100408"] == "基本公共卫生服务"
    assert names["223"] == "国有资本经营预算支出"
    assert names["209"] == "社会保险基金支出"
    assert sum(len(c) == 3 for c in names) >= 25


def test_function_class_csv_is_a_consistent_tree():
    rows = read_function_classes()
    codes = [c for c, _n in rows]
    assert len(codes) == len(set(codes))
    assert all(len(c) in (3, 5, 7) and c.isdigit() for c in codes)
    assert all(c[:-2] in set(codes) for c in codes if len(c) > 3), "every 款/项 has its parent"
    assert all(name.strip() for _c, name in rows)


def test_loading_function_classes_is_idempotent(db):
    assert load_function_classes() == (0, 0)
    FunctionClass.objects.filter(code="205").update(name="改过的名称")
    assert load_function_classes() == (0, 1)
    assert FunctionClass.objects.get(code="205").name == "教育支出"


# ------------------------------------------------------------------------------------------------- the plan

def test_plan_is_deterministic():
    assert generator.build_plan() == generator.build_plan()
    assert generator.build_plan(1).projects != generator.build_plan(2).projects


def test_plan_uses_only_loaded_function_codes():
    known = {c for c, _n in read_function_classes()}
    used = {p.function_code for p in generator.build_plan().projects}
    assert used <= known
    assert len(used) >= 60


def test_plan_project_codes_are_unique_and_stable_across_years():
    projects = generator.build_plan().projects
    assert len({p.code for p in projects}) == len(projects)
    both = [p for p in projects if [y.year for y in p.years] == [2025, 2026]]
    assert len(both) > len(projects) / 2, "most projects continue from 2025 to 2026"
    assert any(p.start_year == 2026 for p in projects), "some are new in 2026"


def test_demo_accounts_list_the_required_users():
    names = [a.username for a in generator.DEMO_ACCOUNTS]
    assert set(REQUIRED_USERS) <= set(names)
    assert len(names) == len(set(names))
    assert dict((a.username, a.organisation) for a in generator.DEMO_ACCOUNTS)["city_perf"] == "吴忠市财政局绩效科"


# ------------------------------------------------------------------------------------------------- the seed
# One test seeds (twice) and runs every check: seeding takes seconds, and a module-scoped fixture would be
# rebuilt whenever pytest-xdist interleaves this module's tests with others on a worker.

def _snapshots():
    return _snapshot(), goal_checks._snapshot(), monitoring_checks._snapshot(), evaluation_checks._snapshot()


def test_seed_demo_twice(db):
    _set_world_aside()
    first_out, second_out = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first_out)
    after_first = _snapshots()
    call_command("seed_demo", stdout=second_out)
    seeded = {"first": first_out.getvalue(), "second": second_out.getvalue(), "after_first": after_first,
              "after_second": _snapshots()}
    _check_second_run_changes_nothing(seeded)
    _check_region_and_organisations()
    _check_project_library()
    _check_statuses_match_the_plan()
    _check_workflow_ran_through_the_engine()
    _check_demo_users_can_log_in_and_have_work()
    _check_county_rule_set_override_is_inherited_and_used()
    goal_checks.run_checks(seeded["first"])
    monitoring_checks.run_checks(seeded["first"])
    evaluation_checks.run_checks(seeded["first"])



def _check_second_run_changes_nothing(seeded):
    assert seeded["after_first"] == seeded["after_second"]
    assert "演示地区已就绪" in seeded["first"]
    assert "未作改动" in seeded["second"]


def _check_region_and_organisations():
    city = Region.objects.get(code="640300")
    assert city.parent.code == "640000"
    assert set(city.children.values_list("code", flat=True)) == {c for c, _n, _s in T.COUNTIES}
    assert Region.objects.filter(level="street").count() == 6
    for code, *_rest in [T.CITY, *T.COUNTIES]:
        bureau = Organisation.objects.get(code=f"{code}-CZJ", kind=OrgKind.BUREAU)
        sections = set(bureau.children.values_list("name", flat=True))
        assert {"预算科", "绩效科", "教科文科", "社会保障科", "农业农村科", "经济建设科", "行政政法科"} <= sections
    demo = Organisation.objects.filter(code__in=[o.code for o in generator.build_plan().organisations])
    depts = demo.filter(kind=OrgKind.DEPARTMENT)
    units = demo.filter(kind=OrgKind.UNIT)
    assert depts.count() + units.count() >= 40
    assert not depts.filter(funding_section__isnull=True).exists(), "every department has its funding section"
    assert not units.filter(department__isnull=True).exists()
    edu = Organisation.objects.get(code="640300-JYJ")
    assert edu.funding_section.name == "教科文科" and edu.funding_section.region == edu.region


def _demo_project_years():
    return ProjectYear.objects.filter(project__code__in=[p.code for p in generator.build_plan().projects],
                                      year__in=T.YEARS)  # 2024 years come with the monitoring history


def _check_project_library():
    pys = _demo_project_years()
    by_year = Counter(pys.values_list("year", flat=True))
    assert set(by_year) == {2025, 2026}
    assert sum(by_year.values()) >= 600
    budgets = set(pys.values_list("project__budget_type", flat=True))
    assert {BudgetType.GENERAL, BudgetType.FUND, BudgetType.STATE_CAPITAL, BudgetType.SOCIAL_INSURANCE,
            BudgetType.DEBT} <= budgets
    assert pys.values("project__function_class").distinct().count() >= 60
    assert set(pys.values_list("project__project_class", flat=True)) == {"personnel", "operating", "specific"}
    projects = Project.objects.filter(years__in=pys).distinct()
    assert projects.filter(special_fund=True).exists() and projects.filter(key_work=True).exists()
    assert set(pys.values_list("abc_class", flat=True)) == {"A", "B", "C"}
    assert pys.exclude(abc_override_reason="").exists(), "some classes are overridden with a reason"
    assert pys.filter(initial_budget__lt=Decimal(100_000)).count() < pys.count() / 5
    assert pys.filter(initial_budget__gt=Decimal(20_000_000)).exists()
    assert Counter(pys.filter(year=2025).values_list("status", flat=True)).most_common(1)[0][0] == "accepted"
    statuses_2026 = set(pys.filter(year=2026).values_list("status", flat=True))
    # 2026 is the planning year: projects move through the library, and no budget is approved yet.
    assert statuses_2026 == set(ProjectStatus.values) - {ProjectStatus.BUDGETED}
    # Continuing projects keep their code from 2025 to 2026; 2026 also has new ones.
    continuing = pys.filter(year=2026, project__years__year=2025).count()
    assert continuing > pys.filter(year=2026, is_new=True).count() > 0


def _check_statuses_match_the_plan():
    planned = {(p.code, y.year): y.status for p in generator.build_plan().projects for y in p.years}
    actual = {(code, year): status for code, year, status in
              _demo_project_years().values_list("project__code", "year", "status")}
    assert actual == planned


def _check_workflow_ran_through_the_engine():
    records = WorkflowRecord.objects.filter(workflow="project_library")
    by_user = set(records.values_list("user__username", flat=True))
    assert {"unit_user", "dept_user", "city_budget", "county_budget"} <= by_user
    returns = records.filter(action__in=["dept_return", "bureau_return"])
    assert returns.exists() and not returns.filter(comment="").exists()
    # The 2025 round is dated in the autumn of 2024; the 2026 round ran now.
    ids_2025 = ProjectYear.objects.filter(year=2025).values("pk")
    assert {r.at.year for r in records.filter(object_id__in=ids_2025)} == {2024}
    assert TodoItem.objects.open().filter(role="budget_section").exists()
    assert TodoItem.objects.open().filter(role="department").exists()


def _check_demo_users_can_log_in_and_have_work():
    for username in REQUIRED_USERS:
        assert authenticate(username=username, password=T.PASSWORD) is not None, username
    unit_user = User.objects.get(username="unit_user")
    assert TodoItem.objects.open().for_user(unit_user).exists()
    mine = ProjectYear.objects.visible_to(unit_user).filter(year=2026)
    assert len(set(mine.values_list("status", flat=True))) >= 4
    dept_user = User.objects.get(username="dept_user")
    assert unit_user.grants[0].organisation.department == dept_user.grants[0].organisation
    assert TodoItem.objects.open().for_user(dept_user).exists()
    city_funding = User.objects.get(username="city_funding")
    assert city_funding.grants[0].organisation == dept_user.grants[0].organisation.funding_section
    for username in ("city_budget", "county_budget"):
        assert TodoItem.objects.open().for_user(User.objects.get(username=username)).exists()


def _check_county_rule_set_override_is_inherited_and_used():
    county = Region.objects.get(code=T.FEATURED_COUNTY)
    assert RuleSet.objects.filter(region=county, year=2026, values__has_key="classification.b_min_amount").exists()
    yanchi = ProjectYear.objects.filter(project__region=county, year=2026)
    assert all("640300/2026/v1" in label and "640323/2026/v1" in label
               for label in yanchi.values_list("abc_ruleset", flat=True))
    between = [py for py in yanchi.select_related("project")
               if Decimal(800_000) <= py.budget < Decimal(1_000_000) and not py.project.key_work]
    assert between and all(py.abc_computed == "B" for py in between)
