"""The demo region (演示地区): a deterministic plan built from `tables.py`, then written idempotently.

`build_plan()` is pure: the same seed always gives the same regions, organisations, users, projects, amounts
and workflow paths, whatever the database holds. `seed()` writes the plan: rows are keyed by codes and
usernames and created only when missing; project-years move through the real project-library workflow
(`core.workflow.transition` with `PROJECT_WORKFLOW`) as the demo users, and steps already recorded are skipped,
so running it again changes nothing.
"""

import datetime
import math
import random
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from auditlog.context import set_actor
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from perfbudget.core.middleware import current_request_id
from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.core.workflow import transition
from perfbudget.indicators.library import sync_national_library
from perfbudget.orgs.choices import OrgKind, RegionLevel, Role
from perfbudget.orgs.models import FiscalYear, Organisation, Region, RoleGrant, User
from perfbudget.projects.choices import ProjectClass, ProjectStatus
from perfbudget.projects.models import FunctionClass, Project, ProjectYear
from perfbudget.projects.reference import load_function_classes
from perfbudget.projects.services import apply_classification, save_project_year
from perfbudget.projects.workflow import PROJECT_WORKFLOW
from perfbudget.rulesets.models import RuleSet
from perfbudget.rulesets.services import revise

from . import tables as T
from .evaluation import seed_evaluation
from .goals import seed_goals
from .monitoring import seed_monitoring

# Budget rounds written as history (records dated when they happened); later years run through the engine.
HISTORY_YEARS = (2025,)

# ------------------------------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class RegionPlan:
    """A region to create (行政区划)."""

    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class OrgPlan:
    """An organisation to create: bureau, section, department, unit, agency or oversight body."""

    code: str
    name: str
    kind: str
    region: str
    parent: str | None = None
    funding_section: str | None = None
    level: str = ""       # "city" or "county" for bureau-side and budget organisations
    unit_kind: str = ""   # UNIT_KINDS key, for units


@dataclass(frozen=True)
class UserPlan:
    """An account and its one role grant (on an organisation, or on a region)."""

    username: str
    display_name: str
    role: str | None
    organisation: str | None = None
    region: str | None = None
    superuser: bool = False


@dataclass(frozen=True)
class YearPlan:
    """A project's budget in one year and the workflow steps that bring it to its status."""

    year: int
    initial_budget: Decimal
    adjusted_budget: Decimal | None
    is_new: bool
    steps: tuple  # ((action, comment), ...); action "edit" = the unit cuts the amount by 10% before resubmitting
    raise_reason: str = ""  # when set, the class is raised one step above the computed one, with this reason

    @property
    def status(self):
        """The status the steps end in."""
        state = ProjectStatus.DRAFT
        for action, _comment in self.steps:
            if action != "edit":
                state = PROJECT_WORKFLOW.find(action)[0].target
        return state


@dataclass(frozen=True)
class ProjectPlan:
    """A project (stable code across years) and its years."""

    code: str
    name: str
    unit: str
    region: str
    budget_type: str
    function_code: str
    project_class: str
    special_fund: bool
    key_work: bool
    start_year: int
    end_year: int
    description: str
    years: tuple


@dataclass
class Plan:
    """Everything `seed()` writes, in creation order."""

    regions: list
    organisations: list
    users: list
    projects: list = field(default_factory=list)


DemoAccount = namedtuple("DemoAccount", "username role organisation")


def _levels():
    """(level, region code, region name, short name) of the city and its counties."""
    return [("city", *T.CITY)] + [("county", *c) for c in T.COUNTIES]


def _present(where, level, region_code):
    if where == "all":
        return True
    if where == "featured":
        return level == "city" or region_code == T.FEATURED_COUNTY
    return where == level


def _fill(template, region_name, short, region_code):
    town = T.STREETS.get(region_code, [("", "")])[-1][1]
    return template.format(r=region_name, s=short, c=T.CITY[1], t=town)


