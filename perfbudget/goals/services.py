"""Operations on goals that touch the database; each one transaction, each re-checked through the scope."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from perfbudget.core.audit import acting_as
from perfbudget.core.fields import parse_amount
from perfbudget.core.scopes import CHANGE, assert_in_scope
from perfbudget.core.workflow import WorkflowError, transition
from perfbudget.indicators.models import IndicatorEntry
from perfbudget.rulesets.services import resolve

from . import quality
from .choices import CRITERIA, CRITERION_MAX, EDITABLE, GoalKind, GoalStatus
from .goalfile import FormatError
from .models import BudgetCut, Goal, GoalIndicator
from .rows import clean_rows, number_of
from .workflow import GOAL_WORKFLOW, REVIEW_ACTIONS

ROW_SNAPSHOT = ("level1", "level2", "name", "comparator", "target", "upper", "unit", "basis", "weight", "is_core")


class GoalError(Exception):
    """A refused goal operation; `errors` may hold RowErrors for the page to show beside each row."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


def rules_for(project_year):
    return resolve(project_year.project.region, project_year.year)


def layout_for(project_year):
    return rules_for(project_year).get("goals.layout", "10号")


def live_goal(project_year):
    """The project year's current goal (the newest version that is not superseded), or None."""
    return project_year.goals.current().order_by("-version").first()


def approved_goal(project_year):
    return project_year.goals.filter(status=GoalStatus.APPROVED).order_by("-version").first()


# --- building and checking the goals/1 table -------------------------------------------------------------

def history_for(project_year):
    """Earlier years of the same project: their approved targets, for the history checks (a draft or a
    returned table of an earlier year is not history)."""
    from perfbudget.projects.models import ProjectYear

    earlier = ProjectYear.objects.filter(project_id=project_year.project_id, year__lt=project_year.year)
    result = []
    for py in earlier.order_by("-year")[:3]:
        goal = approved_goal(py)
        if goal is None:
            continue
        # Actual values join here once self-evaluations exist (evaluation stage).
        result.append({"year": py.year, "indicators": [{"name": r.name, "target": r.printed}
                                                       for r in goal.rows.all()]})
    return result


def table_of(project_year, header, rows):
    """A perfbudget.goals/1 document of a goal as declared (header fields and row dicts)."""
    p = project_year.project
    return {
        "format": "perfbudget.goals/1",
        "project": {"name": p.name, "unit": p.unit.name, "year": project_year.year,
                    "amount": float(project_year.budget or 0), "money_unit": "元", "special_fund": p.special_fund},
        "overall_goal": header.get("overall_goal", ""),
        "indicators": [{"level1": r["level1"], "level2": r["level2"], "name": r["name"],
                        "target": _printed(r), "unit": r.get("unit", ""),
                        **({"weight": float(r["weight"])} if r.get("weight") is not None else {})} for r in rows],
        "history": history_for(project_year),
    }


def _printed(row):
    from .models import printed_target

    return printed_target(row["comparator"], row["target"], row.get("upper", ""), row.get("unit", ""))


def check_rows(project_year, header, rows, rules=None):
    """The quality report of a goal as declared, by the region's rule set (`rules`, when the caller has it
    resolved already). Rows still being typed (no name, no level one or no target) are left out: the row
    validation reports them."""
    rules = quality.rules_from_values((rules or rules_for(project_year)).values)
    complete = [r for r in rows if r.get("name") and r.get("level1") and str(r.get("target") or "").strip()]
    try:
        return quality.check_goals(table_of(project_year, header, complete), rules)
    except FormatError as exc:  # defensive: the rows were cleaned, but the report must never break a page
        report = quality.check_goals(table_of(project_year, header, []), rules)
        report["findings"].insert(0, {"code": "UNREADABLE", "severity": "error", "indicator": None,
                                      "message": _("指标表无法检查：%(e)s") % {"e": exc}})
        report["counts"]["error"] = report["counts"].get("error", 0) + 1
        return report


def goal_rows(goal):
    return [{f: getattr(r, f) for f in ROW_SNAPSHOT} | {"entry": r.entry_id, "note": r.note}
            for r in goal.rows.all()]


