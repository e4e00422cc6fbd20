"""The demo region's performance monitoring (运行监控, 双监控), written after the goals.

For the monitored year (2025) every region (the city and each county) plans its rounds from the rule set
(`services_rounds.plan_year`); then:

- the August round (1-7月集中监控, scope all) is history: opened with the real service (prefilled forms, unit
  to-dos), filled by the units (most on time, some late, a few never), reviewed (most approved, a few returned)
  — written in bulk with the workflow records and to-do items the engine writes, dated in August 2025 as
  `generator._write_history` does for the 2025 library round — then swept (`sweep.run_sweep`) and closed;
- the October round (10月节点监控, key projects) is the current one: its fill window is moved to around today so
  that it is still open, and its forms end in a planned mix of drafts, forms in every review step, approved and
  returned ones. Those of the demo users' departments (`goal_tables.ENGINE_DEPARTMENTS`, as for goals) run through
  the real services as the demo accounts (`save_form`, `submit`, `review`); the others are written in bulk as
  above, dated in the days since the round opened. It is swept as of today;
- on red projects of the October round the performance offices act (`services_actions.take_action`): urges (one
  answered by the unit), two reductions (核减, one also putting the project on the negative list), a suspension
  and an adjustment; the demo unit is urged on a project red in August; one unit goes on the negative list
  (`add_listing`).

Monthly execution comes first (`execution.py`). Rounds are processed only while still unopened and actions only
when the current round has none, so running the seed again changes nothing.
"""

import datetime
import random
from collections import Counter, defaultdict
from contextlib import contextmanager
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from perfbudget.core.audit import acting_as
from perfbudget.core.middleware import current_request_id
from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.indicators.values import parse_value
from perfbudget.monitoring import services_actions, services_forms, services_rounds
from perfbudget.monitoring.choices import ActionKind, FormStatus, ListingSource, ListingSubject, RoundStatus
from perfbudget.monitoring.models import (
    MONTH_FIELDS,
    ExecutionYear,
    FormIndicator,
    MonitoringAction,
    MonitoringForm,
    MonitoringRound,
    MonitoringWarning,
    NegativeListEntry,
    WarningSweep,
    paid_through,
)
from perfbudget.monitoring.plan import add_working_days
from perfbudget.monitoring.sweep import low_execution_candidates, run_sweep
from perfbudget.monitoring.warnings import reaches
from perfbudget.monitoring.workflow import FORM_WORKFLOW
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import Region, User
from perfbudget.projects.models import Project, ProjectYear
from perfbudget.rulesets.services import resolve

from . import goal_tables as G
from . import tables as T
from .execution import EARLIER_YEAR, MONITORED_YEAR, plan_execution, write_execution

HISTORY_ROUND, CURRENT_ROUND = "m07", "m10"
TZ = timezone.get_default_timezone
HISTORY_SWEEP_ON = datetime.date(MONITORED_YEAR, 8, 29)  # after the last late form, before the report is due
HISTORY_CLOSED = (MONITORED_YEAR, 9, 10, 17, 30)
CURRENT_OPENED_DAYS_AGO, CURRENT_DUE_IN_DAYS = 6, 8

ROUND_NOTES = {
    HISTORY_ROUND: "本轮为1-7月集中监控，覆盖全部在执行项目，重点关注预算编制的科学性和资金使用的安全性。"
                   "请各单位如实填报截至7月底的预算执行和绩效目标完成情况，对执行进度落后序时进度的项目说明原因并"
                   "提出纠偏措施，主管部门汇总审核后报送。",
    CURRENT_ROUND: "本轮为10月节点监控，对重点项目开展跟踪，重点关注资金使用的合规性、及时性、有效性和项目实施的"
                   "完整性。截至10月底执行率低于60%的项目请重点说明原因；预计完不成的指标须选择偏差原因、填写纠偏"
                   "措施。",
}
# Where a form ends, with weights: the August round (history) and the October round (current).
HISTORY_MIX = (("on_time", 80), ("late", 8), ("fixed", 4), ("returned", 4), ("never", 4))
CURRENT_MIX = (("blank", 3), ("saved", 3), ("dept_review", 6), ("section_review", 2), ("office_review", 2),
               ("approved", 3), ("returned", 1))
REVIEW_STEPS = ("dept", "section", "office")
# The demo users' department shows forms waiting for dept_user and for city_funding (its funding section).
FORCED_CURRENT = {T.DEPT_USER_ORG: ("dept_review", "section_review")}

