"""The monitoring report of a round (绩效运行监控报告): one context, rendered to Word (docxtpl) and PDF (WeasyPrint).

`build_context` gathers the figures set-based (through `dashboard`), the tables (departments, projects furthest
behind, warnings, indicators unlikely to be met, actions) and drafts the paragraphs a 绩效科 writes (基本情况,
执行进度, 目标完成, 发现的问题, 处置措施, 下一步工作). Every value in the context is already text (amounts in
万元, rates in %), so the bureau's Word template (`report_templates/monitoring_report.docx`, Jinja tags) and the
PDF page template read the same names. Charts are PNG bytes: InlineImage in Word, data URIs in the PDF.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core import documents
from perfbudget.core.templatetags import money, ui
from perfbudget.orgs.choices import Role

from . import charts, dashboard
from .choices import ActionKind, DeviationCause, Likelihood, WarningLevel
from .models import FormIndicator, MonitoringRound, NegativeListEntry
from .plan import add_working_days

TEMPLATE_PATH = Path(__file__).resolve().parent / "report_templates" / "monitoring_report.docx"
PDF_TEMPLATE = "monitoring/report_pdf.html"
REPORT_ROLES = frozenset({Role.PERFORMANCE_OFFICE, Role.OVERSIGHT})
WORKING_DAYS = 10
LIST_LIMIT = 30  # rows per listing table in the report; the rest are counted ("另有N条")
GAP_LIMIT = 10
NUMERALS = "〇一二三四五六七八九十"
CHART_WIDTH_MM = 160


class ReportError(RuntimeError):
    """The report cannot be built (message in Chinese)."""


def may_report(rnd, user):
    """绩效科 and oversight of the round's region or a region above it (superusers too); no query."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    path = rnd.region.path
    return any(g.role in REPORT_ROLES and path.startswith(g.effective_region.path) for g in user.grants)


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (ordinals of rounds)."""
    if 0 <= n <= 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + NUMERALS[n - 10]
    if n < 100:
        return NUMERALS[n // 10] + "十" + (NUMERALS[n % 10] if n % 10 else "")
    return str(n)


def round_ordinal(rnd):
    """The round's place in its region and year (by data month, then opening date)."""
    earlier = MonitoringRound.objects.filter(region_id=rnd.region_id, year=rnd.year).filter(
        Q(through_month__lt=rnd.through_month)
        | Q(through_month=rnd.through_month, opens_on__lt=rnd.opens_on)
        | Q(through_month=rnd.through_month, opens_on=rnd.opens_on, pk__lt=rnd.pk)).count()
    return earlier + 1


def report_title(rnd, ordinal=None):
    """"2025年第一轮绩效运行监控报告"."""
    n = ordinal or round_ordinal(rnd)
    return _("%(year)s年第%(n)s轮绩效运行监控报告") % {"year": rnd.year, "n": chinese_number(n)}


def report_due(rnd):
    """The report deadline: the round's own, else 10 working days after the fill deadline."""
    return rnd.report_due_on or add_working_days(rnd.due_on, WORKING_DAYS)


# --- formatting: every figure in the context is text ------------------------------------------------------

def wan(value):
    return money.wan(value) or "—"


def pct(value):
    return ui.pct(value) or "—"


def points(value):
    """A ratio difference in percentage points, unsigned ("3.2")."""
    return f"{abs(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}"


def cn_date(day):
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day} if day else "—"


def _row(r, **extra):
    return {"name": r.get("name") or "", "code": r.get("code") or "", "projects": str(r.get("projects", "")),
            "budget": wan(r["budget"]), "executed": wan(r["executed"]), "rate": pct(r["rate"]),
            "gap": wan(r["gap"]), "forecast": wan(r["forecast"]), "submitted": str(r["submitted"]),
            "late": str(r["late"]), "red": str(r["red"]), "yellow": str(r["yellow"]),
            "actions": str(r.get("actions", 0)), "reduced": wan(r.get("reduced")), **extra}


# --- gathering ------------------------------------------------------------------------------------------

@dataclass
class Figures:
    """The raw (Decimal) figures the paragraphs and charts are drawn from."""

    rnd: MonitoringRound
    totals: dict
    curve: list
    checkpoints: dict
    warnings: dict
    gaps: list
    departments: list
    department_total: dict
    actions: list
    actions_total: dict
    spread: dict
    indicators: dict


