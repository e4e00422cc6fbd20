"""预警扫描: the warning rules over a whole round, set-based.

`run_sweep(round)` reads the round's facts in a handful of queries (`sweep_sql`), forecasts and evaluates every
project with the pure `forecast.forecast` and `warnings.evaluate` (`facts_from_rows`, `evaluate_facts`: no database,
timed by bench/bench_sweep_python.py), then, in one transaction, replaces the round's warnings in bulk (COPY on
PostgreSQL, batched inserts elsewhere), sets every form's warning level and system forecast with one UPDATE … FROM a
temporary table, and records a `WarningSweep`. The number of queries does not grow with the number of projects;
garbage collection is paused meanwhile (`gc_paused`).

`facts_for_project` / `forecast_for` run the same reads filtered to one project year, so a form page shows what
the sweep computes. `run_sweep_job` is the background-job handler; `low_execution_candidates` lists projects
below the execution-rate line in consecutive years (key-evaluation candidates).
"""

from __future__ import annotations

import datetime
import gc
import json
import time
from collections import defaultdict
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from perfbudget.core.models import Job
from perfbudget.core.tasks import enqueue_job
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from . import sweep_sql
from .forecast import MIN_SHARE, Forecast, Pattern, forecast, to_decimal
from .models import (
    ExecutionBatch,
    FormForecastMethod,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    WarningSweep,
    paid_through,
)
from .sweep_side import SideReads, side_by_side
from .sweep_sql import MIN_PATTERN_PROJECTS, PatternBook, Selection
from .warnings import GREEN, RED, YELLOW, Facts, IndicatorFact, RuleValues, evaluate, overall_level, rules_from_values

RULE_KEYS = ("monitoring.checkpoints", "monitoring.time_progress_margin", "monitoring.behind_time_red_margin")


def rule_values(rules) -> dict:
    """The monitoring.* values `warnings.evaluate` reads, from a resolved rule set (or any mapping)."""
    return {k: rules.get(k) for k in RULE_KEYS if rules.get(k) is not None}


# --------------------------------------------------------------------------------------------------------------
# Facts


PATTERN_CACHE_SECONDS = 6 * 3600


def similar_patterns(region, year: int, refresh: bool = False, groups: dict | None = None) -> dict:
    """`sweep_sql.pattern_groups` through the cache: a form page reads what the last sweep computed instead of
    aggregating a whole earlier year per view. A sweep always recomputes (refresh; `groups` when it has read them
    already); an execution import (a new batch) changes the key."""
    stamp = ExecutionBatch.objects.aggregate(last=Max("pk"))["last"] or 0
    key = f"monitoring:patterns:{getattr(region, 'pk', 0)}:{year}:{stamp}"
    if groups is None and not refresh and (cached := cache.get(key)) is not None:
        return cached
    if groups is None:
        groups = sweep_sql.pattern_groups(region, year)
    cache.set(key, groups, PATTERN_CACHE_SECONDS)
    return groups


def gather_facts(selection: Selection, *, year: int, through_month: int, region, as_of: datetime.date | None,
                 forms: dict | None = None, indicators: dict | None = None,
                 min_pattern_projects: int = MIN_PATTERN_PROJECTS, refresh_patterns: bool = False,
                 side: SideReads | None = None) -> list[Facts]:
    """Facts of the selected project years (each with its forecast). `forms` (by project year) and `indicators`
    (by form) come from `sweep_sql.form_rows` / `indicator_rows`; without them the facts have no form part.
    `side`: the indicator rows and the patterns are being read on a second connection meanwhile."""
    rows = sweep_sql.project_rows(selection, through_month)
    groups = None
    if side is not None:
        indicators, groups = side.result()
    book = PatternBook(similar_patterns(region, year - 1, refresh_patterns, groups), year - 1, min_pattern_projects)
    patterns = group_patterns(rows, book)
    history = {}
    if through_month < 12 and any(p is None or p.shares[through_month - 1] < MIN_SHARE for p in patterns.values()):
        history = sweep_sql.own_history(selection, year)
    return facts_from_rows(rows, patterns, history, through_month=through_month, as_of=as_of, forms=forms,
                           indicators=indicators)


