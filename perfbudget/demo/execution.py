"""The demo region's budget execution (预算执行): monthly treasury payments of the executing project years.

`plan_execution()` is pure: from the demo plan and the seed it decides, per project, an execution profile
(personnel and operating projects pay evenly; specific-purpose projects are back-loaded, some start late, some
fall far behind) and, per project year, the monthly payments in 元 (exact to the cent, never more than the
budget). It covers every executing project year of the monitored year (2025) and an earlier year (2024) that
the plan does not hold: most continuing projects get a 2024 project year (已入库) with its full-year payments, so
that forecasts find similar projects in an earlier year and the "below 70% two years running" rule has
candidates.

`write_execution()` writes what is missing: the 2024 fiscal year and project years (with the library records
of their autumn-2023 budget round, as `generator._write_history` writes 2025's), one import batch per region and
year, and the payment rows, all in bulk. Existing rows are kept, so running it again changes nothing.
"""

import datetime
import hashlib
import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from perfbudget.core.middleware import current_request_id
from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.monitoring.models import MONTH_FIELDS, ExecutionBatch, ExecutionYear
from perfbudget.orgs.models import FiscalYear
from perfbudget.projects.choices import ProjectClass, ProjectStatus
from perfbudget.projects.models import ProjectYear
from perfbudget.projects.services import apply_classification
from perfbudget.projects.workflow import PROJECT_WORKFLOW

from . import tables as T

MONITORED_YEAR = min(T.YEARS)  # the executing year: monitored, its payments complete
EARLIER_YEAR = MONITORED_YEAR - 1  # not in the plan: written here for the history rules
EARLIER_SHARE = 0.85  # continuing projects that get an earlier project year
EXECUTING = (ProjectStatus.ACCEPTED, ProjectStatus.BUDGETED)
CENT = Decimal("0.01")
SOURCE = "国库集中支付系统"
EARLIER_STEPS = (("submit", "请审核。"), ("dept_approve", "同意，报财政审核。"), ("accept", "同意入库。"))

# Monthly weights: a slow spring (春节), then even for personnel and operating projects; specific-purpose
# projects pay the bulk after mid-year, with a rush in November and December.
EVEN = (0.85, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.35)
BACK = (0.35, 0.3, 0.65, 0.8, 0.9, 1.0, 0.95, 0.9, 1.0, 1.05, 1.3, 2.2)
SMALL_PROJECT = Decimal(300_000)  # specific projects below this pay in a few instalments

# Specific-purpose profiles: (name, weight, rate range, back-loading range, late-start months or None)
PROFILES = (
    ("steady", 37, (0.88, 1.0), (0.15, 0.45), None),
    ("backloaded", 35, (0.85, 0.99), (0.5, 0.9), None),
    ("late", 10, (0.75, 0.95), (0.5, 0.9), (3, 6)),
    ("behind", 18, (0.35, 0.68), (0.5, 1.0), (4, 7)),
)


@dataclass(frozen=True)
class YearExecution:
    """The payments of one project year: budget (full-year), the twelve monthly amounts and how they came."""

    project: str
    year: int
    budget: Decimal
    monthly: tuple  # 12 Decimals in 元 (0 for a month without payments)
    profile: str

    @property
    def total(self):
        return sum(self.monthly, Decimal(0))

    @property
    def rate(self):
        return self.total / self.budget if self.budget else None


@dataclass(frozen=True)
class EarlierYear:
    """A project year of the earlier year to create (status 已入库)."""

    project: str
    initial_budget: Decimal
    adjusted_budget: Decimal | None
    is_new: bool

    @property
    def budget(self):
        return self.adjusted_budget if self.adjusted_budget is not None else self.initial_budget


@dataclass(frozen=True)
class ExecutionPlan:
    earlier: tuple  # EarlierYear, by project code
    years: tuple  # YearExecution, earlier year first


def _hundreds(x):
    return Decimal(max(1000, int(round(float(x), -2))))


def _spread(total, weights):
    """`total` (元) over twelve months by `weights`, to the cent, exactly; the remainder goes to the last paying
    month."""
    weight_sum = sum(weights)
    amounts = [(total * Decimal(repr(w)) / Decimal(repr(weight_sum))).quantize(CENT, ROUND_DOWN) if w else Decimal(0)
               for w in weights]
    last = max(m for m, w in enumerate(weights) if w)
    amounts[last] += total - sum(amounts)
    return tuple(amounts)