@cache
def plan_places():
    """Regions and organisations of the demo region, in creation order (parents first)."""
    regions = [RegionPlan(T.PROVINCE[0], T.PROVINCE[1], RegionLevel.PROVINCE, None),
               RegionPlan(T.CITY[0], T.CITY[1], RegionLevel.CITY, T.PROVINCE[0])]
    for code, name, _short in T.COUNTIES:
        regions.append(RegionPlan(code, name, RegionLevel.COUNTY, T.CITY[0]))
        for street_code, street_name in T.STREETS[code]:
            regions.append(RegionPlan(street_code, street_name, RegionLevel.STREET, code))
    orgs = []
    for level, rc, rname, short in _levels():
        bureau = f"{rc}-CZJ"
        orgs.append(OrgPlan(bureau, f"{rname}财政局", OrgKind.BUREAU, rc, level=level))
        for suffix, name in T.SECTIONS:
            orgs.append(OrgPlan(f"{bureau}-{suffix}", name, OrgKind.SECTION, rc, bureau, level=level))
        for dept in T.DEPARTMENTS:
            if not _present(dept.where, level, rc):
                continue
            name_tpl = dept.city_name if level == "city" else dept.county_name
            dcode = f"{rc}-{dept.abbr}"
            orgs.append(OrgPlan(dcode, _fill(name_tpl, rname, short, rc), OrgKind.DEPARTMENT, rc,
                                funding_section=f"{bureau}-{dept.section}", level=level))
            for unit in dept.units:
                unit_tpl = unit.city_name if level == "city" else unit.county_name
                if unit_tpl is None:
                    continue
                orgs.append(OrgPlan(f"{dcode}-{unit.suffix}", _fill(unit_tpl, rname, short, rc), OrgKind.UNIT, rc,
                                    dcode, level=level, unit_kind=unit.kind))
    for code, name, rc in (T.CITY_AGENCY, T.COUNTY_AGENCY):
        orgs.append(OrgPlan(code, name, OrgKind.AGENCY, rc))
    for code, name, rc in T.OVERSIGHT_ORGS:
        orgs.append(OrgPlan(code, name, OrgKind.OVERSIGHT, rc))
    return tuple(regions), tuple(orgs)


def full_name(org, by_code):
    """A section's name with its bureau's (预算科 → 吴忠市财政局预算科); other organisations as they are."""
    if org.kind == OrgKind.SECTION:
        return by_code[org.parent].name + org.name
    return org.name


def _plan_users(orgs):
    """The superuser, the named demo accounts, and one operator account per acting organisation."""
    by_code = {o.code: o for o in orgs}
    regions = {r.code for r in plan_places()[0]}
    users = [UserPlan("admin", "系统管理员", None, superuser=True)]
    named_orgs = set()
    for username, display, role, scope in T.NAMED_USERS:
        if scope in regions:
            users.append(UserPlan(username, display, role, region=scope))
        else:
            users.append(UserPlan(username, display, role, organisation=scope))
            named_orgs.add((role, scope))
    # One account per organisation that acts in the project-library flow (units, departments, budget sections),
    # unless a named demo account already acts for it. Usernames are the organisation codes.
    for o in orgs:
        role = {OrgKind.UNIT: Role.UNIT, OrgKind.DEPARTMENT: Role.DEPARTMENT}.get(o.kind)
        if o.kind == OrgKind.SECTION and o.code.endswith("-YSK"):
            role = Role.BUDGET_SECTION
        if role is None or (role, o.code) in named_orgs:
            continue
        users.append(UserPlan(o.code.lower(), f"{full_name(o, by_code)}经办人", role, organisation=o.code))
    return users


def _amount(rng, lo, hi, factor):
    """An amount in 元, log-uniform between lo and hi 万元, rounded to hundreds."""
    wan = math.exp(rng.uniform(math.log(lo), math.log(hi))) * factor
    return Decimal(max(1000, int(round(wan * 10_000, -2))))


def _vary(rng, amount, low, high):
    return Decimal(max(1000, int(round(float(amount) * rng.uniform(low, high), -2))))