def group_patterns(rows: dict, book: PatternBook) -> dict[tuple, Pattern | None]:
    """The pattern of each (project class, budget type, function code) of `sweep_sql.project_rows` rows."""
    keys = {(r["project_class"], r["budget_type"], r["function_code"]) for r in rows.values()}
    return {key: book.find(*key) for key in keys}


def facts_from_rows(rows: dict, patterns: dict, history: dict, *, through_month: int, as_of: datetime.date | None,
                    forms: dict | None = None, indicators: dict | None = None) -> list[Facts]:
    """Facts (each with its forecast) of `sweep_sql.project_rows` rows, with their groups' `patterns`
    (`group_patterns`), the projects' own earlier years (`sweep_sql.own_history`, {} when not read), and the forms
    and indicator rows of `gather_facts`. Pure: no database."""
    forms = forms or {}
    indicators = indicators or {}
    no_form = {}
    out = []
    for py_id, r in rows.items():
        fc = forecast(r["budget"], r["monthly"], through_month,
                      patterns[r["project_class"], r["budget_type"], r["function_code"]], history.get(r["project_id"]))
        form = forms.get(py_id, no_form)
        form_id = form.get("form_id")
        rated = indicators.get(form_id)
        # positional, in field order (keywords cost 0.1 s over 200,000 projects)
        out.append(Facts(
            r["budget"], fc.actual[-1], through_month, fc.actual, fc, as_of, r["year"],
            form.get("status", ""), form.get("submitted_on"), form.get("due_on"),
            tuple(IndicatorFact(*i) for i in rated) if rated else (),
            {"project_year_id": py_id, "form_id": form_id, "project_id": r["project_id"]},
        ))
    return out


def facts_for_project(project_year: ProjectYear, through_month: int, *, round: MonitoringRound | None = None,
                      as_of: datetime.date | None = None,
                      min_pattern_projects: int = MIN_PATTERN_PROJECTS) -> Facts:
    """The facts the sweep would evaluate for one project year (the same reads, filtered to it). With `round`,
    similar projects are taken from the round's region and the project's form in that round is read too;
    without, from the project's region and with no form part."""
    region = round.region if round is not None else project_year.project.region
    forms, indicators = {}, {}
    if round is not None:
        form = (MonitoringForm.objects.filter(round=round, project_year=project_year)
                .values_list("id", "status", "submitted_at", "due_on").first())
        if form is not None:
            forms[project_year.pk] = {"form_id": form[0], "status": form[1], "due_on": form[3],
                                      "submitted_on": timezone.localdate(form[2]) if form[2] else None}
            indicators = sweep_sql.indicator_rows(form_id=form[0])
    facts = gather_facts(Selection(project_year_id=project_year.pk), year=project_year.year,
                         through_month=through_month, region=region, as_of=as_of or timezone.localdate(),
                         forms=forms, indicators=indicators, min_pattern_projects=min_pattern_projects)
    return facts[0]


def forecast_for(project_year: ProjectYear, through_month: int, *, round: MonitoringRound | None = None,
                 min_pattern_projects: int = MIN_PATTERN_PROJECTS) -> Forecast:
    """The system's year-end forecast for one project year, as the sweep computes it."""
    return facts_for_project(project_year, through_month, round=round,
                             min_pattern_projects=min_pattern_projects).forecast


