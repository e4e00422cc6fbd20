"""The per-round monitoring dashboard: set-based aggregates over the forms of a round a user may see.

Everything here starts from `forms_for(round, user)` (the round's forms through the user's scope) and
groups in the database, so a dashboard costs a fixed handful of queries whatever the number of projects:
totals, the cumulative execution curve against time progress (序时进度 = month/12), warnings by level,
code and department, the projects furthest behind time progress, actions by department and a drill-down
region → department → project. Amounts are Decimal 元; rates are Decimal ratios (None without a budget).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import FORM_SUBMITTED, ActionKind, FormStatus, WarningCode, WarningLevel
from .models import MONTH_FIELDS, ExecutionYear, MonitoringAction, MonitoringForm, MonitoringWarning
from .plan import time_progress

ZERO = Decimal(0)
CENT = Decimal("0.01")
MONTHS = range(1, 13)
LEVELS = ("red", "yellow", "green", "")  # "" = not swept yet
PY = "project_year__project"
GROUPS = {  # drill-down level -> (code lookup, name lookup) on MonitoringForm
    "region": (f"{PY}__region__code", f"{PY}__region__name"),
    "department": (f"{PY}__department__code", f"{PY}__department__name"),
}
DRILL_MAX_ROWS = 1000  # the page shows at most this many projects; the export has them all


def ratio(part, whole):
    return (part or ZERO) / whole if whole else None


def forms_for(rnd, user):
    """The round's forms `user` may see (a unit its own, a department its units, a bureau its region)."""
    return MonitoringForm.objects.visible_to(user).filter(round=rnd)


def late_q(today=None):
    """逾期 as a filter, the same rule as `MonitoringForm.is_late`."""
    today = today or timezone.localdate()
    return (Q(submitted_at__isnull=False, submitted_at__date__gt=F("due_on"))
            | Q(submitted_at__isnull=True, due_on__lt=today))


def _aggregates(today=None):
    return {
        "projects": Count("id"),
        "initial_budget": Sum("initial_budget"),
        "budget": Sum("full_budget"),
        "executed": Sum("executed"),
        "forecast": Sum("forecast_amount"),
        "submitted": Count("id", filter=Q(status__in=FORM_SUBMITTED)),
        "approved": Count("id", filter=Q(status=FormStatus.APPROVED)),
        "late": Count("id", filter=late_q(today)),
        "red": Count("id", filter=Q(level=WarningLevel.RED)),
        "yellow": Count("id", filter=Q(level=WarningLevel.YELLOW)),
        "green": Count("id", filter=Q(level=WarningLevel.GREEN)),
    }


def _finish(row, progress):
    """Fill the derived figures of an aggregate row (in place) and return it."""
    for key in ("initial_budget", "budget", "executed", "forecast"):
        row[key] = row.get(key) or ZERO
    row["rate"] = ratio(row["executed"], row["budget"])
    row["forecast_rate"] = ratio(row["forecast"], row["budget"])
    row["time_progress"] = progress
    row["behind"] = progress - row["rate"] if row["rate"] is not None else None
    row["gap"] = max((row["budget"] * progress - row["executed"]).quantize(CENT, ROUND_HALF_UP), ZERO)
    row["unswept"] = row["projects"] - row.get("red", 0) - row.get("yellow", 0) - row.get("green", 0)
    return row


def totals(rnd, forms, today=None):
    """One row: projects, budgets, executed, rate, forms submitted / approved / late, levels."""
    row = forms.aggregate(**_aggregates(today))
    return _finish(row, time_progress(rnd.through_month))


def execution_curve(rnd, forms):
    """Per month 1–12: paid that month, cumulative, cumulative rate (None after the round's month), time progress.

    The denominator is the forms' full-year budget; payments come from the imported execution rows of the
    same project years, up to the round's last month.
    """
    budget = forms.aggregate(b=Sum("full_budget"))["b"] or ZERO
    sums = (ExecutionYear.objects.filter(project_year_id__in=forms.values("project_year_id")).order_by()
            .aggregate(**{f: Sum(f) for f in MONTH_FIELDS[:rnd.through_month]}))
    paid = {m: sums[f] for m, f in enumerate(MONTH_FIELDS[:rnd.through_month], start=1)}
    points, running = [], ZERO
    for m in MONTHS:
        known = m <= rnd.through_month
        if known:
            running += paid.get(m) or ZERO
        points.append({"month": m, "paid": (paid.get(m) or ZERO) if known else None,
                       "cumulative": running if known else None,
                       "rate": ratio(running, budget) if known else None, "time_progress": time_progress(m)})
    return points