BEHIND_NOTES = (
    "项目前期手续办理耗时较长，政府采购于6月底完成，资金主要在下半年支付。已督促中标单位加快实施，按合同节点拨付，"
    "确保年底前完成支付。",
    "工程受雨季影响停工约一个月，进度滞后。已调整施工计划、增加作业面，按工程进度及时拨付进度款。",
    "补助资金需待年度考核结果确定后集中兑付，预计11-12月完成发放；已提前做好兑付对象审核工作。",
    "上级资金下达较晚，本级配套资金未及时到位，影响项目实施。已与财政部门对接，加快资金拨付进度。",
    "项目实施方案调整，经主管部门批复后重新启动，部分资金预计年内难以支出，拟按程序申请调减预算。",
)
ON_TRACK_NOTES = ("执行进度与序时进度基本一致。", "按合同约定节点支付，执行进度正常。", "")
PROGRESS_TEXTS = (
    "项目按计划实施，各项工作有序推进，阶段性目标基本完成。",
    "项目实施总体顺利，主要产出指标进度符合预期，资金使用规范。",
    "已完成年度任务的大部分，服务对象反映良好，预计能够实现年度绩效目标。",
)
BEHIND_PROGRESS_TEXTS = (
    "项目实施进度滞后于计划，部分产出指标完成进度偏慢，正在采取措施加快推进。",
    "受前期工作影响，项目整体进度落后，个别指标预计难以全部完成。",
)
CAUSES = {
    "funding": ("上级资金下达较晚，本级配套资金未及时到位", "积极争取上级资金，协调配套资金尽快到位"),
    "institution": ("项目管理和验收制度不够完善，验收程序耗时较长", "完善项目管理办法，压缩验收和拨付环节时限"),
    "staffing": ("专业技术人员不足，项目推进力量薄弱", "抽调业务骨干组建工作专班，加强业务培训"),
    "hardware": ("设备采购周期长，部分设施尚未建成投用", "加快设备采购安装调试，力争年底前投入使用"),
    "other": ("受天气和施工季节影响，工程进度滞后", "倒排工期、挂图作战，合理安排冬季施工"),
}
SUBMIT_COMMENTS = ("已按要求填报，请审核。", "请审核。", "")
APPROVE_COMMENTS = {
    "dept": ("经审核，填报情况属实，同意上报。", "同意。", "已核实执行数据，同意报送财政。"),
    "section": ("业务审核通过。", "同意，请绩效科审核。", "执行情况与业务掌握一致，同意。"),
    "office": ("审核通过。", "同意，请单位按纠偏措施加快执行。", "审核通过，纳入本轮监控报告。"),
}
RETURN_COMMENTS = {
    "dept": ("全年预计执行数与截至目前执行进度不匹配，请核实后重新填报。",
             "部分指标截至目前完成值未填写计量单位，请补充完整。"),
    "section": ("偏差原因分析过于笼统，请结合项目实际具体说明并提出可行的纠偏措施。",
                "预计完成值与年度指标值差距较大但完成可能性选择“确定能”，请核实。"),
    "office": ("执行率明显落后序时进度，请补充说明资金支付计划和保障措施。",
               "指标完成情况缺少佐证说明，请补充后重新提交。"),
}
RESUBMIT_COMMENTS = ("已按审核意见修改，请重新审核。", "已补充说明，请审核。")
DATE_ACTUALS = ("按计划推进中", "正在实施，进度正常")
WORD_ACTUALS = ("稳步推进", "初见成效", "逐步显现")

URGE_REASONS = (
    "截至10月底预算执行率低于60%的节点目标，请于整改期限内说明原因，制定资金支付计划并加快执行。",
    "项目执行进度明显落后序时进度，请督促实施单位倒排工期，按期报送整改情况。",
    "监控发现部分绩效指标预计完不成，请分析原因、落实纠偏措施并反馈。",
)
HISTORY_URGE_REASON = ("1-7月集中监控显示项目执行进度明显落后序时进度，请分析原因、制定资金支付计划，"
                       "于整改期限内反馈整改情况。")
URGE_RESPONSE = ("已召开项目推进专题会，督促施工单位倒排工期、增加作业力量；11月已拨付进度款，"
                 "预计年底执行率可达85%以上，相关指标可按期完成。")
REDUCE_REASONS = (
    "项目执行严重滞后，经核实年内无法形成有效支出。按照“花钱必问效、无效必问责”的要求，核减未支出预算，"
    "资金统筹用于急需领域。",
    "项目实施内容调整，部分资金已无支出需求，根据监控结果核减预算。",
)
SUSPEND_REASON = "项目实施方案调整尚未批复，暂缓拨付剩余资金，待整改到位后恢复拨付。"
ADJUST_REASON = "受政策调整影响，项目实施内容缩减，属客观原因，同意按程序同步调整绩效目标和预算。"
UNIT_LISTING_REASON = ("1-7月集中监控中，该单位多个项目监控表逾期未报、预算执行严重滞后，经督促仍未整改到位。"
                       "列入负面清单，期限内暂停安排新增项目。")


# ------------------------------------------------------------------------------------------------- helpers