def _weights(rng, pclass, alpha, start, budget):
    if pclass != ProjectClass.SPECIFIC:
        return [w * rng.uniform(0.9, 1.1) for w in EVEN]
    base = [(1 - alpha) * e + alpha * b for e, b in zip(EVEN, BACK, strict=True)]
    weights = [0.0 if m + 1 < start else w * rng.uniform(0.8, 1.2) for m, w in enumerate(base)]
    if budget < SMALL_PROJECT:
        # A small project pays in two to four instalments, more likely late in the year.
        months = [m for m, w in enumerate(weights) if w]
        k = min(len(months), rng.randint(2, 4))
        chosen = set()
        while len(chosen) < k:
            chosen.add(rng.choices(months, [weights[m] for m in months])[0])
        weights = [w if m in chosen else 0.0 for m, w in enumerate(weights)]
    return weights


def _year(rng, pp, year, budget, profile, rate):
    _name, _w, _rates, (a_lo, a_hi), late = profile
    start = 1
    if late is not None and (profile[0] == "late" or rng.random() < 0.4):
        start = rng.randint(*late)
    weights = _weights(rng, pp.project_class, rng.uniform(a_lo, a_hi), start, budget)
    total = (budget * Decimal(repr(round(rate, 4)))).quantize(CENT, ROUND_DOWN)
    return YearExecution(pp.code, year, budget, _spread(total, weights), profile[0])


def _profile(rng, pp):
    if pp.project_class == ProjectClass.PERSONNEL:
        return ("even", 0, (0.95, 1.0), (0, 0), None)
    if pp.project_class == ProjectClass.OPERATING:
        return ("even", 0, (0.9, 1.0), (0, 0), None)
    return rng.choices(PROFILES, [p[1] for p in PROFILES])[0]


def plan_execution(plan, seed=T.SEED):
    """The demo's execution: earlier-year project years to create and the payments of every executing project
    year (a pure function of the plan and the seed)."""
    earlier, years = [], []
    for pp in plan.projects:
        current = next((yp for yp in pp.years if yp.year == MONITORED_YEAR), None)
        if current is None or current.status not in EXECUTING:
            continue
        rng = random.Random(f"{seed}:{pp.code}:execution")
        profile = _profile(rng, pp)
        rate = rng.uniform(*profile[2])
        budget = current.adjusted_budget if current.adjusted_budget is not None else current.initial_budget
        if pp.start_year <= EARLIER_YEAR and rng.random() < EARLIER_SHARE:
            initial = _hundreds(float(current.initial_budget) * rng.uniform(0.88, 1.12))
            adjusted = _hundreds(float(initial) * rng.uniform(0.9, 1.08)) if rng.random() < 0.3 else None
            ey = EarlierYear(pp.code, initial, adjusted, pp.start_year == EARLIER_YEAR)
            if profile[0] == "behind":
                # Most projects far behind this year were behind last year too (连续两年低于70%).
                early_rate = rng.uniform(0.4, 0.68) if rng.random() < 0.65 else rng.uniform(0.78, 0.95)
            elif rng.random() < 0.08:
                early_rate = rng.uniform(0.55, 0.69)  # a bad year since recovered
            else:
                early_rate = rng.uniform(*profile[2])
            earlier.append(ey)
            years.append(_year(rng, pp, EARLIER_YEAR, ey.budget, profile, early_rate))
        years.append(_year(rng, pp, MONITORED_YEAR, budget, profile, rate))
    years.sort(key=lambda y: (y.year, y.project))
    return ExecutionPlan(tuple(earlier), tuple(years))


# ------------------------------------------------------------------------------------------------- writing