def check_goal(goal, rules=None):
    return check_rows(goal.project_year, {"overall_goal": goal.overall_goal}, goal_rows(goal), rules)


def snapshot_rows(goal):
    return [{f: (str(v) if isinstance(v, Decimal) else v) for f, v in row.items() if f in ROW_SNAPSHOT}
            for row in goal_rows(goal)]


def submission_problems(goal):
    """Why `goal` cannot be submitted: quality errors, and warnings without a written reason."""
    report = check_goal(goal)
    problems = []
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    if errors:
        problems.append(_("质量检查有%(n)s项错误须先改正：%(m)s") % {"n": len(errors), "m": errors[0]["message"]})
    missing = [f for f in report["findings"] if f["severity"] == "warning" and not reason_for(goal, f)]
    if missing:
        problems.append(_("有%(n)s项质量提示尚未说明理由：%(m)s") % {"n": len(missing), "m": missing[0]["message"]})
    if not goal.overall_goal.strip() and not goal.annual_goal.strip():
        problems.append(_("请填写总体目标或年度目标。"))
    if goal.kind != GoalKind.ANNUAL and not goal.change_reason.strip():
        problems.append(_("年中追加或目标调整须说明理由。"))
    if goal.kind == GoalKind.ADDITION and not goal.addition_amount:
        problems.append(_("年中追加须填写追加金额。"))
    return problems


def finding_key(finding):
    return f"{finding['code']}:{'' if finding.get('indicator') is None else finding['indicator']}"


def reason_for(goal, finding):
    return (goal.warning_reasons or {}).get(finding_key(finding), "").strip()


# --- declaring -------------------------------------------------------------------------------------------

def can_edit(goal, user):
    return goal.status in EDITABLE and Goal.objects.visible_to(user, CHANGE).filter(pk=goal.pk).exists() \
        and (user.is_superuser or user.has_role("unit"))


@transaction.atomic
def start_goal(project_year, user, kind=GoalKind.ANNUAL, reason=""):
    """Open a draft goal for a project year: the first declaration, a mid-year addition or an adjustment
    (which starts from the approved version's rows)."""
    from perfbudget.projects.models import ProjectYear

    py = ProjectYear.objects.visible_to(user, CHANGE).select_for_update().filter(pk=project_year.pk).first()
    if py is None or not (user.is_superuser or user.has_role("unit")):
        raise PermissionDenied(_("无权为该项目申报绩效目标。"))
    live = live_goal(py)
    previous = None
    if kind == GoalKind.ADJUSTMENT:
        previous = approved_goal(py)
        if previous is None:
            raise GoalError(_("该项目尚无已批复的绩效目标，不能申请调整。"))
        if live is not None and live.pk != previous.pk:
            raise GoalError(_("该项目已有一份调整中的绩效目标（第%(v)s版）。") % {"v": live.version})
    elif live is not None:
        raise GoalError(_("该项目年度已有绩效目标（第%(v)s版），请在原目标上修改或申请调整。") % {"v": live.version})
    version = (py.goals.aggregate(m=Max("version"))["m"] or 0) + 1
    with acting_as(user):
        goal = Goal.objects.create(
            project_year=py, kind=kind, version=version, previous=previous, change_reason=reason,
            overall_goal=previous.overall_goal if previous else "",
            annual_goal=previous.annual_goal if previous else "",
            ruleset=rules_for(py).label)
        if previous is not None:
            for r in previous.rows.all():
                r.pk = None
                r.goal = goal
                r.save()
        refresh_quality(goal)
    return goal