def warnings_for(rnd, user):
    return MonitoringWarning.objects.visible_to(user).filter(round=rnd)


def warnings_summary(rnd, user):
    """Warnings by level, by code and by department (warnings and distinct projects)."""
    qs = warnings_for(rnd, user)
    by_level = {lv: {"warnings": 0, "projects": 0} for lv in (WarningLevel.RED, WarningLevel.YELLOW)}
    by_code = {}
    by_dept = defaultdict(lambda: {"red": 0, "yellow": 0, "projects": 0})
    dept = GROUPS["department"]
    rows = (qs.values_list(f"{PY}__department__code", f"{PY}__department__name", "code", "level")
            .annotate(n=Count("id"), p=Count("project_year", distinct=True)).order_by())
    for code, name, wcode, level, n, _p in rows:
        entry = by_dept[(code, name)]
        if level in ("red", "yellow"):
            entry[level] += n
        label = str(WarningCode(wcode).label) if wcode in WarningCode.values else wcode
        c = by_code.setdefault(wcode, {"code": wcode, "label": label, "red": 0, "yellow": 0, "total": 0})
        if level in ("red", "yellow"):
            c[level] += n
        c["total"] += n
    for level, n, p in qs.values_list("level").annotate(n=Count("id"), p=Count("project_year", distinct=True)) \
            .values_list("level", "n", "p").order_by():
        if level in by_level:
            by_level[level] = {"warnings": n, "projects": p}
    for code, name, p in qs.values_list(*dept).annotate(p=Count("project_year", distinct=True)) \
            .values_list(*dept, "p").order_by():
        by_dept[(code, name)]["projects"] = p
    departments = [{"code": code, "name": name, **v} for (code, name), v in by_dept.items()]
    departments.sort(key=lambda d: (-d["red"], -d["yellow"], d["code"] or ""))
    codes = sorted(by_code.values(), key=lambda c: list(WarningCode.values).index(c["code"])
                   if c["code"] in WarningCode.values else 99)
    total = sum(v["warnings"] for v in by_level.values())
    return {"by_level": by_level, "by_code": codes, "by_department": departments, "total": total}


def largest_gaps(rnd, forms, limit=10):
    """The projects furthest behind time progress by amount: budget × month/12 − executed, largest first."""
    progress = time_progress(rnd.through_month)
    money = DecimalField(max_digits=20, decimal_places=2)
    expected = ExpressionWrapper(F("full_budget") * Value(Decimal(rnd.through_month), output_field=money)
                                 / Value(Decimal(12), output_field=money), output_field=money)
    qs = (forms.annotate(gap_sort=ExpressionWrapper(expected - F("executed"), output_field=money))
          .filter(gap_sort__gt=0).select_related(f"{PY}__unit", f"{PY}__department")
          .order_by("-gap_sort", "project_year__project__code")[:limit])
    rows = []
    for f in qs:
        p = f.project_year.project
        rows.append({"form": f.pk, "code": p.code, "name": p.name, "unit": p.unit.name,
                     "department": p.department.name, "budget": f.full_budget, "executed": f.executed,
                     "rate": ratio(f.executed, f.full_budget), "time_progress": progress,
                     "expected": (f.full_budget * progress).quantize(CENT, ROUND_HALF_UP),
                     "gap": (f.full_budget * progress - f.executed).quantize(CENT, ROUND_HALF_UP),
                     "level": f.level})
    return rows


def actions_for(rnd, user):
    return MonitoringAction.objects.visible_to(user).filter(round=rnd)