def _accepted_path(rng):
    """Steps to 已入库: mostly straight through, sometimes after a return by the department or the bureau."""
    r = rng.random()
    submit = ("submit", rng.choice(T.SUBMIT_COMMENTS))
    approve = ("dept_approve", rng.choice(T.DEPT_APPROVE_COMMENTS))
    accept = ("accept", rng.choice(T.ACCEPT_COMMENTS))
    if r < 0.78:
        return (submit, approve, accept)
    resubmit = ("submit", rng.choice(T.RESUBMIT_COMMENTS))
    if r < 0.9:
        return (submit, ("dept_return", rng.choice(T.DEPT_RETURN_COMMENTS)), resubmit, approve, accept)
    comment = rng.choice(T.BUREAU_RETURN_COMMENTS)
    cut = (("edit", ""),) if comment == T.CUT_COMMENT else ()
    return (submit, approve, ("bureau_return", comment), *cut, resubmit, approve, accept)


def _path(status, rng):
    """Workflow steps that take a new project-year to `status` (one of several realistic routes)."""
    submit = ("submit", rng.choice(T.SUBMIT_COMMENTS))
    approve = ("dept_approve", rng.choice(T.DEPT_APPROVE_COMMENTS))
    dept_return = ("dept_return", rng.choice(T.DEPT_RETURN_COMMENTS))
    resubmit = ("submit", rng.choice(T.RESUBMIT_COMMENTS))
    cycle = rng.random() < 0.15
    if status == "draft":
        return (submit, ("withdraw", T.WITHDRAW_COMMENT)) if rng.random() < 0.2 else ()
    if status == "dept_review":
        return (submit, dept_return, resubmit) if cycle else (submit,)
    if status == "bureau_review":
        return (submit, dept_return, resubmit, approve) if cycle else (submit, approve)
    if status == "returned_dept":
        return (submit, dept_return)
    if status == "returned_bureau":
        return (submit, approve, ("bureau_return", rng.choice(T.BUREAU_RETURN_COMMENTS)))
    if status == "returned":
        return _path("returned_dept" if rng.random() < 0.55 else "returned_bureau", rng)
    return _accepted_path(rng)


def _unit_projects(seed, unit, counters):
    """The projects one unit declares: maybe a 人员类 and a 运转类 one, and some 特定目标类 ones from its pool."""
    rng = random.Random(f"{seed}:{unit.code}")
    kind = T.UNIT_KINDS[unit.unit_kind]
    factor = T.LEVEL_FACTOR[unit.level]
    featured = unit.code in T.FORCED_2026
    items = []  # (name, code, budget, lo, hi, flags, class)
    if featured or rng.random() < T.PERSONNEL_SHARE:
        name, code, lo, hi = rng.choice(T.PERSONNEL[kind.staff])
        items.append((name, code, "general", lo, hi, "", ProjectClass.PERSONNEL))
    if featured or rng.random() < T.OPERATING_SHARE:
        name, code, lo, hi = rng.choice(T.OPERATING)
        items.append((name, code, "general", lo, hi, "", ProjectClass.OPERATING))
    level_flag = "c" if unit.level == "city" else "x"
    pool = [t for t in kind.pool if not ({"c", "x"} & set(t.flags)) or level_flag in t.flags]
    n = len(pool) if featured else min(rng.randint(*kind.n_specific), len(pool))
    for t in sorted(rng.sample(pool, n), key=pool.index):
        items.append((t.name, t.code, t.budget, t.lo, t.hi, t.flags, ProjectClass.SPECIFIC))

    dept_abbr = unit.code.split("-")[1]
    projects = []
    forced = list(T.FORCED_2026.get(unit.code, []))
    for name, code, budget, lo, hi, flags, pclass in items:
        code = code.format(base=kind.base)
        if pclass != ProjectClass.SPECIFIC:
            start, end = 2023, 2027
        elif "N" in flags or rng.random() < T.NEW_IN_2026_SHARE:
            start = 2026
            end = 2026 + rng.choice([0, 1, 2])
        else:
            start = rng.choices([2023, 2024, 2025], weights=[25, 30, 45])[0]
            end = 2025 if rng.random() < T.ENDS_IN_2025_SHARE else rng.choice([2026, 2027, 2027, 2028])
        key = (unit.region, start, dept_abbr)
        counters[key] += 1
        pcode = f"{unit.region}-{start}-{dept_abbr}{counters[key]:03d}"
        key_work = "K" in flags and rng.random() < T.KEY_WORK_SHARE
        special = "S" in flags
        amount = _amount(rng, lo, hi, factor)
        years = []
        for year in T.YEARS:
            if not start <= year <= end:
                continue
            fixed = T.AMOUNT_OVERRIDES.get((unit.region, name, year))
            if fixed is not None:
                amount = Decimal(fixed)
            elif years:
                amount = _vary(rng, amount, 0.85, 1.15)
            adjusted = _vary(rng, amount, 0.9, 1.1) if year == 2025 and rng.random() < 0.45 else None
            if year == 2025:
                steps = () if end == 2025 and rng.random() < 0.15 else _accepted_path(rng)
            elif forced:
                steps = _path(forced.pop(0), rng)
            else:
                status = rng.choices([s for s, _w in T.STATUS_MIX_2026], [w for _s, w in T.STATUS_MIX_2026])[0]
                steps = _path(status, rng)
            reason = ""
            if pclass == ProjectClass.SPECIFIC and rng.random() < T.OVERRIDE_SHARE:
                reason = rng.choice(T.OVERRIDE_REASONS)
            years.append(YearPlan(year, amount, adjusted, year == start, steps, reason))
        if pclass == ProjectClass.PERSONNEL:
            description = f"按照国家和自治区规定的政策标准，保障{unit.name}人员经费支出。"
        elif pclass == ProjectClass.OPERATING:
            description = f"按照定额标准保障{unit.name}日常运转。"
        else:
            description = f"由{unit.name}组织实施，实施期{start}—{end}年。"
            if special:
                description += "属专项资金，实行专款专用。"
        projects.append(ProjectPlan(pcode, name, unit.code, unit.region, budget, code, pclass, special, key_work,
                                    start, end, description, tuple(years)))
    return projects


