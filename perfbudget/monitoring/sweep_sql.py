"""Set-based reads of the warning sweep: one query each for the forms, the monthly execution, the similar-project
patterns and the indicator rows of a whole round (or of one project year, through the same code). Every query is
plain SQL or ORM that runs on SQLite and PostgreSQL; rows come back as tuples and dicts, never model objects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import TruncDate

from perfbudget.orgs.models import Region
from perfbudget.projects.models import Project, ProjectYear

from .choices import Likelihood
from .forecast import MONTHS, Pattern, money, pattern_from_sums, to_decimal
from .models import MONTH_FIELDS, ExecutionYear, FormIndicator, MonitoringForm

OWN_HISTORY_YEARS = 3  # the project's own earlier years a forecast may fall back on
MIN_PATTERN_PROJECTS = 10  # a similar-project group needs this many earlier project years to give a pattern


def _t(model):
    return connection.ops.quote_name(model._meta.db_table)


def _float():
    return "double precision" if connection.vendor == "postgresql" else "REAL"


def tune_session():
    """PostgreSQL, inside the sweep's transaction: no JIT (compiling the big aggregates costs more than it saves),
    room to hash and sort the round in memory, an asynchronous commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '128MB'")
            # warnings and levels are derived data a rerun rebuilds: no need to wait for the WAL flush
            cursor.execute("SET LOCAL synchronous_commit = off")


# --------------------------------------------------------------------------------------------------------------
# Selections: a round's project years, or one project year


@dataclass(frozen=True)
class Selection:
    """Which project years to read: those with a form in `round_id`, or the one `project_year_id`."""

    round_id: int | None = None
    project_year_id: int | None = None

    def py_ids_sql(self):
        """SQL selecting the project-year ids, and its params."""
        if self.round_id is not None:
            return f"SELECT project_year_id FROM {_t(MonitoringForm)} WHERE round_id = %s", [self.round_id]
        return "%s", [self.project_year_id]


# --------------------------------------------------------------------------------------------------------------
# Reads


def project_rows(selection: Selection, through_month: int) -> dict[int, dict]:
    """Per project year: year, budget (adjusted, else initial), project id, class, budget type, function code and
    the payments of months 1..through_month (a list). One query."""
    ids_sql, params = selection.py_ids_sql()
    sql = (
        f"SELECT py.id, py.year, py.adjusted_budget, py.initial_budget, p.id, p.project_class, p.budget_type, "
        f"p.function_class_id, {', '.join(f'e.{f}' for f in MONTH_FIELDS[:through_month])} "
        f"FROM {_t(ProjectYear)} py JOIN {_t(Project)} p ON p.id = py.project_id "
        f"LEFT JOIN {_t(ExecutionYear)} e ON e.project_year_id = py.id "
        f"WHERE py.id IN ({ids_sql})"
    )
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            adjusted, initial = row[2], row[3]
            budget = to_decimal(adjusted if adjusted is not None else initial)
            out[row[0]] = {
                "project_year_id": row[0], "year": row[1], "budget": money(budget) if budget is not None else None,
                "project_id": row[4], "project_class": row[5], "budget_type": row[6], "function_code": row[7],
                "monthly": [v if type(v) is Decimal else money(v or 0) for v in row[8:]],
            }
    return out


def form_rows(round_id: int) -> dict[int, dict]:
    """The round's forms by project year: id, status, local submission date, due date. One query (the local
    date is taken in SQL: loading 200,000 aware datetimes costs seconds)."""
    return {py_id: {"form_id": form_id, "status": status, "due_on": due_on, "submitted_on": submitted_on}
            for form_id, py_id, status, submitted_on, due_on in (
                MonitoringForm.objects.filter(round_id=round_id).order_by()
                .annotate(submitted_on=TruncDate("submitted_at"))
                .values_list("id", "project_year_id", "status", "submitted_on", "due_on"))}


def indicator_rows(*, round_id: int | None = None, form_id: int | None = None) -> dict[int, list[tuple]]:
    """Indicator rows by form: (name, target, forecast, actual, likelihood). For a whole round only the rows a
    rule can fire on are read (rated 完全不可能, or a forecast printed and different from the target): the others
    give no finding anyway (`warnings.indicator_finding`). One query."""
    if round_id is not None:
        qs = FormIndicator.objects.order_by().filter(form__round_id=round_id).filter(
            Q(likelihood=Likelihood.IMPOSSIBLE) | (~Q(forecast="") & ~Q(forecast=F("target"))))
    else:
        qs = FormIndicator.objects.order_by("position").filter(form_id=form_id)
    out = defaultdict(list)
    for fid, *rest in qs.values_list("form_id", "name", "target", "forecast", "actual", "likelihood"):
        out[fid].append(tuple(rest))
    return out