def _indicator_summary(forms):
    qs = FormIndicator.objects.filter(form__in=forms.values("pk"))
    likelihood = dict(qs.values_list("likelihood").annotate(n=Count("id")).values_list("likelihood", "n")
                      .order_by())
    causes = dict(qs.exclude(cause="").values_list("cause").annotate(n=Count("id")).values_list("cause", "n")
                  .order_by())
    doubtful = list(qs.filter(likelihood__in=(Likelihood.IMPOSSIBLE, Likelihood.POSSIBLE))
                    .select_related("form__project_year__project__department")
                    .order_by("likelihood", "form__project_year__project__code", "position")  # impossible first
                    [:LIST_LIMIT + 1])
    total = sum(likelihood.values())
    return {"total": total, "likelihood": likelihood, "causes": causes, "doubtful": doubtful,
            "doubtful_count": likelihood.get(Likelihood.IMPOSSIBLE, 0) + likelihood.get(Likelihood.POSSIBLE, 0)}


def gather(rnd, user, today=None):
    """All figures of the report for `rnd` as `user` sees it (a bounded number of queries)."""
    today = today or timezone.localdate()
    forms = dashboard.forms_for(rnd, user)
    departments, department_total = dashboard.department_table(rnd, user, forms, today)
    actions, actions_total = dashboard.actions_by_department(rnd, user)
    spread = forms.aggregate(departments=Count("project_year__project__department", distinct=True),
                             units=Count("project_year__project__unit", distinct=True))
    return Figures(rnd=rnd, totals=dashboard.totals(rnd, forms, today), curve=dashboard.execution_curve(rnd, forms),
                   checkpoints=dashboard.checkpoints(rnd), warnings=dashboard.warnings_summary(rnd, user),
                   gaps=dashboard.largest_gaps(rnd, forms, GAP_LIMIT), departments=departments,
                   department_total=department_total, actions=actions, actions_total=actions_total, spread=spread,
                   indicators=_indicator_summary(forms))


# --- paragraphs -----------------------------------------------------------------------------------------

def _join(parts):
    return "、".join(p for p in parts if p)


def paragraph_basic(f, region_name):
    t, rnd = f.totals, f.rnd
    share = pct(Decimal(t["submitted"]) / t["projects"]) if t["projects"] else "—"
    text = _("按照预算绩效运行监控工作安排，%(region)s财政局组织开展了%(year)s年%(name)s，监控数据截至%(m)s月末。"
             "本轮共监控%(depts)s个主管部门、%(units)s个预算单位的%(n)s个项目，涉及全年预算%(budget)s万元"
             "（年初预算%(initial)s万元）。") % {
        "region": region_name, "year": rnd.year, "name": rnd.name, "m": rnd.through_month,
        "depts": f.spread["departments"], "units": f.spread["units"], "n": t["projects"], "budget": wan(t["budget"]),
        "initial": wan(t["initial_budget"])}
    text += _("填报截止日期为%(due)s，已提交监控表%(s)s份（占%(share)s），其中已审核%(a)s份；"
              "逾期提交或逾期未报%(late)s份。"
              "按规定，监控报告应在填报截止后%(days)s个工作日内完成，本轮报告截止日期为%(report_due)s。") % {
        "due": cn_date(rnd.due_on), "s": t["submitted"], "share": share, "a": t["approved"], "late": t["late"],
        "days": WORKING_DAYS, "report_due": cn_date(report_due(rnd))}
    return text