def actions_by_department(rnd, user):
    """Per department: count per kind and amounts of suspended / reduced / stopped payments; plus a total row."""
    rows = defaultdict(lambda: {"count": 0, "amount": ZERO, **{k: 0 for k in ActionKind.values},
                                **{f"{k}_amount": ZERO for k in ActionKind.values}})
    for code, name, kind, n, amount in (actions_for(rnd, user)
                                        .values_list(f"{PY}__department__code", f"{PY}__department__name", "kind")
                                        .annotate(n=Count("id"), a=Sum("amount")).order_by()):
        row = rows[(code, name)]
        row[kind] += n
        row[f"{kind}_amount"] += amount or ZERO
        row["count"] += n
        if kind in (ActionKind.SUSPEND, ActionKind.REDUCE, ActionKind.STOP):
            row["amount"] += amount or ZERO
    result = [{"code": code, "name": name, **v} for (code, name), v in sorted(rows.items(), key=lambda i: i[0])]
    total = {"code": "", "name": _("合计"), "count": 0, "amount": ZERO, **{k: 0 for k in ActionKind.values},
             **{f"{k}_amount": ZERO for k in ActionKind.values}}
    for r in result:
        for key in total:
            if key not in ("code", "name"):
                total[key] += r[key]
    return result, total


@dataclass
class Drill:
    """One level of the drill-down: which level, the filters applied, its rows and total, the breadcrumb."""

    level: str  # "region" | "department" | "project"
    region: str = ""
    department: str = ""
    rows: list = field(default_factory=list)
    total: dict = field(default_factory=dict)
    crumbs: list = field(default_factory=list)
    truncated: bool = False


def _group(forms, level, progress, today):
    code, name = GROUPS[level]
    rows = [_finish(dict(r, code=r[code], name=r[name]), progress)
            for r in forms.values(code, name).annotate(**_aggregates(today)).order_by(code)]
    for r in rows:
        del r[code], r[name]
    return rows


def _actions_per(rnd, user, lookup, project_year_ids=None):
    qs = actions_for(rnd, user)
    if project_year_ids is not None:
        qs = qs.filter(project_year_id__in=project_year_ids)
    return {key: (n, a or ZERO) for key, n, a in qs.values_list(lookup).annotate(
        n=Count("id"), a=Sum("amount", filter=Q(kind=ActionKind.REDUCE))).values_list(lookup, "n", "a").order_by()}


def drill_down(rnd, user, region="", department="", forms=None, today=None, limit=DRILL_MAX_ROWS):
    """The drill-down table at the level the filters select.

    No filter: regions; `region` (code): its departments; `region` and `department` (code): its projects.
    A level with a single row and no explicit filter is skipped (a county sees its departments at once, a unit
    its projects).
    """
    forms = forms_for(rnd, user) if forms is None else forms
    progress = time_progress(rnd.through_month)
    today = today or timezone.localdate()
    crumbs = [{"label": _("全部"), "region": "", "department": "", "link": True}]
    drill = Drill(level="region", crumbs=crumbs)
    if not region:
        rows = _group(forms, "region", progress, today)
        if len(rows) != 1:
            return _with_totals(drill, rows, rnd, user, "region", progress, today, forms)
        region = rows[0]["code"]
        crumbs[-1]["link"] = False  # that level would skip straight back here
    scoped = forms.filter(**{f"{PY}__region__code": region})
    region_name = scoped.values_list(f"{PY}__region__name", flat=True).first() or region
    crumbs.append({"label": region_name, "region": region, "department": "", "link": True})
    drill.region, drill.level = region, "department"
    if not department:
        rows = _group(scoped, "department", progress, today)
        if len(rows) != 1:
            return _with_totals(drill, rows, rnd, user, "department", progress, today, scoped)
        department = rows[0]["code"]
        crumbs[-1]["link"] = False
    scoped = scoped.filter(**{f"{PY}__department__code": department})
    dept_name = scoped.values_list(f"{PY}__department__name", flat=True).first() or department
    crumbs.append({"label": dept_name, "region": region, "department": department, "link": False})
    drill.department, drill.level = department, "project"
    return _project_rows(drill, rnd, user, scoped, progress, today, limit)