# --------------------------------------------------------------------------------------------------------------
# The sweep


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside. A sweep holds a few objects per project until it ends (rows, facts,
    findings: millions on a large round) and every full collection would walk them all, seconds in total; what it
    builds is freed by reference counting, and collection resumes (if it was on) on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_sweep(round: MonitoringRound, user=None, as_of: datetime.date | None = None, *,
              min_pattern_projects: int = MIN_PATTERN_PROJECTS) -> WarningSweep:
    """Evaluate every form of the round and replace its warnings; returns the recorded `WarningSweep`."""
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    rules = resolve(round.region, round.year)
    values = rules_from_values(rule_values(rules))
    t = round.through_month
    side_by_side_reads = side_by_side()
    with gc_paused(), transaction.atomic():
        # one sweep of a round at a time; the reads and the writes see one state of the data
        list(MonitoringRound.objects.select_for_update().filter(pk=round.pk).order_by().values_list("pk"))
        sweep_sql.tune_session()
        if side_by_side_reads:  # indicator rows and patterns on a second connection while this one reads the rest
            side, indicators = SideReads(round.pk, round.region, round.year - 1), None
            side.start()
        else:
            side, indicators = None, sweep_sql.indicator_rows(round_id=round.pk)
        facts = gather_facts(Selection(round_id=round.pk), year=round.year, through_month=t, region=round.region,
                             as_of=as_of, forms=sweep_sql.form_rows(round.pk), indicators=indicators,
                             min_pattern_projects=min_pattern_projects, refresh_patterns=True, side=side)
        sweep = WarningSweep.objects.create(round=round, as_of=as_of, ruleset=rules.label[:200],
                                            projects=len(facts), created_by=user if getattr(user, "pk", None) else None)
        MonitoringWarning.objects.filter(round=round).delete()  # no signals or cascades: one DELETE
        # the rules run as the COPY consumes their findings: the server stores one project's warnings while
        # Python evaluates the next
        levels, counts = [], {RED: 0, YELLOW: 0, GREEN: 0}
        _insert_warnings(round.pk, sweep.pk, evaluations(facts, values, levels, counts))
        _update_forms(levels)
        sweep.red, sweep.yellow = counts[RED], counts[YELLOW]
        sweep.seconds = round_seconds(time.perf_counter() - started)
        WarningSweep.objects.filter(pk=sweep.pk).update(red=sweep.red, yellow=sweep.yellow, seconds=sweep.seconds)
    return sweep


def evaluate_facts(facts: list[Facts], values: RuleValues) -> tuple[list, list, dict]:
    """The rules over every project: ([(project year id, its findings)] for the projects with findings,
    [(form id, level, system forecast, forecast method)] for those with a form, {level: projects}). Pure."""
    levels, counts = [], {RED: 0, YELLOW: 0, GREEN: 0}
    warnings = list(evaluations(facts, values, levels, counts))
    return warnings, levels, counts


def evaluations(facts: list[Facts], values: RuleValues, levels: list, counts: dict):
    """Yield (project year id, its findings) for each project with findings, as the rules run; append each
    form's (form id, level, system forecast, forecast method) to `levels` and count the levels in `counts`."""
    for f in facts:
        findings = evaluate(f, values)
        level = overall_level(findings)
        counts[level] += 1
        ids = f.ids
        form_id = ids["form_id"]
        if form_id is not None:
            levels.append((form_id, level, f.forecast.amount, f.forecast.method[:300]))
        if findings:
            yield ids["project_year_id"], findings


def round_seconds(seconds):
    return float(Decimal(seconds).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _warning_rows(round_id, sweep_id, warnings):
    """The MonitoringWarning rows of `evaluate_facts`' warnings, in WARNING_COLUMNS order."""
    for py_id, findings in warnings:
        for x in findings:
            yield (round_id, sweep_id, py_id, x.code, x.level, x.message[:500], x.figures_json or _json(x.figures),
                   x.indicator[:200])


_json = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


WARNING_COLUMNS = ("round_id", "sweep_id", "project_year_id", "code", "level", "message", "figures", "indicator")


def _insert_warnings(round_id, sweep_id, warnings):
    """COPY on PostgreSQL; elsewhere one prepared INSERT run over all rows (executemany). `warnings` may be a
    generator (`evaluations`): it is consumed once, whole, even when it yields nothing."""
    table = connection.ops.quote_name(MonitoringWarning._meta.db_table)
    rows = _warning_rows(round_id, sweep_id, warnings)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(WARNING_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(WARNING_COLUMNS)}) "
                               f"VALUES ({', '.join(['%s'] * len(WARNING_COLUMNS))})", list(rows))


def _update_forms(levels):
    """Set level and system forecast on every form with one UPDATE … FROM a temporary table, and the forecast's
    method beside it (`FormForecastMethod`); rows that did not change are not written."""
    if not levels:
        return
    form_table = connection.ops.quote_name(MonitoringForm._meta.db_table)
    method_table = connection.ops.quote_name(FormForecastMethod._meta.db_table)
    tmp = "sweep_form_levels"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {tmp} (id bigint PRIMARY KEY, level varchar(8), "
                       f"system_forecast numeric(16, 2), forecast_method varchar(300))")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {tmp} (id, level, system_forecast, forecast_method) FROM STDIN") as copy:
                for row in levels:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {tmp}")
        else:
            cursor.executemany(f"INSERT INTO {tmp} (id, level, system_forecast, forecast_method) "
                               f"VALUES (%s, %s, %s, %s)", [(i, lv, str(a), m) for i, lv, a, m in levels])
        cursor.execute(
            f"UPDATE {form_table} SET level = t.level, system_forecast = t.system_forecast FROM {tmp} t "
            f"WHERE {form_table}.id = t.id AND NOT ({form_table}.level = t.level "
            f"AND {form_table}.system_forecast IS NOT NULL AND {form_table}.system_forecast = t.system_forecast)")
        # an upsert by the key (not NOT EXISTS: a scan of the table the INSERT is filling would grow with it)
        cursor.execute(f"INSERT INTO {method_table} (form_id, text) SELECT t.id, t.forecast_method FROM {tmp} t "
                       f"WHERE true ON CONFLICT (form_id) DO UPDATE SET text = excluded.text "
                       f"WHERE {method_table}.text <> excluded.text")
        cursor.execute(f"DROP TABLE {tmp}")