def paragraph_execution(f):
    t, rnd = f.totals, f.rnd
    if not t["projects"]:
        return _("本轮没有监控项目。")
    text = _("截至%(m)s月末，监控项目累计执行%(executed)s万元，预算执行率%(rate)s，序时进度%(time)s，") % {
        "m": rnd.through_month, "executed": wan(t["executed"]), "rate": pct(t["rate"]), "time": pct(t["time_progress"])}
    if t["rate"] is not None and t["behind"] > 0:
        text += _("落后序时进度%(p)s个百分点。") % {"p": points(t["behind"])}
    else:
        text += _("达到序时进度要求。")
    if t["forecast"]:
        text += _("各单位预计全年执行%(f)s万元，预计全年执行率%(fr)s。") % {"f": wan(t["forecast"]),
                                                               "fr": pct(t["forecast_rate"])}
    behind = [d for d in f.departments if d["behind"] is not None and d["behind"] > 0]
    if behind:
        worst = sorted(behind, key=lambda d: d["rate"])[:3]
        text += _("执行率低于序时进度的主管部门%(n)s个，执行率较低的有%(list)s。") % {
            "n": len(behind), "list": _join(f"{d['name']}（{pct(d['rate'])}）" for d in worst)}
    gap_total = sum((d["gap"] for d in f.departments), Decimal(0))
    if f.gaps:
        text += _("按序时进度测算，各项目合计应执行未执行%(g)s万元，落后金额最大的是%(list)s。") % {
            "g": wan(gap_total), "list": _join(f"{g['name']}（{wan(g['gap'])}万元）" for g in f.gaps[:3])}
    if f.checkpoints:
        text += _("按照节点目标，%(list)s，请各部门对照节点目标加快执行。") % {
            "list": _join(_("%(m)s月底执行率应达到%(r)s") % {"m": m, "r": pct(r)} for m, r in f.checkpoints.items())}
    return text


def paragraph_goals(f):
    ind = f.indicators
    if not ind["total"]:
        return _("本轮监控表尚未填报绩效指标完成情况。")
    like = ind["likelihood"]
    text = _("本轮监控项目共有绩效指标%(n)s个。据各单位填报，预计全年确定能完成的%(a)s个，有可能完成的%(b)s个，"
             "完全不可能完成的%(c)s个，尚未判断的%(d)s个。") % {
        "n": ind["total"], "a": like.get(Likelihood.CERTAIN, 0), "b": like.get(Likelihood.POSSIBLE, 0),
        "c": like.get(Likelihood.IMPOSSIBLE, 0), "d": like.get("", 0)}
    if ind["causes"]:
        causes = sorted(ind["causes"].items(), key=lambda i: -i[1])
        text += _("偏差原因主要为：%(list)s。") % {
            "list": _join(f"{DeviationCause(c).label if c in DeviationCause.values else c}{n}个" for c, n in causes)}
    return text


def paragraph_problems(f):
    w = f.warnings
    if not w["total"]:
        return _("本轮预警扫描未发现预警项目。") if f.totals["projects"] - f.totals["unswept"] else \
            _("本轮尚未进行预警扫描。")
    text = _("经预警扫描，红色预警项目%(r)s个、黄色预警项目%(y)s个，共%(n)s条预警。其中%(codes)s。") % {
        "r": f.totals["red"], "y": f.totals["yellow"], "n": w["total"],
        "codes": _join(f"{c['label']}{c['total']}条" for c in w["by_code"])}
    top = [d for d in w["by_department"] if d["red"] or d["yellow"]][:3]
    if top:
        text += _("预警较为集中的主管部门为%(list)s。") % {
            "list": _join(_("%(name)s（红色%(r)s条、黄色%(y)s条）")
                          % {"name": d["name"], "r": d["red"], "y": d["yellow"]} for d in top)}
    if f.totals["late"]:
        text += _("另有%(n)s份监控表逾期提交或逾期未报，个别单位对运行监控工作重视不够。") % {"n": f.totals["late"]}
    return text


def paragraph_measures(f):
    a = f.actions_total
    if not a["count"]:
        return _("本轮暂未采取处置措施。对预警项目将督促单位分析原因、及时纠偏。")
    parts = []
    if a[ActionKind.URGE]:
        parts.append(_("督促整改%(n)s个项目") % {"n": a[ActionKind.URGE]})
    if a[ActionKind.ADJUST]:
        parts.append(_("按程序调整目标和预算%(n)s个项目") % {"n": a[ActionKind.ADJUST]})
    for kind, label in ((ActionKind.SUSPEND, _("暂缓拨付")), (ActionKind.REDUCE, _("核减预算")),
                        (ActionKind.STOP, _("停止拨付"))):
        if a[kind]:
            parts.append(_("%(label)s%(n)s个项目、%(amount)s万元") % {"label": label, "n": a[kind],
                                                                   "amount": wan(a[f"{kind}_amount"])})
    text = _("针对监控发现的问题，已%(list)s。") % {"list": "；".join(parts)}
    if f.spread.get("listed"):
        text += _("列入负面清单%(n)s个。") % {"n": f.spread["listed"]}
    return text