def build_plan(seed=T.SEED):
    """The whole demo region as plain data: a pure function of the seed."""
    regions, orgs = plan_places()
    plan = Plan(list(regions), list(orgs), _plan_users(orgs))
    counters = Counter()
    for org in orgs:
        if org.kind == OrgKind.UNIT:
            plan.projects.extend(_unit_projects(seed, org, counters))
    return plan


def demo_accounts():
    """The demo accounts the README lists: username, role and organisation (or region)."""
    regions, orgs = plan_places()
    by_code = {o.code: o for o in orgs}
    region_names = {r.code: r.name for r in regions}
    accounts = [DemoAccount("admin", "系统管理员", "—")]
    for username, _display, role, scope in T.NAMED_USERS:
        place = full_name(by_code[scope], by_code) if scope in by_code else region_names[scope]
        accounts.append(DemoAccount(username, Role(role).label, place))
    return accounts


DEMO_ACCOUNTS = demo_accounts()

# ------------------------------------------------------------------------------------------------- writing


def _upsert(model, existing, lookup, **fields):
    """Create `model(**lookup, **fields)` unless `existing` (by the lookup value) has it; update changed fields."""
    key = next(iter(lookup.values()))
    obj = existing.get(key)
    if obj is None:
        obj = model(**lookup, **fields)
        obj.save()
        existing[key] = obj
        return obj, 1
    changed = False
    for name, value in fields.items():
        attname = model._meta.get_field(name).attname
        new = value.pk if isinstance(value, models.Model) else value
        if getattr(obj, attname) != new:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj, 0


def _write_places(plan, stats):
    """Fiscal years, regions and organisations; returns them by code."""
    for year, status in ((2025, FiscalYear.Status.OPEN), (2026, FiscalYear.Status.PLANNING)):
        _obj, created = FiscalYear.objects.get_or_create(year=year, defaults={"status": status})
        stats["fiscal_years"] += created
    regions = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in plan.regions])}
    for r in plan.regions:
        _obj, created = _upsert(Region, regions, {"code": r.code}, name=r.name, level=r.level,
                                parent=regions[r.parent] if r.parent else None)
        stats["regions"] += created
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[o.code for o in plan.organisations])}
    # Departments point at their funding section, so sections are written before them (plan order ensures it).
    for o in plan.organisations:
        _obj, created = _upsert(Organisation, orgs, {"code": o.code}, name=o.name, kind=o.kind,
                                region=regions[o.region], parent=orgs[o.parent] if o.parent else None,
                                funding_section=orgs[o.funding_section] if o.funding_section else None)
        stats["organisations"] += created
    return regions, orgs