@contextmanager
def _rules_resolved_once():
    """Rule sets do not change while the demo is seeded: resolve each (region, year) once for the form workflow,
    the form checks and the library records (the services resolve them on every route, check and to-do)."""
    from perfbudget.monitoring import workflow as form_workflow
    from perfbudget.projects import services as project_services
    from perfbudget.projects import workflow as project_workflow

    memo = {}

    def cached(region, year):
        key = (region.pk if region is not None else None, int(year))
        if key not in memo:
            memo[key] = resolve(region, year)
        return memo[key]

    modules = [m for m in (form_workflow, services_forms, project_workflow, project_services) if hasattr(m, "resolve")]
    saved = [m.resolve for m in modules]
    for m in modules:
        m.resolve = cached
    try:
        yield cached
    finally:
        for m, original in zip(modules, saved, strict=True):
            m.resolve = original


def _at(day, rng, hour_lo=8, hour_hi=17):
    return datetime.datetime.combine(day, datetime.time(rng.randint(hour_lo, hour_hi), rng.randint(0, 59)), TZ())


def _pick(rng, mix):
    return rng.choices([k for k, _w in mix], [w for _k, w in mix])[0]


def _text(number, unit):
    number = Decimal(number)
    if number == number.to_integral_value():
        return f"{int(number)}{unit}"
    return f"{number.quantize(Decimal('0.1')).normalize():f}{unit}"


def _times(number, factor, integral):
    x = number * Decimal(repr(round(factor, 4)))
    return x.quantize(Decimal(1)) if integral else x.quantize(Decimal("0.1"))


def _texts(target, share, year, rng, miss=False):
    """(actual to date, full-year forecast) as a unit prints them for a printed target, `share` of the year gone.
    With `miss`, a forecast that falls short of the target (None when the target is not a number)."""
    v = parse_value(target)
    if v.kind not in ("number", "percent") or v.value is None:
        if miss:
            return None
        return rng.choice(DATE_ACTUALS if v.kind == "date" else WORD_ACTUALS), target
    unit, value = v.unit, v.value
    if v.op == "interval" and v.upper is not None:
        value = (v.value + v.upper) / 2
    lower_is_better = v.op in ("≤", "<")
    # Rates (%, per base) and caps are read as levels; other quantities accumulate over the year.
    level = v.kind == "percent" or "/" in unit or lower_is_better
    integral = value == value.to_integral_value() and not level
    if miss:
        if lower_is_better:
            forecast = _times(value, rng.uniform(1.08, 1.25), integral)
        elif v.kind == "percent":
            forecast = max(Decimal(0), value - rng.randint(5, 15))
        else:
            forecast = _times(value, rng.uniform(0.7, 0.92), integral)
        actual = forecast if level else _times(forecast, share, integral)
        text = _text(forecast, unit)
        return (_text(actual, unit), text) if reaches(target, text, year) is False else None
    if level:
        actual = _times(value, rng.uniform(0.85, 1.0), integral) if lower_is_better else value
        forecast = _times(value, rng.uniform(0.9, 1.0), integral) if lower_is_better else value
    else:
        actual = _times(value, share * rng.uniform(0.9, 1.1), integral)
        forecast = value if v.op != ">" else _times(value, 1.05, integral)
    text = _text(forecast, unit)
    if reaches(target, text, year) is False:
        text = target
    return _text(actual, unit), text


def _rows(rng, indicators, share, year, struggling):
    """The unit's entries for each indicator row: {id: {actual, forecast, likelihood, cause, ...}}."""
    misses = 0
    if struggling:
        misses = rng.choice((1, 1, 2))
    elif rng.random() < 0.08:
        misses = 1
    candidates = [i for i in indicators if parse_value(i.target).kind in ("number", "percent")]
    missing = {i.pk for i in rng.sample(candidates, min(misses, len(candidates)))}
    out = {}
    for i in indicators:
        texts = _texts(i.target, share, year, rng, miss=True) if i.pk in missing else None
        if texts is None:
            actual, forecast = _texts(i.target, share, year, rng)
            out[i.pk] = {"actual": actual, "forecast": forecast, "likelihood": "certain", "cause": "",
                         "cause_detail": "", "measure": ""}
            continue
        cause = rng.choice(list(CAUSES))
        detail, measure = CAUSES[cause]
        likelihood = "impossible" if rng.random() < 0.25 else "possible"
        out[i.pk] = {"actual": texts[0], "forecast": texts[1], "likelihood": likelihood, "cause": cause,
                     "cause_detail": detail, "measure": measure}
    return out


def _header(rng, form, full_rate, margin, struggling):
    """The unit's execution entries: full-year forecast (元), deviation note, overall progress."""
    budget = form.full_budget
    rate = form.executed / budget if budget else Decimal(0)
    behind = rate < services_forms.time_progress(form.round.through_month) - margin
    expected = min(1.0, float(full_rate) + rng.uniform(0.0, 0.1)) if struggling else rng.uniform(0.92, 1.0)
    forecast = max(form.executed, Decimal(int(round(float(budget) * expected, -2))))
    forecast = min(forecast, max(budget, form.executed)).quantize(Decimal("0.01"))
    note = rng.choice(BEHIND_NOTES) if behind else rng.choice(ON_TRACK_NOTES)
    progress = rng.choice(BEHIND_PROGRESS_TEXTS if (behind or struggling) else PROGRESS_TEXTS)
    return {"forecast_amount": forecast, "execution_note": note, "overall_progress": progress}


