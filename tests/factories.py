"""Small, explicit builders for tests: a region tree, organisations, users with role grants, projects."""

import itertools
from decimal import Decimal

from perfbudget.orgs.choices import OrgKind, RegionLevel, Role
from perfbudget.orgs.models import FiscalYear, Organisation, Region, RoleGrant, User
from perfbudget.projects.models import FunctionClass, Project, ProjectYear
from perfbudget.projects.services import apply_classification

PASSWORD = "test-pass-2025"
_seq = itertools.count(1)


def region(code, name, level, parent=None):
    return Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


def org(code, name, kind, region, parent=None, funding_section=None):
    o = Organisation(code=code, name=name, kind=kind, region=region, parent=parent, funding_section=funding_section)
    o.save()
    return o


def user(username, role, region=None, organisation=None, **extra):
    u = User.objects.create_user(username=username, password=PASSWORD, display_name=username, **extra)
    RoleGrant.objects.create(user=u, role=role, region=region, organisation=organisation)
    return u


def function_class(code="2050201", name="学前教育"):
    for c, n in ((code[:3], "教育支出"), (code[:5], "普通教育"), (code, name)):
        FunctionClass.objects.get_or_create(code=c, defaults={"name": n})
    return FunctionClass.objects.get(code=code)


def project_year(unit, year=2025, amount="1200000.00", status="draft", code=None, name=None, **project_fields):
    code = code or f"P{next(_seq):05d}"
    fc = project_fields.pop("function_class", None) or function_class()
    p = Project.objects.filter(code=code).first() or Project(
        code=code, name=name or f"测试项目{code}", unit=unit, function_class=fc, start_year=year,
        end_year=year + 2, **project_fields)
    p.save()
    py = ProjectYear(project=p, year=year, initial_budget=Decimal(amount), status=status)
    apply_classification(py)
    py.save()
    return py


LEVELS = (("city", "640300"), ("county", "640323"), ("sibling", "640324"))
ORG_KEYS = {  # key -> code suffix after the region code
    "bureau": "CZJ", "perf": "CZJ-JXK", "budget": "CZJ-YSK", "edu_sec": "CZJ-JKW", "agri_sec": "CZJ-NYK",
    "edu": "JYJ", "agri": "NYJ", "school": "JYJ-01", "school2": "JYJ-02", "farm": "NYJ-01",
}
USER_ROLES = ("perf", "budget", "funding", "dept", "unit", "oversight", "agency")
PROJECT_KEYS = {"school": "EDU-1", "school2": "EDU-2", "farm": "AGR-1"}