def _write_users(plan, regions, orgs, stats):
    """Create the missing accounts and role grants (in bulk: hundreds of operator accounts)."""
    users = {u.username: u for u in User.objects.filter(username__in=[u.username for u in plan.users])}
    missing = [up for up in plan.users if up.username not in users]
    if missing:
        # One hash for every demo account: hashing hundreds of passwords would dominate the run time.
        encoded = make_password(T.PASSWORD)
        created = User.objects.bulk_create([
            User(username=up.username, display_name=up.display_name, password=encoded, is_superuser=up.superuser,
                 is_staff=up.superuser)
            for up in missing
        ])
        users.update((u.username, u) for u in created)
        stats["users"] += len(created)
    grants = set(RoleGrant.objects.filter(user__in=users.values())
                 .values_list("user_id", "role", "region_id", "organisation_id"))
    new_grants = []
    for up in plan.users:
        if not up.role:
            continue
        user = users[up.username]
        region = regions[up.region] if up.region else None
        org = orgs[up.organisation] if up.organisation else None
        key = (user.pk, up.role, region.pk if region else None, org.pk if org else None)
        if key not in grants:
            new_grants.append(RoleGrant(user=user, role=up.role, region=region, organisation=org))
            grants.add(key)
    RoleGrant.objects.bulk_create(new_grants)
    stats["grants"] += len(new_grants)
    return users


def _write_rulesets(regions, users, stats):
    """Add the demo's rule-set versions (by their performance offices) unless already there."""
    for region_code, year, overrides, note, username in T.RULESET_REVISIONS:
        region = regions[region_code]
        if not RuleSet.objects.filter(region=region, year=year, note=note).exists():
            with set_actor(users[username]):
                revise(region, year, overrides, users[username], note=note)
            stats["rulesets"] += 1


def _actors(plan, users):
    """(role, organisation code) → the user who acts for it in the workflow."""
    actors = {}
    for up in plan.users:
        if up.role in (Role.UNIT, Role.DEPARTMENT, Role.BUDGET_SECTION) and up.organisation:
            actors.setdefault((up.role, up.organisation), users[up.username])
    return actors


def _raise(abc_class):
    return {"C": "B", "B": "A"}.get(abc_class, "")


def _write_projects(plan, orgs, regions, stats):
    """Create the missing projects and project-years in bulk (a data load, so without change-log entries);
    rows of the history years get their final status here and their records from `_write_history`."""
    function_classes = {fc.code: fc for fc in FunctionClass.objects.all()}
    missing = sorted({p.function_code for p in plan.projects} - set(function_classes))
    if missing:
        raise ValueError(f"演示项目使用了未加载的功能分类科目：{'、'.join(missing)}")
    projects = {p.code: p for p in Project.objects.filter(code__in=[p.code for p in plan.projects])}
    parents = {o.code: o.parent for o in plan.organisations}
    new_projects = []
    for pp in plan.projects:
        if pp.code in projects:
            continue
        unit = orgs[pp.unit]
        # What Project.save() derives from the unit, set here because bulk_create does not call save().
        project = Project(code=pp.code, name=pp.name, unit=unit, department=orgs[parents[pp.unit]],
                          region=regions[pp.region], budget_type=pp.budget_type,
                          function_class=function_classes[pp.function_code], project_class=pp.project_class,
                          special_fund=pp.special_fund, key_work=pp.key_work, start_year=pp.start_year,
                          end_year=pp.end_year, description=pp.description)
        new_projects.append(project)
        projects[pp.code] = project
    Project.objects.bulk_create(new_projects, batch_size=500)
    stats["projects"] += len(new_projects)

    years = {(py.project_id, py.year): py for py in ProjectYear.objects.filter(project__in=projects.values())}
    result, new_years = {}, []
    for pp in plan.projects:
        project = projects[pp.code]
        for yp in pp.years:
            py = years.get((project.pk, yp.year))
            if py is None:
                history = yp.year in HISTORY_YEARS
                py = ProjectYear(project=project, year=yp.year, is_new=yp.is_new, initial_budget=yp.initial_budget,
                                 adjusted_budget=yp.adjusted_budget,
                                 status=yp.status if history else ProjectStatus.DRAFT)
                computed = apply_classification(py).abc_class
                if yp.raise_reason and _raise(computed):
                    py.abc_override_reason = yp.raise_reason
                    apply_classification(py, _raise(computed))
                new_years.append((pp, yp, py))
            result[(pp.code, yp.year)] = py
    ProjectYear.objects.bulk_create([py for _pp, _yp, py in new_years], batch_size=500)
    stats["project_years"] += len(new_years)
    return result, new_years