class _Demo:
    """Shared state of one run: accounts, the execution plan, rules and counters."""

    def __init__(self, plan, seed, stats, acting, xplan, rules):
        self.plan, self.seed, self.stats, self.acting, self.rules = plan, seed, stats, acting, rules
        self.rate = {(y.project, y.year): y.rate for y in xplan.years}
        self.profile = {(y.project, y.year): y.profile for y in xplan.years}
        self.request_id = current_request_id() or ""

    def user(self, form, who):
        p = form.project_year.project
        if who == "unit":
            return self.acting[(Role.UNIT, p.unit.code)]
        if who == "dept":
            return self.acting[(Role.DEPARTMENT, p.department.code)]
        if who == "section":
            return self.acting[(Role.FUNDING_SECTION, p.department.funding_section.code)]
        return self.perf(p.region.code)

    def perf(self, region_code):
        return self.acting[(Role.PERFORMANCE_OFFICE, f"{region_code}-CZJ-JXK")]

    def margin(self, region):
        return Decimal(str(self.rules(region, MONITORED_YEAR).get("monitoring.time_progress_margin", 0.1)))

    def struggling(self, form):
        key = (form.project_year.project.code, MONITORED_YEAR)
        return self.profile.get(key) in ("behind", "late") or (self.rate.get(key) or 1) < Decimal("0.8")

    def entries(self, rng, form, indicators):
        struggling = self.struggling(form)
        full_rate = self.rate.get((form.project_year.project.code, MONITORED_YEAR)) or Decimal(1)
        header = _header(rng, form, full_rate, self.margin(form.round.region), struggling)
        share = form.round.through_month / 12
        return header, _rows(rng, indicators, share, MONITORED_YEAR, struggling)

    def forms(self, rnd):
        forms = list(MonitoringForm.objects.filter(round=rnd).select_related(
            "round__region", "project_year__project__unit", "project_year__project__region",
            "project_year__project__department__funding_section").order_by("project_year__project__code"))
        rows = defaultdict(list)
        for fi in FormIndicator.objects.filter(form__round=rnd).order_by("form_id", "position", "id"):
            rows[fi.form_id].append(fi)
        return forms, rows


# ------------------------------------------------------------------------------------- the August round (history)


def _update(model, objs, fields):
    """Write `fields` of `objs` with one prepared UPDATE run for every row (Django's bulk_update builds a CASE
    per field and row, which is slow for thousands of rows)."""
    if not objs:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    sql = (f"UPDATE {connection.ops.quote_name(meta.db_table)} SET "
           + ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns)
           + f" WHERE {connection.ops.quote_name(meta.pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _approvals(rng, upto=3):
    return [(f"{who}_approve", rng.choice(APPROVE_COMMENTS[who])) for who in REVIEW_STEPS[:upto]]


def _history_steps(rng, outcome):
    """(action, comment) steps of a history form, and the day (from the opening) of its first submission."""
    submit = ("submit", rng.choice(SUBMIT_COMMENTS))
    if outcome == "never":
        return [], None
    if outcome in ("on_time", "late"):
        day = rng.randint(4, 19) if outcome == "on_time" else rng.randint(20, 27)
        return [submit, *_approvals(rng)], day
    who = rng.choice(REVIEW_STEPS)
    back = [*_approvals(rng, REVIEW_STEPS.index(who)), (f"{who}_return", rng.choice(RETURN_COMMENTS[who]))]
    if outcome == "returned":
        return [submit, *back], rng.randint(4, 15)
    return [submit, *back, ("submit", rng.choice(RESUBMIT_COMMENTS)), *_approvals(rng)], rng.randint(4, 10)


def _current_steps(rng, outcome):
    """(action, comment) steps that bring a form of the current round to `outcome`."""
    if outcome in ("blank", "saved"):
        return []
    submit = ("submit", rng.choice(SUBMIT_COMMENTS))
    if outcome == "returned":
        who = rng.choice(REVIEW_STEPS[:2])
        return [submit, *_approvals(rng, REVIEW_STEPS.index(who)),
                (f"{who}_return", rng.choice(RETURN_COMMENTS[who]))]
    upto = {"dept_review": 0, "section_review": 1, "office_review": 2, "approved": 3}[outcome]
    return [submit, *_approvals(rng, upto)]


def _who(action):
    return "unit" if action in ("submit", "withdraw") else action.split("_")[0]