def _entries_visible(user, ids):
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(IndicatorEntry.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


@transaction.atomic
def save_goal(goal, user, header, raw_rows, expected_version=None):
    """Replace a draft goal's header and rows after validating every row; raises GoalError listing them all."""
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if not can_edit(locked, user):
        raise PermissionDenied(_("当前状态下不能修改该绩效目标。"))
    if stale := locked.stale_message(expected_version, pgettext("stale", "绩效目标")):
        raise GoalError(stale)
    rules = rules_for(locked.project_year)
    rows, errors = clean_rows(raw_rows, rules.get("goals.layout", "10号"))
    allowed = _entries_visible(user, [r["entry"] for r in rows])
    for row in rows:
        if row["entry"] not in allowed:
            row["entry"] = None
    if errors:
        raise GoalError(_("绩效指标有%(n)s处需要修改。") % {"n": len(errors)}, errors)
    with acting_as(user):
        for field in ("overall_goal", "annual_goal", "change_reason"):
            if field in header:
                setattr(locked, field, (header[field] or "").strip())
        if "warning_reasons" in header:
            locked.warning_reasons = {k: v.strip() for k, v in (header["warning_reasons"] or {}).items() if v.strip()}
        if "addition_amount" in header:
            try:
                locked.addition_amount = parse_amount(header["addition_amount"])
            except ValueError as exc:
                raise GoalError(_("追加金额：%(e)s") % {"e": exc})
        try:
            locked.full_clean(exclude=["project_year", "previous"])
        except ValidationError as exc:
            raise GoalError("；".join(m for ms in exc.message_dict.values() for m in ms))
        locked.save()
        _replace_rows(locked, rows)
        refresh_quality(locked, rules)
        assert_in_scope(locked, user)
    goal.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _replace_rows(goal, rows):
    """Write the rows, keeping row ids where the position is unchanged so the change log stays readable."""
    existing = list(goal.rows.all())
    for position, row in enumerate(rows):
        values = {f: row[f] for f in ROW_SNAPSHOT} | {"entry_id": row["entry"], "note": row["note"],
                                                      "target_number": number_of(row["target"])}
        current = existing[position] if position < len(existing) else None
        if current is None:
            GoalIndicator.objects.create(goal=goal, position=position, **values)
            continue
        changed = [f for f, v in values.items() if getattr(current, f) != v] + (
            ["position"] if current.position != position else [])
        if changed:
            for f, v in values.items():
                setattr(current, f, v)
            current.position = position
            current.save()
    for extra in existing[len(rows):]:
        extra.delete()


def refresh_quality(goal, rules=None):
    """Re-check a goal and store the report with the rule-set versions it used."""
    rules = rules or rules_for(goal.project_year)
    report = check_goal(goal, rules)
    goal.quality_report = report
    goal.quality_score = Decimal(str(report["quality_score"])).quantize(Decimal("0.1"))
    goal.ruleset = rules.label
    # Derived data: stored without a new row version (a unit's open page is not made stale by it).
    Goal.objects.filter(pk=goal.pk).update(quality_report=report, quality_score=goal.quality_score,
                                           ruleset=goal.ruleset)
    return report


# --- submitting and reviewing ----------------------------------------------------------------------------

@transaction.atomic
def submit(goal, user, comment="", expected_version=None, reasons=None):
    """Submit a goal for review, first merging the unit's `reasons` for quality warnings ({"CODE:row": text};
    an empty text deletes one). One transaction: a refused submission saves no reason either."""
    if reasons:
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if not can_edit(locked, user):
            raise PermissionDenied(_("当前状态下不能修改该绩效目标。"))
        if stale := locked.stale_message(expected_version, pgettext("stale", "绩效目标")):
            raise GoalError(stale)
        merged = {**(locked.warning_reasons or {}), **{k: (v or "").strip() for k, v in reasons.items()}}
        locked.warning_reasons = {k: v for k, v in merged.items() if v}
        with acting_as(user):
            locked.save(update_fields=["warning_reasons"])
        expected_version = None
    return transition(goal, GOAL_WORKFLOW, "submit", user, comment=comment, expected_version=expected_version)


def clean_criteria(criteria):
    """Review scores on 完整性/相关性/可行性/适当性: each 0–25; missing ones stay missing."""
    result = {}
    for key, label in CRITERIA:
        value = (criteria or {}).get(key)
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value))
        except Exception:
            raise WorkflowError(_("「%(c)s」的评分不是数字。") % {"c": label})
        if number < 0 or number > CRITERION_MAX:
            raise WorkflowError(_("「%(c)s」的评分应在0到%(m)s之间。") % {"c": label, "m": CRITERION_MAX})
        result[key] = float(number)
    return result