def pattern_groups(region: Region | None, year: int) -> dict[tuple, tuple[int, list]]:
    """Similar-project sums of `year` in the region's subtree, per (project class, budget type, function code):
    (project years, [sum over them of the cumulative share of the year's payments reached at the end of months
    1..12]). Project years whose year total is not positive are left out. One query over the project years'
    month columns (float: shares need no cents).
    """
    region_join, region_where, params = "", "", [year]
    if region is not None:
        region_join = f"JOIN {_t(Region)} r ON r.id = p.region_id "
        region_where = "AND r.path LIKE %s "
        params.append(region.path + "%")
    flt = _float()
    months = range(1, MONTHS)
    # each month cast once, each running total built on the previous one: PostgreSQL would otherwise inline the
    # subqueries and repeat every cast and sum in every column (4 s against 1 s for 200,000 project years)
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    per_year = (
        "SELECT p.project_class AS pc, p.budget_type AS bt, p.function_class_id AS fc, "
        + ", ".join(f"CAST(COALESCE(e.{f}, 0) AS {flt}) AS m{m}" for m, f in enumerate(MONTH_FIELDS, start=1))
        + f" FROM {_t(ExecutionYear)} e JOIN {_t(ProjectYear)} py ON py.id = e.project_year_id "
        f"JOIN {_t(Project)} p ON p.id = py.project_id {region_join}WHERE py.year = %s {region_where}{fence}"
    )
    running = "pc, bt, fc, " + ", ".join(f"{' + '.join(f'm{k}' for k in range(1, m + 1))} AS c{m}"
                                         for m in range(1, MONTHS + 1))
    sql = (
        "SELECT pc, bt, fc, COUNT(*), " + ", ".join(f"SUM(c{m} / c{MONTHS})" for m in months)
        + f" FROM (SELECT {running} FROM ({per_year}) x{fence}) y WHERE c{MONTHS} > 0 GROUP BY pc, bt, fc"
    )
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        for pc, bt, fc, n, *sums in rows:
            out[(pc, bt, fc)] = (n, [float(s) for s in sums] + [float(n)])  # December: the whole year, for each
    return out


def own_history(selection: Selection, year: int) -> dict[int, dict[int, list]]:
    """The selected projects' own payments in the OWN_HISTORY_YEARS years before `year`, by project and year:
    {project id: {year: 12 monthly amounts}}. One query."""
    ids_sql, params = selection.py_ids_sql()
    sql = (
        f"SELECT py.project_id, py.year, {', '.join(f'e.{f}' for f in MONTH_FIELDS)} "
        f"FROM {_t(ExecutionYear)} e JOIN {_t(ProjectYear)} py ON py.id = e.project_year_id "
        f"WHERE py.year >= %s AND py.year < %s AND py.project_id IN "
        f"(SELECT py2.project_id FROM {_t(ProjectYear)} py2 WHERE py2.id IN ({ids_sql}))"
    )
    out = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [year - OWN_HISTORY_YEARS, year, *params])
        for project_id, y, *months in cursor.fetchall():
            out[project_id][y] = [to_decimal(v or 0) for v in months]
    return out


# --------------------------------------------------------------------------------------------------------------
# Pattern fall-back: 项 → 款 → 类 → any function code → all projects


LEVELS = (
    (7, "功能分类{code}"),
    (5, "功能分类{code}"),
    (3, "功能分类{code}"),
    (0, "不限功能分类"),
    (None, "全部项目"),
)


class PatternBook:
    """Finds the pattern of a project from the per-group sums of `pattern_groups`: the narrowest group (same
    class, budget type and function code of 7, 5 or 3 digits, then any code, then all projects) holding at least
    `min_projects` project years."""

    def __init__(self, groups: dict[tuple, tuple[int, list]], year: int, min_projects: int = MIN_PATTERN_PROJECTS):
        self.year = year
        self.min_projects = max(1, int(min_projects))
        self.levels = []
        for digits, _label in LEVELS:
            acc = {}
            for (pc, bt, fc), (n, sums) in groups.items():
                key = self._key(digits, pc, bt, fc or "")
                count, total = acc.get(key, (0, [0.0] * MONTHS))
                acc[key] = (count + n, [a + b for a, b in zip(total, sums, strict=True)])
            self.levels.append(acc)
        self._cache = {}

    @staticmethod
    def _key(digits, pc, bt, fc):
        if digits is None:
            return ()
        return (pc, bt, fc[:digits] if digits else "")

    def find(self, project_class, budget_type, function_code) -> Pattern | None:
        for (digits, label), acc in zip(LEVELS, self.levels, strict=True):
            key = self._key(digits, project_class, budget_type, function_code or "")
            n, sums = acc.get(key, (0, None))
            if n < self.min_projects:
                continue
            cache_key = (digits, key)
            if cache_key not in self._cache:
                group = label.format(code=(function_code or "")[:digits] if digits else "")
                self._cache[cache_key] = pattern_from_sums(sums, n, (self.year,), group)
            if self._cache[cache_key] is not None:
                return self._cache[cache_key]
        return None