def _write_earlier_years(plan, xplan, projects, actors, stats):
    """Create the missing earlier-year project years (已入库) with the records of their library round."""
    from .generator import _acting_role, _actors_of

    _obj, created = FiscalYear.objects.get_or_create(year=EARLIER_YEAR,
                                                     defaults={"status": FiscalYear.Status.CLOSED})
    stats["fiscal_years"] += created
    have = set(ProjectYear.objects.filter(year=EARLIER_YEAR, project__in=projects.values())
               .values_list("project__code", flat=True))
    new = []
    for ey in xplan.earlier:
        if ey.project in have:
            continue
        py = ProjectYear(project=projects[ey.project], year=EARLIER_YEAR, is_new=ey.is_new,
                         initial_budget=ey.initial_budget, adjusted_budget=ey.adjusted_budget,
                         status=ProjectStatus.ACCEPTED)
        apply_classification(py)
        new.append(py)
    if not new:
        return
    ProjectYear.objects.bulk_create(new, batch_size=500)
    stats["project_years"] += len(new)
    by_code = {pp.code: pp for pp in plan.projects}
    plan_orgs = {o.code: o for o in plan.organisations}
    tz = timezone.get_default_timezone()
    ct = ContentType.objects.get_for_model(ProjectYear)
    request_id = current_request_id() or ""
    records, todos = [], []
    for py in new:
        by_role = _actors_of(by_code[py.project.code], plan_orgs, actors)
        rng = random.Random(f"{py.project.code}:{EARLIER_YEAR}:dates")
        day = datetime.date(EARLIER_YEAR - 1, 9, 4) + datetime.timedelta(days=rng.randint(0, 40))
        state, open_items, url = ProjectStatus.DRAFT, [], PROJECT_WORKFLOW.url(py)
        for action, comment in EARLIER_STEPS:
            t = PROJECT_WORKFLOW.find(action)[0]
            role = _acting_role(t)
            day += datetime.timedelta(days=rng.randint(1, 6))
            at = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tz)
            records.append(WorkflowRecord(content_type=ct, object_id=py.pk, workflow=PROJECT_WORKFLOW.name,
                                          action=t.action, action_label=str(t.label), from_state=state,
                                          to_state=t.target, user=by_role[role], role=role, comment=comment,
                                          request_id=request_id, at=at))
            for item in open_items:
                item.closed_at, item.closed_by, item.closed_action = at, by_role[role], t.action
            open_items = [
                TodoItem(content_type=ct, object_id=py.pk, stage=PROJECT_WORKFLOW.stage, workflow=PROJECT_WORKFLOW.name,
                         state=t.target, title=todo.title, role=todo.role, region=todo.region,
                         organisation=todo.organisation, url=url, created_at=at,
                         due_date=at.date() + datetime.timedelta(days=todo.due_days) if todo.due_days else None)
                for todo in PROJECT_WORKFLOW.todos(py, t.target)
            ]
            todos.extend(open_items)
            state = t.target
    WorkflowRecord.objects.bulk_create(records, batch_size=1000)
    TodoItem.objects.bulk_create(todos, batch_size=1000)
    stats["workflow_steps"] += len(records)


def _batch(region, year, rows, user):
    """The import batch a region's year of payments came in (one file a year, loaded the January after)."""
    filename = f"{region.name}{year}年1-12月国库集中支付数据.xlsx"
    batch = ExecutionBatch.objects.filter(region=region, filename=filename).first()
    if batch is None:
        tz = timezone.get_default_timezone()
        batch = ExecutionBatch.objects.create(
            filename=filename, sha256=hashlib.sha256(f"{T.SEED}:{filename}".encode()).hexdigest(), encoding="",
            rows=rows, created=rows, region=region, created_by=user,
            created_at=datetime.datetime(year + 1, 1, 8, 10, 30, tzinfo=tz))
    return batch


def write_execution(plan, xplan, projects, actors, importers, stats):
    """Write the missing earlier project years and the payments of `xplan`; `projects` by code, `importers`
    by region code (the budget section that loads the treasury data)."""
    _write_earlier_years(plan, xplan, projects, actors, stats)
    pys = {(py.project.code, py.year): py for py in ProjectYear.objects.filter(
        year__in=(EARLIER_YEAR, MONITORED_YEAR), project__in=projects.values()).select_related(
        "project__region", "project__function_class")}
    paid = set(ExecutionYear.objects.filter(project_year__in=pys.values()).values_list("project_year_id", flat=True))
    groups = {}
    for ye in xplan.years:
        py = pys[(ye.project, ye.year)]
        if py.pk in paid:
            continue
        groups.setdefault((py.project.region.code, ye.year), []).append((py, ye))
    rows = []
    for (_code, year), items in sorted(groups.items()):
        region = items[0][0].project.region
        n = sum(1 for _py, ye in items for amount in ye.monthly if amount)
        batch = _batch(region, year, n, importers[region.code])
        for py, ye in items:
            p = py.project
            months = {f: amount or None for f, amount in zip(MONTH_FIELDS, ye.monthly, strict=True)}
            rows.append(ExecutionYear(project_year=py, budget_type=p.budget_type, source=SOURCE, batch=batch,
                                      function_code=p.function_class_id or "", **months))
            stats["execution_rows"] += sum(1 for amount in ye.monthly if amount)
    ExecutionYear.objects.bulk_create(rows, batch_size=1000)