def _actors_of(pp, plan_orgs, actors):
    """Who acts on a project as its unit, its department and the finance bureau (budget section)."""
    return {
        Role.UNIT: actors[(Role.UNIT, pp.unit)],
        Role.DEPARTMENT: actors[(Role.DEPARTMENT, plan_orgs[pp.unit].parent)],
        Role.BUDGET_SECTION: actors[(Role.BUDGET_SECTION, f"{pp.region}-CZJ-YSK")],
    }


def _acting_role(t):
    return next(r for r in (Role.UNIT, Role.DEPARTMENT, Role.BUDGET_SECTION) if r in t.roles)


def _write_history(new_years, plan_orgs, actors, seed_value, stats):
    """The 2025 budget round, which took place in the autumn of 2024: its workflow records and (closed) to-do
    items, as the engine writes them, dated when the steps happened."""
    tz = timezone.get_default_timezone()
    ct = ContentType.objects.get_for_model(ProjectYear)
    request_id = current_request_id() or ""
    records, todos = [], []
    for pp, yp, py in new_years:
        if yp.year not in HISTORY_YEARS or not yp.steps:
            continue
        by_role = _actors_of(pp, plan_orgs, actors)
        rng = random.Random(f"{seed_value}:{pp.code}:{yp.year}:dates")
        day = datetime.date(yp.year - 1, 9, 2) + datetime.timedelta(days=rng.randint(0, 45))
        state, open_items = ProjectStatus.DRAFT, []
        for action, comment in yp.steps:
            if action == "edit":
                continue
            t = PROJECT_WORKFLOW.find(action)[0]
            actor = by_role[_acting_role(t)]
            day += datetime.timedelta(days=rng.randint(1, 6))
            at = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tz)
            records.append(WorkflowRecord(content_type=ct, object_id=py.pk, workflow=PROJECT_WORKFLOW.name,
                                          action=t.action, action_label=str(t.label), from_state=state,
                                          to_state=t.target, user=actor, role=_acting_role(t), comment=comment,
                                          request_id=request_id, at=at))
            for item in open_items:
                item.closed_at, item.closed_by, item.closed_action = at, actor, t.action
            open_items = [
                TodoItem(content_type=ct, object_id=py.pk, stage=PROJECT_WORKFLOW.stage,
                         workflow=PROJECT_WORKFLOW.name, state=t.target, title=todo.title, role=todo.role,
                         region=todo.region, organisation=todo.organisation, url=PROJECT_WORKFLOW.url(py),
                         created_at=at,
                         due_date=at.date() + datetime.timedelta(days=todo.due_days) if todo.due_days else None)
                for todo in PROJECT_WORKFLOW.todos(py, t.target)
            ]
            todos.extend(open_items)
            state = t.target
    WorkflowRecord.objects.bulk_create(records, batch_size=500)
    TodoItem.objects.bulk_create(todos, batch_size=500)
    stats["workflow_steps"] += len(records)