def _with_totals(drill, rows, rnd, user, level, progress, today, forms):
    acted = _actions_per(rnd, user, GROUPS[level][0], forms.values("project_year_id"))
    for r in rows:
        r["actions"], r["reduced"] = acted.get(r["code"], (0, ZERO))
    drill.rows = rows
    drill.total = _total(rows, progress)
    return drill


def department_table(rnd, user, forms=None, today=None):
    """Rows per department over the whole round (all regions the user sees), with actions; and the total."""
    forms = forms_for(rnd, user) if forms is None else forms
    progress = time_progress(rnd.through_month)
    today = today or timezone.localdate()
    drill = _with_totals(Drill(level="department"), _group(forms, "department", progress, today),
                         rnd, user, "department", progress, today, forms)
    return drill.rows, drill.total


def _total(rows, progress):
    keys = ("projects", "initial_budget", "budget", "executed", "forecast", "submitted", "approved", "late", "red",
            "yellow", "green", "actions", "reduced")
    total = {k: sum((r.get(k) or 0 for r in rows), ZERO if k in ("initial_budget", "budget", "executed", "forecast",
                                                                  "reduced") else 0) for k in keys}
    return _finish(total, progress)


def _project_rows(drill, rnd, user, forms, progress, today, limit):
    qs = forms.annotate(late_flag=Count("id", filter=late_q(today))).select_related(
        f"{PY}__unit").order_by("project_year__project__code")
    if limit is not None:
        qs = qs[:limit + 1]
    forms_list = list(qs)
    if limit is not None and len(forms_list) > limit:
        forms_list, drill.truncated = forms_list[:limit], True
    ids = [f.project_year_id for f in forms_list]
    warned = dict(warnings_for(rnd, user).filter(project_year_id__in=ids).values_list("project_year_id")
                  .annotate(n=Count("id")).values_list("project_year_id", "n").order_by())
    acted = _actions_per(rnd, user, "project_year_id", ids)
    rows = []
    for f in forms_list:
        p = f.project_year.project
        row = {"code": p.code, "name": p.name, "unit": p.unit.name, "form": f.pk, "status": f.status,
               "status_label": f.get_status_display(), "level": f.level, "projects": 1,
               "initial_budget": f.initial_budget, "budget": f.full_budget, "executed": f.executed,
               "forecast": f.forecast_amount, "submitted": int(f.status in FORM_SUBMITTED),
               "approved": int(f.status == FormStatus.APPROVED), "late": f.late_flag,
               "red": int(f.level == WarningLevel.RED), "yellow": int(f.level == WarningLevel.YELLOW),
               "green": int(f.level == WarningLevel.GREEN), "warnings": warned.get(f.project_year_id, 0)}
        row["actions"], row["reduced"] = acted.get(f.project_year_id, (0, ZERO))
        _finish(row, progress)
        if f.forecast_amount is None:  # not filled in yet: blank, not zero
            row["forecast"] = row["forecast_rate"] = None
        rows.append(row)
    drill.rows = rows
    drill.total = forms.aggregate(**_aggregates(today))
    drill.total.update(actions=sum(r["actions"] for r in rows), reduced=sum((r["reduced"] for r in rows), ZERO))
    _finish(drill.total, progress)
    return drill


def checkpoints(rnd):
    """The rule set's execution-rate checkpoints {month: rate} for the round's region and year (October 60% …)."""
    from perfbudget.rulesets.services import resolve

    raw = resolve(rnd.region, rnd.year).get("monitoring.checkpoints") or {}
    result = {}
    for month, rate in (raw.items() if isinstance(raw, dict) else ()):
        try:
            m = int(month)
            if 1 <= m <= 12:
                result[m] = Decimal(str(rate))
        except (TypeError, ValueError, ArithmeticError):
            continue
    return dict(sorted(result.items()))


def build_dashboard(rnd, user, region="", department="", today=None):
    """Everything the dashboard page shows, for `rnd` as `user` sees it."""
    today = today or timezone.localdate()
    forms = forms_for(rnd, user)
    actions, actions_total = actions_by_department(rnd, user)
    return {
        "round": rnd,
        "time_progress": time_progress(rnd.through_month),
        "totals": totals(rnd, forms, today),
        "curve": execution_curve(rnd, forms),
        "checkpoints": checkpoints(rnd),
        "warnings": warnings_summary(rnd, user),
        "gaps": largest_gaps(rnd, forms),
        "actions": actions,
        "actions_total": actions_total,
        "drill": drill_down(rnd, user, region, department, forms=forms, today=today),
    }