def paragraph_next(f):
    return _("一是督促执行进度落后序时进度的部门和单位分析原因、制定措施，加快预算执行，确保完成节点目标；"
             "二是对红色预警项目逐一跟踪整改，整改不到位的按程序暂缓、核减或停止拨付资金；"
             "三是对预计完不成绩效目标的项目，属客观原因的按程序同步调整目标和预算；"
             "四是将监控结果作为以后年度预算安排和政策调整的重要依据，对连续两年执行率偏低的项目纳入重点评价范围，"
             "存在严重问题的按规定列入负面清单。")


# --- context --------------------------------------------------------------------------------------------

def build_context(rnd, user, today=None, with_charts=True):
    """The report context (all text; charts as PNG bytes under chart_*) for `rnd` as `user` sees it."""
    today = today or timezone.localdate()
    f = gather(rnd, user, today)
    f.spread["listed"] = NegativeListEntry.objects.visible_to(user).filter(action__round=rnd).count()
    ordinal = round_ordinal(rnd)
    t = f.totals
    region_name = rnd.region.name
    context = {
        "title": report_title(rnd, ordinal),
        "ordinal": chinese_number(ordinal),
        "region": region_name,
        "issuer": _("%(region)s财政局") % {"region": region_name},
        "generated_on": cn_date(today),
        "round": {"name": rnd.name, "year": rnd.year, "code": rnd.code, "through_month": rnd.through_month,
                  "label": _("%(year)s年%(name)s") % {"year": rnd.year, "name": rnd.name},
                  "through": _("%(m)s月末") % {"m": rnd.through_month},
                  "scope": rnd.get_scope_display(), "status": rnd.get_status_display(),
                  "opens_on": cn_date(rnd.opens_on), "due_on": cn_date(rnd.due_on),
                  "report_due_on": cn_date(report_due(rnd)), "notes": rnd.notes},
        "time_progress": pct(t["time_progress"]),
        "totals": {**_row(t), "initial_budget": wan(t["initial_budget"]), "approved": str(t["approved"]),
                   "forecast_rate": pct(t["forecast_rate"]), "departments": str(f.spread["departments"]),
                   "units": str(f.spread["units"]), "listed": str(f.spread["listed"]),
                   "warnings": str(f.warnings["total"]), "red_projects": str(t["red"]),
                   "yellow_projects": str(t["yellow"])},
        "paragraphs": {"basic": paragraph_basic(f, region_name), "execution": paragraph_execution(f),
                       "goals": paragraph_goals(f), "problems": paragraph_problems(f),
                       "measures": paragraph_measures(f), "next": paragraph_next(f)},
        "departments": [_row(d, no=str(i)) for i, d in enumerate(f.departments, start=1)],
        "department_total": _row(f.department_total, name=_("合计")),
        "gaps": [{"no": str(i), "code": g["code"], "name": g["name"], "unit": g["unit"], "department": g["department"],
                  "budget": wan(g["budget"]), "executed": wan(g["executed"]), "rate": pct(g["rate"]),
                  "expected": wan(g["expected"]), "gap": wan(g["gap"])} for i, g in enumerate(f.gaps, start=1)],
        "warning_codes": [{"label": c["label"], "red": str(c["red"]), "yellow": str(c["yellow"]),
                           "total": str(c["total"])} for c in f.warnings["by_code"]],
        "curve": [{"month": _("%(m)s月") % {"m": p["month"]}, "paid": wan(p["paid"]),
                   "cumulative": wan(p["cumulative"]), "rate": pct(p["rate"]), "time_progress": pct(p["time_progress"])}
                  for p in f.curve if p["rate"] is not None],
    }
    context.update(_listings(rnd, user, f))
    if with_charts:
        context.update(render_charts(f))
    return context