# --------------------------------------------------------------------------------------------------------------
# Background job


JOB_KIND = "monitoring:sweep"
JOB_HANDLER = "perfbudget.monitoring.sweep.run_sweep_job"


def start_sweep_job(round: MonitoringRound, user, as_of: datetime.date | None = None) -> Job:
    """Queue a sweep of the round as a background job (runs once the current transaction commits)."""
    title = _("预警扫描：%(round)s") % {"round": round}
    job = Job.objects.create(kind=JOB_KIND, title=title[:200], total=1, created_by=user, params={
        "handler": JOB_HANDLER, "round": round.pk, "as_of": as_of.isoformat() if as_of else None})
    enqueue_job(job)
    return job


def run_sweep_job(job: Job) -> None:
    """Job handler: run the sweep named by `job.params` and record its counts as the job's result."""
    round = MonitoringRound.objects.select_related("region").get(pk=job.params["round"])
    as_of = parse_date(job.params["as_of"]) if job.params.get("as_of") else None
    sweep = run_sweep(round, user=job.created_by, as_of=as_of)
    Job.objects.filter(pk=job.pk).update(total=1, done=1, result={
        "sweep": sweep.pk, "projects": sweep.projects, "red": sweep.red, "yellow": sweep.yellow,
        "seconds": sweep.seconds, "ruleset": sweep.ruleset})


# --------------------------------------------------------------------------------------------------------------
# Low execution two years running → key-evaluation candidates


def low_execution_candidates(region, year: int, rules) -> list[dict]:
    """Projects of the region (and below) whose full-year execution rate (all payments of the year / budget) was
    below `monitoring.low_execution_rate` in each of the `monitoring.low_execution_years` years up to `year`.
    One query; plain rows sorted by project code, with the rate, budget and executed amount of each year."""
    line = to_decimal(rules.get("monitoring.low_execution_rate"))
    n_years = int(rules.get("monitoring.low_execution_years") or 1)
    years = list(range(year - n_years + 1, year + 1))
    money_field = DecimalField(max_digits=18, decimal_places=2)
    qs = (ProjectYear.objects.filter(year__in=years, project__region__path__startswith=region.path)
          .order_by()
          .values("id")
          .annotate(amount=Coalesce("adjusted_budget", "initial_budget"),
                    executed=paid_through("execution__"))
          .filter(amount__gt=0,
                  executed__lt=ExpressionWrapper(F("amount") * Value(line), output_field=money_field))
          .values_list("project_id", "year", "amount", "executed", "project__code", "project__name",
                       "project__unit_id", "project__unit__name", "project__department_id",
                       "project__department__name"))
    by_project = defaultdict(dict)
    info = {}
    for pid, y, amount, executed, code, name, unit_id, unit, dept_id, dept in qs:
        by_project[pid][y] = (to_decimal(amount), to_decimal(executed))
        info[pid] = {"project_id": pid, "code": code, "name": name, "unit_id": unit_id, "unit": unit,
                     "department_id": dept_id, "department": dept}
    out = []
    for pid, per_year in by_project.items():
        if len(per_year) < len(years):
            continue
        row = dict(info[pid])
        row["years"] = years
        row["budgets"] = {y: per_year[y][0] for y in years}
        row["executed"] = {y: per_year[y][1] for y in years}
        row["rates"] = {y: (per_year[y][1] / per_year[y][0]).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                        for y in years}
        out.append(row)
    out.sort(key=lambda r: r["code"])
    return out