def _write_workflow(plan, plan_orgs, actors, pys, stats):
    """Run, through the workflow engine, the planned steps of the current year's project-years not yet recorded."""
    ct = ContentType.objects.get_for_model(ProjectYear)
    live = {key: py for key, py in pys.items() if key[1] not in HISTORY_YEARS}
    done = defaultdict(list)
    for object_id, action in (WorkflowRecord.objects
                              .filter(content_type=ct, workflow=PROJECT_WORKFLOW.name,
                                      object_id__in=[py.pk for py in live.values()])
                              .order_by("at", "id").values_list("object_id", "action")):
        done[object_id].append(action)
    for pp in plan.projects:
        for yp in pp.years:
            py = live.get((pp.code, yp.year))
            if py is None:
                continue
            have = done[py.pk]
            planned = [a for a, _c in yp.steps if a != "edit"]
            if planned[:len(have)] != have:
                stats["workflow_diverged"] += 1  # changed by someone since: leave it as it is
                continue
            by_role = _actors_of(pp, plan_orgs, actors)
            recorded = 0
            for action, comment in yp.steps:
                if action == "edit":
                    if recorded >= len(have):
                        current = ProjectYear.objects.get(pk=py.pk)
                        cut = Decimal(int(round(float(current.initial_budget) * 0.9, -2)))
                        with set_actor(by_role[Role.UNIT]):
                            save_project_year(by_role[Role.UNIT], {"initial_budget": cut}, instance=current)
                    continue
                recorded += 1
                if recorded <= len(have):
                    continue
                actor = by_role[_acting_role(PROJECT_WORKFLOW.find(action)[0])]
                with set_actor(actor):
                    transition(py, PROJECT_WORKFLOW, action, actor, comment=comment)
                stats["workflow_steps"] += 1


def counts(seed_value=T.SEED):
    """What the demo region holds now (the summary the command prints)."""
    ct = ContentType.objects.get_for_model(ProjectYear)
    codes = [o.code for o in plan_places()[1]]
    orgs = Counter(Organisation.objects.filter(code__in=codes).values_list("kind", flat=True))
    pys = ProjectYear.objects.filter(project__code__in=[p.code for p in build_plan(seed_value).projects])
    return {
        "regions": Region.objects.filter(code__in=[r.code for r in plan_places()[0]]).count(),
        "organisations": dict(orgs),
        "users": User.objects.count(),
        "projects": Project.objects.filter(pk__in=pys.values("project_id")).count(),
        "project_years": dict(Counter(pys.values_list("year", flat=True))),
        "statuses": {year: dict(Counter(pys.filter(year=year).values_list("status", flat=True)))
                     for year in T.YEARS},
        "budget_types": dict(Counter(pys.values_list("project__budget_type", flat=True))),
        "abc": dict(Counter(pys.values_list("abc_class", flat=True))),
        "workflow_records": WorkflowRecord.objects.filter(content_type=ct, object_id__in=pys.values("pk")).count(),
        "open_todos": TodoItem.objects.open().filter(content_type=ct, object_id__in=pys.values("pk")).count(),
        "rulesets": RuleSet.objects.count(),
    }


def seed(seed_value=T.SEED):
    """Write the demo region; returns (created-row stats, counts()). Idempotent, and one transaction."""
    plan = build_plan(seed_value)
    plan_orgs = {o.code: o for o in plan.organisations}
    stats = Counter()
    with transaction.atomic():
        created, _updated = load_function_classes()
        stats["function_classes"] += created
        stats["indicator_entries"] += sync_national_library()[1]  # reference data, as after `migrate`
        admin = User.objects.filter(username="admin").first()
        with set_actor(admin):
            regions, orgs = _write_places(plan, stats)
            users = _write_users(plan, regions, orgs, stats)
        _write_rulesets(regions, users, stats)
        actors = _actors(plan, users)
        pys, new_years = _write_projects(plan, orgs, regions, stats)
        _write_history(new_years, plan_orgs, actors, seed_value, stats)
        _write_workflow(plan, plan_orgs, actors, pys, stats)
        seed_goals(plan, orgs, regions, users, pys, seed_value, stats)
        seed_monitoring(plan, users, seed_value, stats)
        seed_evaluation(plan, users, seed_value, stats)
    return stats, counts(seed_value)