def _listings(rnd, user, f):
    """The red/yellow warnings, the doubtful indicators and the actions, each at most LIST_LIMIT rows."""
    level_label = dict(WarningLevel.choices)
    warnings = list(dashboard.warnings_for(rnd, user).filter(level__in=(WarningLevel.RED, WarningLevel.YELLOW))
                    .select_related("project_year__project__department")
                    .order_by("level", "project_year__project__code", "code")[:LIST_LIMIT])  # red first
    actions = list(dashboard.actions_for(rnd, user).select_related("project_year__project__department")
                   .order_by("created_at", "pk")[:LIST_LIMIT])
    doubtful = f.indicators["doubtful"][:LIST_LIMIT]
    likelihood, cause = dict(Likelihood.choices), dict(DeviationCause.choices)
    kinds = dict(ActionKind.choices)
    return {
        "warnings": [{"no": str(i), "project": w.project_year.project.name, "code": w.project_year.project.code,
                      "department": w.project_year.project.department.name, "level": str(level_label[w.level]),
                      "type": w.get_code_display(), "message": w.message}
                     for i, w in enumerate(warnings, start=1)],
        "warnings_more": str(max(f.warnings["total"] - len(warnings), 0))
        if f.warnings["total"] > len(warnings) else "",
        "indicators": [{"no": str(i), "project": fi.form.project_year.project.name, "name": fi.name,
                        "target": fi.target, "actual": fi.actual, "forecast": fi.forecast,
                        "likelihood": str(likelihood.get(fi.likelihood, "")), "cause": str(cause.get(fi.cause, "")),
                        "measure": fi.measure} for i, fi in enumerate(doubtful, start=1)],
        "indicators_more": str(f.indicators["doubtful_count"] - len(doubtful))
        if f.indicators["doubtful_count"] > len(doubtful) else "",
        "actions": [{"no": str(i), "project": a.project_year.project.name,
                     "department": a.project_year.project.department.name, "kind": str(kinds.get(a.kind, a.kind)),
                     "amount": wan(a.amount) if a.amount is not None else "", "reason": a.reason,
                     "date": cn_date(timezone.localdate(a.created_at))} for i, a in enumerate(actions, start=1)],
        "actions_more": str(f.actions_total["count"] - len(actions)) if f.actions_total["count"] > len(actions) else "",
        "action_kinds": [{"label": str(label), "count": str(f.actions_total[k]),
                          "amount": wan(f.actions_total[f"{k}_amount"]) if k in (ActionKind.SUSPEND, ActionKind.REDUCE,
                                                                                 ActionKind.STOP) else ""}
                         for k, label in ActionKind.choices],
        "action_departments": [{"name": a["name"] or "", "count": str(a["count"]), "urge": str(a["urge"]),
                                "adjust": str(a["adjust"]), "amount": wan(a["amount"]),
                                "reduced": wan(a["reduce_amount"])} for a in f.actions],
    }


def render_charts(f):
    """{"chart_curve", "chart_departments", "chart_warnings": PNG bytes}; ReportError without a CJK font."""
    try:
        return {
            "chart_curve": charts.execution_curve(f.curve, f.checkpoints),
            "chart_departments": charts.department_rates(f.departments, f.totals["time_progress"]),
            "chart_warnings": charts.warning_levels(f.totals, f.warnings["by_code"]),
        }
    except documents.DocumentError as exc:
        raise ReportError(str(exc)) from exc


CHARTS = ("chart_curve", "chart_departments", "chart_warnings")


# --- rendering ------------------------------------------------------------------------------------------

def render_docx(context, template_path=None):
    """The report as .docx bytes, from the bureau-editable Word template (docxtpl, Jinja tags)."""
    path = Path(template_path or TEMPLATE_PATH)
    try:
        return documents.render_docx(path, context, images=CHARTS, image_width_mm=CHART_WIDTH_MM,
                                     missing_message=_("监控报告模板文件不存在：%(path)s") % {"path": path})
    except documents.DocumentError as exc:
        raise ReportError(str(exc)) from exc


def render_pdf(context):
    """The report as PDF bytes (WeasyPrint; CJK system fonts embedded, charts as data URIs)."""
    try:
        return documents.render_pdf(PDF_TEMPLATE, context, images=CHARTS)
    except documents.DocumentError as exc:  # no CJK font: refuse with the Chinese message
        raise ReportError(str(exc)) from exc