def _float(value, places=4):
    return None if value is None else float(Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def chart_data(data):
    """The JSON the page's ECharts read (ratios as floats, amounts in 万元, labels translated here)."""
    level_labels = {"red": _("红色预警"), "yellow": _("黄色预警"), "green": _("正常"), "": _("未扫描")}
    t = data["totals"]
    return {
        "labels": {"rate": _("累计执行率"), "time": _("序时进度"), "checkpoint": _("节点目标"),
                   "red": _("红色预警"), "yellow": _("黄色预警"), "month": _("%(m)s月"),
                   "projects": _("项目数"), "warnings": _("预警数"), "wan": _("万元")},
        "months": [p["month"] for p in data["curve"]],
        "rate": [_float(p["rate"]) for p in data["curve"]],
        "paid": [_float(p["paid"] / 10000 if p["paid"] is not None else None, 2) for p in data["curve"]],
        "time": [_float(p["time_progress"]) for p in data["curve"]],
        "checkpoints": [[m, _float(r)] for m, r in data["checkpoints"].items()],
        "levels": [{"key": k or "none", "name": level_labels[k],
                    "value": t[k] if k else t["unswept"]} for k in LEVELS],
        "departments": [{"name": d["name"] or "", "red": d["red"], "yellow": d["yellow"]}
                        for d in data["warnings"]["by_department"]],
    }


# --- export -------------------------------------------------------------------------------------------------

def drill_columns(level):
    first = {"region": [("name", _("区划"))], "department": [("name", _("主管部门"))],
             "project": [("code", _("项目编码")), ("name", _("项目名称")), ("unit", _("预算单位")),
                         ("status_label", _("监控表状态"))]}[level]
    return first + [
        ("projects", _("项目数")), ("budget", _("全年预算(万元)")), ("executed", _("已执行(万元)")),
        ("rate", _("执行率")), ("time_progress", _("序时进度")), ("gap", _("落后序时金额(万元)")),
        ("forecast", _("预计全年执行(万元)")), ("submitted", _("已提交")), ("late", _("逾期")),
        ("red", _("红色预警")), ("yellow", _("黄色预警")), ("actions", _("处置数")), ("reduced", _("核减金额(万元)")),
    ]


MONEY_KEYS = {"budget", "executed", "gap", "forecast", "reduced", "initial_budget"}
RATE_KEYS = {"rate", "time_progress", "behind", "forecast_rate"}


def _cell(key):
    def export(row):
        v = row.get(key)
        if v is None or v == "":
            return None
        if key in MONEY_KEYS:
            return (v / 10000).quantize(CENT, ROUND_HALF_UP)
        if key in RATE_KEYS:
            return float(v.quantize(Decimal("0.0001"), ROUND_HALF_UP))
        return v
    return export


def drill_workbook(rnd, drill):
    """The drill-down table as .xlsx bytes (amounts in 万元 to two decimals, rates as percentages)."""
    from types import SimpleNamespace

    from perfbudget.core.importexport.spec import Column
    from perfbudget.core.importexport.workbook import write_table

    columns = [c for c in drill_columns(drill.level) if not (drill.level == "project" and c[0] == "projects")]
    cols = tuple(Column(header=str(label), field=key, export=_cell(key),
                        width=30 if key == "name" else 18 if key in ("code", "unit") else 14,
                        number_format="#,##0.00" if key in MONEY_KEYS else "0.0%" if key in RATE_KEYS else None)
                 for key, label in columns)
    title = re.sub(r"[\\/*?:\[\]]", "", f"{rnd.year}{rnd.name}")[:31] or str(rnd.year)
    spec = SimpleNamespace(columns=cols, export_only=(), sheet_title=title)
    total = {**drill.total, "name": _("合计"), "code": "", "unit": "", "status_label": ""}
    return write_table(spec, [*drill.rows, total])