def review(goal, user, decision, comment="", criteria=None, indicator_comments=None, expected_version=None):
    """Approve or return a goal at its current review step; `decision` is "approve" or "return"."""
    actions = REVIEW_ACTIONS.get(goal.status)
    if actions is None or decision not in ("approve", "return"):
        raise WorkflowError(_("该绩效目标当前不在审核环节。"))
    action = actions[0] if decision == "approve" else actions[1]
    remarks = {}
    scores = clean_criteria(criteria)
    if scores:
        remarks["criteria"] = scores
        remarks["criteria_total"] = sum(scores.values())
    notes = {str(k): str(v).strip() for k, v in (indicator_comments or {}).items() if str(v).strip()}
    if notes:
        names = {str(i): r.name for i, r in enumerate(goal.rows.all())}
        unknown = [k for k in notes if k not in names]
        if unknown:
            raise WorkflowError(_("逐项意见指向不存在的指标行：%(r)s") % {"r": "、".join(unknown)})
        remarks["indicators"] = {k: {"name": names[k], "comment": v} for k, v in notes.items()}
    return transition(goal, GOAL_WORKFLOW, action, user, comment=comment, remarks=remarks,
                      expected_version=expected_version)


def batch_review(goals, user, decision, comment=""):
    """Review several goals; each in its own transaction. Returns (done, [(goal, message)])."""
    done, failed = [], []
    for goal in goals:
        try:
            review(goal, user, decision, comment=comment)
            done.append(goal)
        except (WorkflowError, PermissionDenied) as exc:
            failed.append((goal, str(exc)))
    return done, failed


def diff_since_review(goal):
    """What changed in the rows since the goal was last returned: [{kind, name, before, after, fields}],
    kind added | removed | changed, fields [(label, old, new)] for a changed row (rows matched by name)."""
    from .rows import FIELD_LABELS

    if not goal.reviewed_rows:
        return []
    before = {r["name"]: r for r in goal.reviewed_rows}
    after = {r["name"]: r for r in snapshot_rows(goal)}
    changes = []
    for name, row in after.items():
        old = before.get(name)
        if old is None:
            changes.append({"kind": "added", "name": name, "before": None, "after": row, "fields": []})
            continue
        fields = [(FIELD_LABELS[k], _shown(old.get(k)), _shown(row.get(k))) for k in ROW_SNAPSHOT
                  if _shown(old.get(k)) != _shown(row.get(k))]
        if fields:
            changes.append({"kind": "changed", "name": name, "before": old, "after": row, "fields": fields})
    for name, row in before.items():
        if name not in after:
            changes.append({"kind": "removed", "name": name, "before": row, "after": None, "fields": []})
    return changes


def _shown(value):
    if value is None:
        return ""
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text and text.replace(".", "").isdigit() else text


# --- 核减 -------------------------------------------------------------------------------------------------

@transaction.atomic
def record_cut(project_year, user, amount, reason, goal=None):
    from perfbudget.projects.models import ProjectYear

    if not (user.is_superuser or user.has_role("performance_office")):
        raise PermissionDenied(_("只有财政局绩效科可以记录核减。"))
    py = ProjectYear.objects.visible_to(user, CHANGE).filter(pk=project_year.pk).first()
    if py is None:
        raise PermissionDenied(_("无权对该项目记录核减。"))
    reason = (reason or "").strip()
    if not reason:
        raise GoalError(_("请填写核减理由。"))
    if amount is None or amount <= 0:
        raise GoalError(_("核减金额必须大于0。"))
    already = py.goal_cuts.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if py.budget is not None and amount + already > py.budget:
        raise GoalError(_("核减金额累计（含已核减 %(a)s 元）不能超过项目预算 %(b)s 元。")
                        % {"a": already, "b": py.budget})
    with acting_as(user):
        cut = BudgetCut.objects.create(project_year=py, goal=goal or live_goal(py), amount=amount, reason=reason,
                                       recorded_by=user)
        assert_in_scope(cut, user)
    return cut