class _BulkForms:
    """Forms written in bulk with the workflow records and to-do items the engine writes, dated by the caller."""

    def __init__(self, demo):
        self.demo = demo
        self.ct = ContentType.objects.get_for_model(MonitoringForm)
        self.forms, self.rows, self.records, self.todos = [], [], [], []

    def fill(self, form, indicators, header, rows):
        for name, value in header.items():
            setattr(form, name, value)
        for fi in indicators:
            if fi.pk in rows:
                for name, value in rows[fi.pk].items():
                    setattr(fi, name, value)
                self.rows.append(fi)
        self.forms.append(form)

    def steps(self, form, steps, dates):
        """Take `steps` on `form` at `dates`; returns the to-do items still open at the end."""
        state, open_items, url = FormStatus(form.status), [], FORM_WORKFLOW.url(form)
        for (action, comment), at in zip(steps, dates, strict=True):
            t = FORM_WORKFLOW.find(action)[0]
            actor = self.demo.user(form, _who(action))
            target = t.target_for(form)
            if action == "submit" and form.submitted_at is None:
                form.submitted_at = at
            self.records.append(WorkflowRecord(
                content_type=self.ct, object_id=form.pk, workflow=FORM_WORKFLOW.name, action=t.action,
                action_label=str(t.label), from_state=state, to_state=target, user=actor, role=next(iter(t.roles)),
                comment=comment, request_id=self.demo.request_id, at=at))
            for item in open_items:
                item.closed_at, item.closed_by, item.closed_action = at, actor, t.action
            form.status = target
            if target == FormStatus.APPROVED:
                form.approved_at = at
            open_items = [
                TodoItem(content_type=self.ct, object_id=form.pk, stage=FORM_WORKFLOW.stage,
                         workflow=FORM_WORKFLOW.name, state=target, title=todo.title, role=todo.role,
                         region=todo.region, organisation=todo.organisation, url=url,
                         created_at=at,
                         due_date=at.date() + datetime.timedelta(days=todo.due_days) if todo.due_days else None)
                for todo in FORM_WORKFLOW.todos(form, target)
            ]
            self.todos.extend(open_items)
            state = target
        return open_items

    def write(self):
        _update(MonitoringForm, self.forms, ("status", "forecast_amount", "execution_note", "overall_progress",
                                             "submitted_at", "approved_at"))
        _update(FormIndicator, self.rows, ("actual", "forecast", "likelihood", "cause", "cause_detail", "measure"))
        WorkflowRecord.objects.bulk_create(self.records, batch_size=1000)
        TodoItem.objects.bulk_create(self.todos, batch_size=1000)
        self.demo.stats["monitoring_steps"] += len(self.records)


def _history_round(demo, rnd, perf):
    """Open the August round, fill and review its forms in bulk as they happened, sweep it and close it."""
    with acting_as(perf):
        rnd.notes = ROUND_NOTES[HISTORY_ROUND]
        rnd.save()
    demo.stats["monitoring_forms"] += services_rounds.open_round(rnd, perf)
    rnd.refresh_from_db()
    forms, indicators = demo.forms(rnd)
    closed_at = datetime.datetime(*HISTORY_CLOSED, tzinfo=TZ())
    bulk = _BulkForms(demo)
    for form in forms:
        rng = random.Random(f"{demo.seed}:{form.project_year.project.code}:{rnd.code}")
        steps, offset = _history_steps(rng, _pick(rng, HISTORY_MIX))
        if not steps and rng.random() < 0.5:
            continue  # never opened
        header, rows = demo.entries(rng, form, indicators[form.pk])
        if not steps:  # saved once, never finished
            bulk.fill(form, indicators[form.pk], {"forecast_amount": header["forecast_amount"]}, {})
            continue
        bulk.fill(form, indicators[form.pk], header, rows)
        at, dates = _at(rnd.opens_on + datetime.timedelta(days=offset), rng), []
        for _step in steps:
            dates.append(at)
            at = _at(at.date() + datetime.timedelta(days=rng.randint(1, 3)), rng)
        for item in bulk.steps(form, steps, dates):  # a returned form's to-do ends with the round
            item.closed_at, item.closed_by, item.closed_action = closed_at, perf, "close"
    bulk.write()
    sweep = run_sweep(rnd, user=perf, as_of=HISTORY_SWEEP_ON)
    WarningSweep.objects.filter(pk=sweep.pk).update(
        created_at=datetime.datetime.combine(HISTORY_SWEEP_ON, datetime.time(10, 0), TZ()))
    demo.stats["monitoring_warnings"] += MonitoringWarning.objects.filter(round=rnd).count()
    services_rounds.close_round(rnd, perf)
    opened_at = datetime.datetime.combine(rnd.opens_on, datetime.time(8, 30), TZ())
    MonitoringRound.objects.filter(pk=rnd.pk).update(opened_at=opened_at, closed_at=closed_at)
    ct = ContentType.objects.get_for_model(MonitoringRound)
    TodoItem.objects.filter(content_type=ct, object_id=rnd.pk).update(created_at=opened_at, closed_at=closed_at)
    _close_unit_todos(demo, rnd, forms)