class World:
    """A city (with its own level) and two counties, each with a finance bureau, sections, departments, units
    and one user per role: enough to test every scope rule, siblings included.

    The rows are built once per test database (`World.build`, from the session fixture) and each test gets
    fresh Python objects loaded from them (`World.load`), so no test sees another's in-memory changes.
    """

    @classmethod
    def get(cls):
        """The world of this database: loaded when it is there, built first when it is not."""
        if not Region.objects.filter(code="640324").exists():
            cls.build()
        return cls.load()

    @staticmethod
    def build():
        from perfbudget.indicators.library import sync_national_library

        sync_national_library()  # reference data a flush (transactional tests) may have removed
        for y in (2025, 2026):
            FiscalYear.objects.get_or_create(year=y)
        province = region("640000", "宁夏回族自治区", RegionLevel.PROVINCE)
        city = region("640300", "吴忠市", RegionLevel.CITY, province)
        region("640323", "盐池县", RegionLevel.COUNTY, city)
        region("640324", "同心县", RegionLevel.COUNTY, city)
        for key, code in LEVELS:
            reg = Region.objects.get(code=code)
            c = reg.code
            bureau = org(f"{c}-CZJ", f"{reg.name}财政局", OrgKind.BUREAU, reg)
            perf = org(f"{c}-CZJ-JXK", "绩效科", OrgKind.SECTION, reg, bureau)
            org(f"{c}-CZJ-YSK", "预算科", OrgKind.SECTION, reg, bureau)
            edu_sec = org(f"{c}-CZJ-JKW", "教科文科", OrgKind.SECTION, reg, bureau)
            agri_sec = org(f"{c}-CZJ-NYK", "农业科", OrgKind.SECTION, reg, bureau)
            edu = org(f"{c}-JYJ", f"{reg.name}教育局", OrgKind.DEPARTMENT, reg, funding_section=edu_sec)
            agri = org(f"{c}-NYJ", f"{reg.name}农业农村局", OrgKind.DEPARTMENT, reg, funding_section=agri_sec)
            school = org(f"{c}-JYJ-01", f"{reg.name}第一中学", OrgKind.UNIT, reg, edu)
            school2 = org(f"{c}-JYJ-02", f"{reg.name}实验小学", OrgKind.UNIT, reg, edu)
            farm = org(f"{c}-NYJ-01", f"{reg.name}农业技术推广中心", OrgKind.UNIT, reg, agri)
            user(f"{key}_perf", Role.PERFORMANCE_OFFICE, organisation=perf)
            user(f"{key}_budget", Role.BUDGET_SECTION, region=reg)
            user(f"{key}_funding", Role.FUNDING_SECTION, organisation=edu_sec)
            user(f"{key}_dept", Role.DEPARTMENT, organisation=edu)
            user(f"{key}_unit", Role.UNIT, organisation=school)
            user(f"{key}_oversight", Role.OVERSIGHT, region=reg)
            user(f"{key}_agency", Role.AGENCY, region=reg)
            up = key.upper()
            project_year(school, code=f"{up}-EDU-1", name=f"{key}学校校舍维修")
            project_year(school2, code=f"{up}-EDU-2", name=f"{key}课后服务")
            project_year(farm, code=f"{up}-AGR-1", name=f"{key}高标准农田建设", amount="6000000")
        User.objects.create_superuser("admin", password=PASSWORD)

    @classmethod
    def load(cls):
        w = cls.__new__(cls)
        regions = Region.objects.in_bulk(["640000", "640300", "640323", "640324"], field_name="code")
        w.province, w.city, w.county, w.sibling = (regions[c] for c in ("640000", "640300", "640323", "640324"))
        orgs = Organisation.objects.select_related("region", "parent").in_bulk(field_name="code")
        users = User.objects.in_bulk(field_name="username")
        years = {py.project.code: py for py in ProjectYear.objects.select_related("project")}
        w.orgs, w.users, w.projects = {}, {}, {}
        for key, code in LEVELS:
            w.orgs[key] = {k: orgs[f"{code}-{suffix}"] for k, suffix in ORG_KEYS.items()}
            w.users[key] = {r: users[f"{key}_{r}"] for r in USER_ROLES}
            w.projects[key] = {k: years[f"{key.upper()}-{suffix}"] for k, suffix in PROJECT_KEYS.items()}
        w.admin = users["admin"]
        return w


# --- goals -----------------------------------------------------------------------------------------------

GOOD_ROWS = (  # a clean 10号 goal table: 9 rows, weights 90, every level-two category the checks ask for
    ("产出指标", "数量指标", "维修校舍面积", "ge", "3200", "平方米", "15"),
    ("产出指标", "数量指标", "更换课桌椅套数", "ge", "600", "套", "10"),
    ("产出指标", "质量指标", "工程验收合格率", "ge", "98", "%", "10"),
    ("产出指标", "时效指标", "维修工程完工时间", "le", "2025年8月31日前", "", "5"),
    ("产出指标", "成本指标", "每平方米维修成本", "le", "350", "元", "10"),
    ("效益指标", "社会效益指标", "校舍安全隐患整改率", "ge", "100", "%", "15"),
    ("效益指标", "社会效益指标", "受益学生人数", "ge", "1800", "人", "10"),
    ("效益指标", "可持续影响指标", "维修后校舍使用年限", "ge", "15", "年", "5"),
    ("满意度指标", "服务对象满意度指标", "师生满意度", "ge", "90", "%", "10"),
)


def goal_rows(rows=GOOD_ROWS):
    """Row dicts as the goal page posts them."""
    return [{"level1": l1, "level2": l2, "name": n, "comparator": c, "target": t, "unit": u, "weight": w,
             "basis": "plan", "upper": "", "is_core": "", "entry": "", "note": ""}
            for l1, l2, n, c, t, u, w in rows]


def declare_goal(py, unit_user, rows=None, overall="完成校舍维修，消除安全隐患。", submit=False):
    """A draft goal for `py` declared by `unit_user` (and submitted when asked)."""
    from perfbudget.goals import services

    goal = services.start_goal(py, unit_user)
    services.save_goal(goal, unit_user, {"overall_goal": overall, "annual_goal": overall},
                       goal_rows() if rows is None else rows)
    if submit:
        services.submit(goal, unit_user)
    goal.refresh_from_db()
    return goal