def _close_unit_todos(demo, rnd, forms):
    """Close a unit's round to-do at its last first submission once none of its forms is left to fill (what
    `services_rounds.close_unit_todo_if_done` does after each submission through the services)."""
    by_unit = defaultdict(list)
    for form in forms:
        by_unit[form.project_year.project.unit_id].append(form)
    ct = ContentType.objects.get_for_model(MonitoringRound)
    todos = TodoItem.objects.filter(content_type=ct, object_id=rnd.pk)
    if rnd.status == RoundStatus.OPEN:
        todos = todos.filter(closed_at__isnull=True)  # those the services closed stay as they are
    closed = []
    for todo in todos:
        unit_forms = by_unit.get(todo.organisation_id)
        if not unit_forms or any(f.status in (FormStatus.DRAFT, FormStatus.RETURNED) for f in unit_forms):
            continue
        todo.closed_at = max(f.submitted_at for f in unit_forms)
        todo.closed_by = demo.user(unit_forms[0], "unit")
        todo.closed_action = "submit"
        closed.append(todo)
    _update(TodoItem, closed, ("closed_at", "closed_by", "closed_action"))


# ------------------------------------------------------------------------------------ the October round (current)


def _open_current(rnd, perf, today):
    """Move the round's fill window around today (the demo's current round stays open), then open it."""
    with acting_as(perf):
        rnd.notes = ROUND_NOTES[CURRENT_ROUND]
        rnd.opens_on = today - datetime.timedelta(days=CURRENT_OPENED_DAYS_AGO)
        rnd.due_on = today + datetime.timedelta(days=CURRENT_DUE_IN_DAYS)
        rnd.report_due_on = add_working_days(rnd.due_on, 10)
        rnd.save()
    n = services_rounds.open_round(rnd, perf)
    rnd.refresh_from_db()
    return n


def _recent(rng, n, opens_on, now):
    """n increasing moments since the round opened, in office hours, the last before now."""
    today = timezone.localdate(now)
    day = opens_on + datetime.timedelta(days=rng.randint(0, max(0, (today - opens_on).days - n)))
    out = []
    for _ in range(n):
        out.append(_at(min(day, today), rng))
        day += datetime.timedelta(days=rng.randint(0, 1))
    out.sort()
    return [min(at, now - datetime.timedelta(minutes=n - i)) for i, at in enumerate(out)]


def _run(demo, form, steps, header, rows, saved_only=False):
    """Take a form through the services as the demo accounts: save, submit, review."""
    unit = demo.user(form, "unit")
    services_forms.save_form(form, unit, header, rows)
    if saved_only:
        return
    for action, comment in steps:
        if action == "submit":
            services_forms.submit(form, unit, comment=comment)
        else:
            decision = "approve" if action.endswith("_approve") else "return"
            services_forms.review(form, demo.user(form, _who(action)), decision, comment)
        demo.stats["monitoring_steps"] += 1


def _force(forms, outcomes):
    """Give the demo accounts' departments the planned states (swapping with another form of the mix)."""
    forced = set()
    for dept, wanted in FORCED_CURRENT.items():
        mine = [n for n, f in enumerate(forms) if f.project_year.project.department.code == dept]
        for n, outcome in zip(mine, wanted, strict=False):
            other = next((m for m, o in enumerate(outcomes) if o == outcome and m not in forced and m not in mine),
                         None)
            if other is not None and outcomes[n] != outcome:
                outcomes[n], outcomes[other] = outcomes[other], outcomes[n]
            forced.add(n)


def _current_rounds(demo, rounds, today):
    """Fill the current rounds' forms in a planned mix of states: those of the demo users' departments through the
    services as the demo accounts, the others in bulk (dated in the days since the round opened); then sweep."""
    forms, indicators = [], {}
    for rnd in rounds:
        f, rows = demo.forms(rnd)
        forms.extend(f)
        indicators.update(rows)
    forms.sort(key=lambda f: f.project_year.project.code)
    rng = random.Random(f"{demo.seed}:{CURRENT_ROUND}:mix")
    mix = [k for k, w in CURRENT_MIX for _ in range(w)]
    outcomes = (mix * (len(forms) // len(mix) + 1))[:len(forms)]
    rng.shuffle(outcomes)
    _force(forms, outcomes)
    bulk, now = _BulkForms(demo), timezone.now()
    for form, outcome in zip(forms, outcomes, strict=True):
        if outcome == "blank":
            continue
        rng = random.Random(f"{demo.seed}:{form.project_year.project.code}:{CURRENT_ROUND}")
        header, rows = demo.entries(rng, form, indicators[form.pk])
        steps = _current_steps(rng, outcome)
        if outcome == "saved":
            header = {"forecast_amount": header["forecast_amount"]}
            rows = dict(list(rows.items())[:len(rows) // 2])
        if form.project_year.project.department.code in G.ENGINE_DEPARTMENTS:
            _run(demo, form, steps, header, rows, saved_only=outcome == "saved")
        else:
            bulk.fill(form, indicators[form.pk], header, rows)
            bulk.steps(form, steps, _recent(rng, len(steps), form.round.opens_on, now))
    bulk.write()
    by_round = defaultdict(list)
    for form in forms:
        by_round[form.round_id].append(form)
    for rnd in rounds:
        fresh = {f.pk: f for f in MonitoringForm.objects.filter(round=rnd).select_related(
            "project_year__project__unit")}
        _close_unit_todos(demo, rnd, [fresh[f.pk] for f in by_round[rnd.pk]])
        run_sweep(rnd, user=demo.perf(rnd.region.code), as_of=today)
        demo.stats["monitoring_warnings"] += MonitoringWarning.objects.filter(round=rnd).count()


# ---------------------------------------------------------------------------------------------------- actions


def _round_down(amount, step=1000):
    return (amount / step).to_integral_value(ROUND_DOWN) * step


def _actions(demo, rounds, history, today):
    """The performance offices act on red projects of the current rounds (and urge the demo unit on a project red
    in the August round)."""
    reds = defaultdict(set)
    for py_id, code in (MonitoringWarning.objects.filter(round__in=rounds, level="red")
                        .values_list("project_year_id", "code")):
        reds[py_id].add(code)
    pys = {py.pk: py for py in ProjectYear.objects.filter(pk__in=reds).select_related("project__region",
                                                                                        "project__unit")}
    round_of = {rnd.region_id: rnd for rnd in rounds}
    paid = dict(ExecutionYear.objects.filter(project_year__in=pys).values_list("project_year_id", paid_through()))
    order = sorted(pys.values(), key=lambda py: py.project.code)
    used = set()

    def pick(test):
        for py in order:
            if py.pk not in used and test(py):
                used.add(py.pk)
                return py
        return None

    def remaining(py):
        return py.budget - (paid.get(py.pk) or Decimal(0))

    def act(py, kind, reason, **kw):
        user = demo.perf(py.project.region.code)
        action = services_actions.take_action(py, user, kind, reason, rnd=round_of[py.project.region_id],
                                              warning_codes=sorted(reds[py.pk]), today=today, **kw)
        demo.stats["monitoring_actions"] += 1
        return action

    def far_behind(py):
        return "CHECKPOINT" in reds[py.pk] and remaining(py) >= py.budget * Decimal("0.2")

    for n, reason in enumerate(REDUCE_REASONS):
        py = pick(far_behind)
        if py is not None:
            act(py, ActionKind.REDUCE, reason, amount=_round_down(remaining(py) / 2), negative_list=n == 0)
    py = pick(far_behind)
    if py is not None:
        act(py, ActionKind.SUSPEND, SUSPEND_REASON, amount=_round_down(remaining(py) * Decimal("0.6")))
    py = pick(lambda py: remaining(py) >= py.budget * Decimal("0.2"))
    if py is not None:
        paid_now = paid.get(py.pk) or Decimal(0)
        new_budget = max(paid_now, py.budget * Decimal("0.85"))
        new_budget = (new_budget / 1000).to_integral_value(ROUND_UP) * 1000
        act(py, ActionKind.ADJUST, ADJUST_REASON, new_budget=new_budget)
    for n in range(len(URGE_REASONS)):
        py = pick(lambda py: True)
        if py is None:
            break
        codes = reds[py.pk]
        reason = URGE_REASONS[0 if "CHECKPOINT" in codes else 1 if "BEHIND_TIME" in codes else 2]
        action = act(py, ActionKind.URGE, reason)
        if n == 0:
            unit = demo.acting[(Role.UNIT, py.project.unit.code)]
            services_actions.respond(action, unit, URGE_RESPONSE)
            demo.stats["monitoring_responses"] += 1
    form = (MonitoringForm.objects.filter(round__in=history, level="red",
                                          project_year__project__unit__code=T.UNIT_USER_ORG)
            .select_related("round", "project_year__project__region").order_by("project_year__project__code").first())
    if form is not None:
        codes = sorted(set(MonitoringWarning.objects.filter(round=form.round, project_year=form.project_year,
                                                            level="red").values_list("code", flat=True)))
        services_actions.take_action(form.project_year, demo.perf(form.project_year.project.region.code),
                                     ActionKind.URGE, HISTORY_URGE_REASON, rnd=form.round, warning_codes=codes,
                                     today=today)
        demo.stats["monitoring_actions"] += 1


def _list_unit(demo, history_rounds, today):
    """Put the unit with the most red forms in the August round on the negative list (not a named demo user's)."""
    if NegativeListEntry.objects.filter(subject=ListingSubject.UNIT, reason=UNIT_LISTING_REASON).exists():
        return
    named = {org for _u, _d, role, org in T.NAMED_USERS if role == Role.UNIT}
    counts = Counter(MonitoringForm.objects.filter(round__in=history_rounds, level="red")
                     .exclude(project_year__project__unit__code__in=named)
                     .values_list("project_year__project__unit__code", flat=True))
    if not counts:
        return
    unit_code = min(counts, key=lambda u: (-counts[u], u))
    form = (MonitoringForm.objects.filter(round__in=history_rounds, project_year__project__unit__code=unit_code)
            .select_related("round", "project_year__project__unit__region").first())
    unit = form.project_year.project.unit
    user = demo.perf(unit.region.code)
    # Listed from today for the rule set's default term (monitoring.negative_list_months).
    services_actions.add_listing(user, ListingSubject.UNIT, unit, UNIT_LISTING_REASON, ListingSource.MONITORING,
                                 source_detail=str(form.round), listed_on=today, region=unit.region)
    demo.stats["negative_list"] += 1


# ------------------------------------------------------------------------------------------------ the seed


def _accounts(plan, users):
    """(role, organisation code) → the account acting for it (named demo users first), including the funding
    sections' and performance offices' accounts the goals seed adds."""
    from .goals import _reviewer_plans, _reviewers

    every = plan.users + _reviewer_plans(plan)
    missing = [up.username for up in every if up.username not in users]
    users = {**users, **{u.username: u for u in User.objects.filter(username__in=missing)}}
    return _reviewers(SimpleNamespace(users=every), users)


def seed_monitoring(plan, users, seed_value, stats):
    """Write the demo's execution data and monitoring (see the module docstring); idempotent."""
    acting = _accounts(plan, users)
    region_codes = [T.CITY[0], *(c for c, _n, _s in T.COUNTIES)]
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    projects = {p.code: p for p in Project.objects.filter(code__in=[pp.code for pp in plan.projects])
                .select_related("region", "unit", "department")}
    xplan = plan_execution(plan, seed_value)
    importers = {code: acting[(Role.BUDGET_SECTION, f"{code}-CZJ-YSK")] for code in region_codes}
    today = timezone.localdate()
    with _rules_resolved_once() as rules:
        write_execution(plan, xplan, projects, acting, importers, stats)
        demo = _Demo(plan, seed_value, stats, acting, xplan, rules)
        history, current = [], []
        for code in region_codes:
            region, perf = regions[code], demo.perf(code)
            stats["monitoring_rounds"] += len(services_rounds.plan_year(region, MONITORED_YEAR, perf))
            rounds = {r.code: r for r in MonitoringRound.objects.filter(region=region, year=MONITORED_YEAR)
                      .select_related("region")}
            if HISTORY_ROUND in rounds:
                history.append(rounds[HISTORY_ROUND])
                if rounds[HISTORY_ROUND].status == RoundStatus.DRAFT:
                    _history_round(demo, rounds[HISTORY_ROUND], perf)
            rnd = rounds.get(CURRENT_ROUND)
            if rnd is not None and rnd.status == RoundStatus.DRAFT:
                stats["monitoring_forms"] += _open_current(rnd, perf, today)
                current.append(rnd)
        if current:
            _current_rounds(demo, current, today)
            if not MonitoringAction.objects.filter(round__in=current).exists():
                _actions(demo, current, history, today)
        _list_unit(demo, history, today)


def monitoring_counts(seed_value=T.SEED):
    """What the demo region's execution and monitoring hold now (the command's summary)."""
    from .generator import build_plan

    codes = [pp.code for pp in build_plan(seed_value).projects]
    region_codes = [T.CITY[0], *(c for c, _n, _s in T.COUNTIES)]
    execution = {}
    for year, *months in (ExecutionYear.objects.filter(project_year__project__code__in=codes)
                          .order_by("project_year__year").values_list("project_year__year", *MONTH_FIELDS)):
        row = execution.setdefault(year, {"rows": 0, "paid": Decimal("0.00"), "project_years": 0})
        row["rows"] += sum(1 for v in months if v is not None)
        row["paid"] += sum((v for v in months if v is not None), Decimal(0))
        row["project_years"] += 1
    rounds = MonitoringRound.objects.filter(region__code__in=region_codes, year=MONITORED_YEAR)
    forms, levels = defaultdict(Counter), defaultdict(Counter)
    for name, status, level in (MonitoringForm.objects.filter(round__in=rounds)
                                .order_by("round__through_month", "round__name")
                                .values_list("round__name", "status", "level")):
        forms[name][status] += 1
        levels[name][level or "green"] += 1
    actions = MonitoringAction.objects.filter(round__in=rounds)
    amounts = dict(actions.exclude(amount__isnull=True).values("kind").annotate(s=Sum("amount"))
                   .values_list("kind", "s").order_by("kind"))
    city = Region.objects.filter(code=T.CITY[0]).first()
    candidates = low_execution_candidates(city, MONITORED_YEAR, resolve(city, MONITORED_YEAR)) if city else []
    return {
        "execution": execution,
        "earlier_project_years": ProjectYear.objects.filter(project__code__in=codes, year=EARLIER_YEAR).count(),
        "rounds": dict(Counter(rounds.values_list("status", flat=True))),
        "forms": {name: dict(c) for name, c in forms.items()},
        "levels": {name: dict(c) for name, c in levels.items()},
        "warnings": MonitoringWarning.objects.filter(round__in=rounds).count(),
        "actions": dict(Counter(actions.values_list("kind", flat=True))),
        "action_amounts": {k: Decimal(v or 0) for k, v in amounts.items()},
        "negative_list": NegativeListEntry.objects.filter(unit__region__code__in=region_codes).count(),
        "low_two_years": len(candidates),
    }
