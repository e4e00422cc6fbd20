"""单位自评 and 自评审核 operations that touch the database; each one transaction, each re-checked through the scope.

The score is never computed here: `selfeval_document(se)` turns a self-evaluation into a perfbudget.selfeval/1
document, the scoring engine (`evaluation.scoring`) scores and audits it by the region's rule set, and `rescore`
stores the result on the rows and the header. The page, the API, creation and the command all go through it.
"""

import datetime
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from perfbudget.core.audit import acting_as
from perfbudget.core.models import TodoItem, WorkflowRecord, assign_changed
from perfbudget.core.scopes import CHANGE, VIEW, assert_in_scope
from perfbudget.core.workflow import WorkflowError, open_todos, transition
from perfbudget.goals.choices import GoalStatus
from perfbudget.goals.models import Goal
from perfbudget.indicators.choices import Comparator
from perfbudget.orgs.choices import Role
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from .choices import (
    PROBLEM_TO_FIX,
    SELFEVAL_EDITABLE,
    Grade,
    ProblemStatus,
    ReviewerRole,
    SelfEvalStatus,
)
from .models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow
from .workflow import SELFEVAL_WORKFLOW

FILLERS = (Role.UNIT,)
ROW_FIELDS = ("actual", "judgement", "reason", "deviation_note", "applicable", "claimed_score")
HEADER_FIELDS = ("execution_reason", "overall_goal_actual", "conclusion", "problems", "improvements",
                 "claimed_execution_score", "claimed_total", "claimed_grade")
NARRATIVE = (("overall_goal_actual", gettext_lazy("总体目标实际完成情况")), ("conclusion", gettext_lazy("自评结论")),
             ("problems", gettext_lazy("存在问题")), ("improvements", gettext_lazy("改进措施")))
CENT = Decimal("0.01")


class SelfEvalError(Exception):
    """A refused operation; `errors` lists (row number or None, field label, reason) for the page and the API."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


# --- the exchange document and the score ------------------------------------------------------------------

def _num(value):
    return None if value is None else float(value)


def selfeval_document(se, rows=None):
    """The perfbudget.selfeval/1 document of `se` (funds in 元), rows in position order."""
    py = se.project_year
    p = py.project
    rows = list(se.rows.all()) if rows is None else rows
    rules = rules_for(se)
    funds = {"initial": _num(se.initial_budget), "full_year": _num(se.full_budget), "executed": _num(se.executed),
             "money_unit": "元", "weight": _num(rules.get("selfeval.execution_weight", 10)),
             "reason": se.execution_reason}
    if se.claimed_execution_score is not None:
        funds["claimed_score"] = _num(se.claimed_execution_score)
    indicators = []
    for r in rows:
        item = {"level1": r.level1, "level2": r.level2, "name": r.name, "target": r.target, "actual": r.actual,
                "applicable": r.applicable, "reason": r.reason, "deviation_note": r.deviation_note}
        for name in ("weight", "judgement", "claimed_score"):
            if getattr(r, name) is not None:
                item[name] = _num(getattr(r, name))
        indicators.append(item)
    doc = {"format": "perfbudget.selfeval/1",
           "project": {"name": p.name, "department": p.department.name, "unit": p.unit.name, "year": py.year},
           "funds": funds, "indicators": indicators}
    if se.claimed_total is not None:
        doc["claimed_total"] = _num(se.claimed_total)
    if se.claimed_grade:
        doc["claimed_grade"] = se.claimed_grade
    return doc


def rules_for(se):
    """The effective rules of the self-evaluation's region and year."""
    return resolve(se.project_year.project.region, se.project_year.year)


def score_document(doc, rule_values=None):
    """Score and audit a perfbudget.selfeval/1 document with the engine (rules from rule-set values, or the
    document's own `rules` / the national defaults). Raises the engine's FormatError on a bad document."""
    from . import scoring, selfevalfile

    table = selfevalfile.load(doc)
    rules = scoring.rules_from_values(rule_values) if rule_values is not None else None
    return scoring.score_table(table, rules)


def result_decimal(value, places=CENT):
    """A number of the engine's result as a Decimal of the stored precision (None when absent or not a number)."""
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(places)
    except (InvalidOperation, ValueError):
        return None


def apply_result(se, rows, result, label):
    """Put the engine's `result` on the header and the rows of `se` (not saved); the rows whose values changed
    are returned with the names of the changed fields, for the caller to save one way or another."""
    se.execution_rate = result_decimal(result.get("execution_rate"), Decimal("0.0001"))
    se.execution_score = result_decimal(result.get("execution_score"))
    se.total_score = result_decimal(result.get("total_score"))
    se.grade = result.get("grade") or ""
    findings = result.get("findings", [])
    se.error_count = sum(1 for f in findings if f.get("severity") == "error")
    se.warning_count = sum(1 for f in findings if f.get("severity") == "warning")
    se.result = result
    se.ruleset = label
    # The engine names each scored row by its input position (it drops printed total rows such as 合计).
    scored = {item.get("index", i): item for i, item in enumerate(result.get("indicators", []))}
    changed_rows = []
    for i, row in enumerate(rows):
        item = scored.get(i, {})
        values = {"score": result_decimal(item.get("score")),
                  "completion": result_decimal(item.get("completion"), Decimal("0.0001")),
                  "explanation": str(item.get("explanation") or "")}
        if changed := assign_changed(row, values):
            changed_rows.append((row, changed))
    return changed_rows


def rescore(se, rows=None, rules=None):
    """Score `se` through the engine and store the result on the header and the rows (no state change)."""
    rows = list(se.rows.all()) if rows is None else rows
    rules = rules or rules_for(se)
    result = score_document(selfeval_document(se, rows), rules.values)
    changed_rows = apply_result(se, rows, result, rules.label)
    se.save(update_fields=["execution_rate", "execution_score", "total_score", "grade", "error_count",
                           "warning_count", "result", "ruleset"])
    for row, changed in changed_rows:
        row.save(update_fields=changed)
    return result


def findings_by_row(se):
    """({row index: [finding]}, [table-wide findings]) from the stored result."""
    per_row, table = {}, []
    for f in (se.result or {}).get("findings", []):
        if f.get("indicator") is not None:
            per_row.setdefault(f["indicator"], []).append(f)
        else:
            table.append(f)
    return per_row, table


# --- creation --------------------------------------------------------------------------------------------

def _executed(py):
    from perfbudget.monitoring.models import ExecutionYear

    row = ExecutionYear.objects.filter(project_year=py).first()
    return row.total() if row is not None else Decimal(0)


def _funds(py):
    return {"initial_budget": py.initial_budget, "full_budget": py.budget or Decimal(0), "executed": _executed(py)}


def approved_goal(py):
    """The project year's newest approved goal, or None."""
    return Goal.objects.filter(project_year=py, status=GoalStatus.APPROVED).order_by("-version").first()


def _build(py, goal, rules):
    se = SelfEvaluation.objects.create(project_year=py, goal=goal, overall_goal_expected=goal.overall_goal,
                                       **_funds(py))
    rows = SelfEvaluationRow.objects.bulk_create([
        SelfEvaluationRow(self_evaluation=se, goal_indicator=gi, position=n, level1=gi.level1, level2=gi.level2,
                          name=gi.name, target=gi.printed[:100], weight=gi.weight,
                          qualitative=gi.comparator == Comparator.QUAL)
        for n, gi in enumerate(goal.rows.order_by("position", "id"), start=1)])
    rescore(se, rows, rules)
    open_todos(se, SELFEVAL_WORKFLOW, se.status)
    return se


def create_selfeval(py, user=None):
    """Create the self-evaluation of one project year from its approved goal ("无目标不预算": none without one).
    Returns (self-evaluation, created). `user`, when given, must be the region's 绩效科."""
    with acting_as(user) if user is not None else nullcontext(), transaction.atomic():
        if user is not None and not ProjectYear.objects.visible_to(user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,)) \
                .filter(pk=py.pk).exists():
            raise PermissionDenied(_("只有本区划财政局绩效科可以生成自评表。"))
        existing = SelfEvaluation.objects.filter(project_year=py).first()
        if existing is not None:
            return existing, False
        goal = approved_goal(py)
        if goal is None:
            raise SelfEvalError(_("项目「%(p)s」%(y)s年没有已批复的绩效目标，不能生成自评表（无目标不评价）。")
                                % {"p": py.project.name, "y": py.year})
        return _build(py, goal, resolve(py.project.region, py.year)), True


def create_selfevals(region, year, user=None):
    """Create the self-evaluations of every project year of `region` and `year` that has an approved goal and none
    yet (idempotent). Returns {"created": n, "existing": n, "without_goal": [project codes]}."""
    with acting_as(user) if user is not None else nullcontext(), transaction.atomic():
        years = ProjectYear.objects.filter(project__region=region, year=year)
        if user is not None:
            years = years.visible_to(user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,))
            if not user.is_superuser and not user.has_role(Role.PERFORMANCE_OFFICE):
                raise PermissionDenied(_("只有本区划财政局绩效科可以生成自评表。"))
        years = list(years.select_related("project__region", "project__unit", "project__department")
                     .order_by("project__code"))
        have = set(SelfEvaluation.objects.filter(project_year__in=[py.pk for py in years])
                   .values_list("project_year_id", flat=True))
        goals = {}
        for goal in (Goal.objects.filter(project_year__in=[py.pk for py in years], status=GoalStatus.APPROVED)
                     .order_by("project_year_id", "version")):
            goals[goal.project_year_id] = goal
        rules = resolve(region, year)
        created, without = 0, []
        for py in years:
            if py.pk in have:
                continue
            goal = goals.get(py.pk)
            if goal is None:
                without.append(py.project.code)
                continue
            _build(py, goal, rules)
            created += 1
    return {"created": created, "existing": len(have), "without_goal": without}


def refresh_funds(se, user):
    """Copy the project year's budgets and the execution data into the funds block again, and rescore (logged)."""
    with acting_as(user), transaction.atomic():
        locked = (SelfEvaluation.objects.visible_to(user, CHANGE, roles=(Role.UNIT, Role.PERFORMANCE_OFFICE))
                  .select_for_update(of=("self",)).filter(pk=se.pk).first())
        if locked is None:
            raise PermissionDenied(_("只有项目所属预算单位或本区划绩效科可以更新资金数据。"))
        if locked.status not in SELFEVAL_EDITABLE:
            raise SelfEvalError(_("自评表当前状态为「%(s)s」，不能更新资金数据。") % {"s": locked.get_status_display()})
        py = ProjectYear.objects.get(pk=locked.project_year_id)
        for k, v in _funds(py).items():
            setattr(locked, k, v)
        locked.funds_refreshed_at = timezone.now()
        locked.save()
        rescore(locked)
        assert_in_scope(locked, user)
    return locked


# --- filling ---------------------------------------------------------------------------------------------

def _parse_decimal(value, label, errors, row, low=None, high=None, percent_ok=False):
    """A number typed by a user (full-width digits and thousands separators allowed), or None when empty; a
    problem is appended to `errors` as (row, label, reason). With `percent_ok` the value is a share from 0 to 1
    that may be typed as a percentage: "90%", "0.9" and "90" are the same (a bare number above 1 is a percent)."""
    text = str(value if value is not None else "").strip().replace("，", ",").replace(",", "")
    if text == "":
        return None
    scale = Decimal(1)
    if percent_ok and text.endswith(("%", "％")):
        text, scale = text[:-1].strip(), Decimal("0.01")
    try:
        number = Decimal(text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))) * scale
    except InvalidOperation:
        errors.append((row, label, _("应为数字，不能是「%(v)s」") % {"v": value}))
        return None
    if not number.is_finite():
        errors.append((row, label, _("应为数字，不能是「%(v)s」") % {"v": value}))
        return None
    if percent_ok and scale == 1 and number > 1:
        # Units type shares both ways; the page shows the share back as a percent, so a misreading is seen.
        number /= 100
    if (low is not None and number < low) or (high is not None and number > high):
        if percent_ok:
            errors.append((row, label, _("应在0%%到100%%之间（也可填0到1的小数），不能是「%(v)s」") % {"v": value}))
        else:
            errors.append((row, label, _("应在%(a)s到%(b)s之间") % {"a": low, "b": high}))
        return None
    return number


def format_judgement(value):
    """A stored share (0–1) the way a unit types it: Decimal("0.900") → "90%", 0.855 → "85.5%"; "" for None."""
    if value is None or value == "":
        return ""
    percent = (Decimal(str(value)) * 100).quantize(Decimal("0.1")).normalize()
    return f"{percent:f}%"


def _parse_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "on", "yes", "是", "适用")


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _clean_header(data, errors):
    cleaned = {}
    for name in ("execution_reason", "overall_goal_actual", "conclusion", "problems", "improvements"):
        if name in data:
            cleaned[name] = str(data.get(name) or "").strip()
            if len(cleaned[name]) > 5000:
                errors.append((None, _label(SelfEvaluation, name), _("不能超过5000个字")))
    if "claimed_execution_score" in data:
        cleaned["claimed_execution_score"] = _parse_decimal(
            data["claimed_execution_score"], _label(SelfEvaluation, "claimed_execution_score"), errors, None,
            Decimal(0), Decimal(100))
    if "claimed_total" in data:
        cleaned["claimed_total"] = _parse_decimal(data["claimed_total"], _label(SelfEvaluation, "claimed_total"),
                                                  errors, None, Decimal(0), Decimal(100))
    if "claimed_grade" in data:
        grade = str(data.get("claimed_grade") or "").strip()
        if grade and grade not in Grade.values:
            errors.append((None, _label(SelfEvaluation, "claimed_grade"), _("应为：优、良、中、差")))
        cleaned["claimed_grade"] = grade
    for name in ("claimed_execution_score", "claimed_total"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = cleaned[name].quantize(CENT)
    return cleaned


def _clean_rows(rows, existing, errors):
    by_id = {r.pk: (n, r) for n, r in enumerate(existing, start=1)}
    cleaned = {}
    for key, values in rows.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in by_id:
            errors.append((None, _("指标"), _("指标「%(id)s」不属于本自评表") % {"id": key}))
            continue
        n, row = by_id[pk]
        out = {}
        for name in ("actual", "reason", "deviation_note"):
            if name in values:
                out[name] = str(values.get(name) or "").strip()
        if len(out.get("actual", "")) > 100:
            errors.append((n, _label(SelfEvaluationRow, "actual"), _("不能超过100个字")))
        for name in ("reason", "deviation_note"):
            if len(out.get(name, "")) > 2000:
                errors.append((n, _label(SelfEvaluationRow, name), _("不能超过2000个字")))
        if "applicable" in values:
            out["applicable"] = _parse_bool(values["applicable"])
        if "judgement" in values:
            judgement = _parse_decimal(values["judgement"], _label(SelfEvaluationRow, "judgement"), errors, n,
                                       Decimal(0), Decimal(1), percent_ok=True)
            if judgement is not None and not row.qualitative:
                errors.append((n, _label(SelfEvaluationRow, "judgement"),
                               _("定量指标按实际完成值计分，不填达成比例")))
            out["judgement"] = judgement.quantize(Decimal("0.001")) if judgement is not None else None
        if "claimed_score" in values:
            high = row.weight if row.weight is not None else Decimal(100)
            claimed = _parse_decimal(values["claimed_score"], _label(SelfEvaluationRow, "claimed_score"), errors, n,
                                     Decimal(0), high)
            out["claimed_score"] = claimed.quantize(CENT) if claimed is not None else None
        cleaned[pk] = out
    return cleaned


def save_selfeval(se, user, data, rows=None, expected_version=None):
    """Save the unit's entries (header `data`, `rows` as {row id: {field: value}}) all or nothing, and rescore.
    SelfEvalError lists (row, field, reason) problems; nothing is written then."""
    with acting_as(user), transaction.atomic():
        locked = (SelfEvaluation.objects.visible_to(user, CHANGE, roles=FILLERS).select_for_update(of=("self",))
                  .filter(pk=se.pk).first())
        if locked is None:
            raise PermissionDenied(_("只有项目所属预算单位可以填报该自评表。"))
        if locked.status not in SELFEVAL_EDITABLE:
            raise SelfEvalError(_("自评表当前状态为「%(s)s」，不能修改。") % {"s": locked.get_status_display()})
        if stale := locked.stale_message(expected_version, pgettext("stale", "自评表")):
            raise SelfEvalError(stale)
        errors = []
        header = _clean_header(data or {}, errors)
        existing = list(locked.rows.all())
        cleaned = _clean_rows(rows or {}, existing, errors)
        if errors:
            raise SelfEvalError(_("自评表有%(n)s处错误，未保存。") % {"n": len(errors)}, errors)
        for name, value in header.items():
            setattr(locked, name, value)
        locked.save()
        for row in existing:
            values = cleaned.get(row.pk)
            if not values:
                continue
            if changed := assign_changed(row, values):
                row.save(update_fields=changed)
        rescore(locked, existing)
        assert_in_scope(locked, user)
    se.__dict__.update({k: getattr(locked, k) for k in (*HEADER_FIELDS, "row_version", "total_score", "grade",
                                                         "execution_score", "execution_rate", "result")})
    return locked


def submission_problems(se):
    """What stops `se` from being submitted (Chinese sentences naming the row and the field); empty when it may."""
    problems = []
    for n, row in enumerate(se.rows.all(), start=1):
        if not row.applicable:
            continue
        where = _("第%(n)s项指标「%(name)s」") % {"n": n, "name": row.name}
        if not row.actual:
            problems.append(where + _("未填实际完成值"))
        if row.qualitative:
            if row.judgement is None:
                problems.append(where + _("是定性指标，请填写达成比例"))
            if not row.reason:
                problems.append(where + _("是定性指标，请填写评分理由"))
    limit = Decimal(str(rules_for(se).get("selfeval.execution_reason_below", 0.9)))
    rate = se.executed / se.full_budget if se.full_budget else None
    if rate is not None and rate < limit and not se.execution_reason:
        problems.append(_("预算执行率为%(rate)s%%，低于%(limit)s%%，请填写执行率偏低原因")
                        % {"rate": (rate * 100).quantize(Decimal("0.1")), "limit": f"{float(limit * 100):g}"})
    for name, label in NARRATIVE:
        if not getattr(se, name):
            problems.append(_("请填写%(field)s") % {"field": label})
    for p in se.review_problems.filter(status__in=PROBLEM_TO_FIX):
        problems.append(_("审核问题「%(d)s」尚未整改（请填写整改说明）") % {"d": p.description[:40]})
    return problems


# --- workflow ----------------------------------------------------------------------------------------------

def submit(se, user, comment="", expected_version=None):
    """The unit submits `se` for review."""
    return transition(se, SELFEVAL_WORKFLOW, "submit", user, comment=comment, expected_version=expected_version)


def withdraw(se, user, comment="", expected_version=None):
    """The unit takes back a submission the department has not reviewed yet."""
    return transition(se, SELFEVAL_WORKFLOW, "withdraw", user, comment=comment, expected_version=expected_version)


def department_review(se, user, decision, comment="", expected_version=None):
    """The department passes `se` on to the bureau (decision "approve") or returns it."""
    action = "dept_approve" if decision == "approve" else "dept_return"
    return transition(se, SELFEVAL_WORKFLOW, action, user, comment=comment, expected_version=expected_version)


def bureau_return(se, user, comment="", expected_version=None):
    """The joint review returns `se` with the problems raised on it (each with its deadline)."""
    return transition(se, SELFEVAL_WORKFLOW, "bureau_return", user, comment=comment,
                      expected_version=expected_version)


def accept(se, user, comment="", expected_version=None):
    """The performance office accepts `se` once every problem is confirmed fixed."""
    return transition(se, SELFEVAL_WORKFLOW, "accept", user, comment=comment, expected_version=expected_version)


def review(se, user, decision, comment="", expected_version=None):
    """Approve or return `se` at whichever review step it is in."""
    if se.status == SelfEvalStatus.DEPT_REVIEW:
        return department_review(se, user, decision, comment, expected_version)
    if se.status == SelfEvalStatus.BUREAU_REVIEW:
        step = accept if decision == "approve" else bureau_return
        return step(se, user, comment, expected_version)
    raise WorkflowError(_("该自评表当前不在审核环节。"))


def add_agency_reviewer(se, user, agency_user):
    """The performance office adds a third-party agency user as a reviewer of `se` (logged); during the joint
    review the agency gets a to-do of its own, closed by the bureau's next step like the others."""
    with acting_as(user), transaction.atomic():
        locked = (SelfEvaluation.objects.visible_to(user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,))
                  .select_related("project_year__project").filter(pk=se.pk).first())
        if locked is None:
            raise PermissionDenied(_("只有本区划财政局绩效科可以指定第三方审核人。"))
        if not agency_user.has_role(Role.AGENCY) or agency_user.is_superuser:
            raise SelfEvalError(_("「%(u)s」不是第三方机构用户。") % {"u": agency_user})
        locked.agency_reviewers.add(agency_user)
        if locked.status == SelfEvalStatus.BUREAU_REVIEW:
            py = locked.project_year
            TodoItem.objects.create(
                content_type=ContentType.objects.get_for_model(SelfEvaluation), object_id=locked.pk,
                stage=SELFEVAL_WORKFLOW.stage, workflow=SELFEVAL_WORKFLOW.name, state=locked.status,
                title=_("自评审核（第三方）：%(p)s（%(y)s年）") % {"p": py.project.name, "y": py.year},
                role=Role.AGENCY, user=agency_user, url=SELFEVAL_WORKFLOW.url(locked),
                due_date=timezone.localdate() + datetime.timedelta(
                    days=int(rules_for(locked).get("projects.review_due_days", 5))))
    return locked


# --- review problems ---------------------------------------------------------------------------------------

def _reviewer_role(user):
    for role, label in ((Role.PERFORMANCE_OFFICE, ReviewerRole.PERFORMANCE_OFFICE),
                        (Role.FUNDING_SECTION, ReviewerRole.FUNDING_SECTION), (Role.AGENCY, ReviewerRole.AGENCY)):
        if user.has_role(role) and not user.is_superuser:
            return label
    return ReviewerRole.PERFORMANCE_OFFICE if user.is_superuser else None


REVIEW_ROLES = (Role.PERFORMANCE_OFFICE, Role.FUNDING_SECTION, Role.AGENCY)


def raise_problem(se, user, description, row=None, code="", deadline=None):
    """A reviewer raises a problem on `se` (or one of its rows) during the joint review; the deadline defaults
    to today + `evaluation.review_return_days`."""
    description = (description or "").strip()
    with acting_as(user), transaction.atomic():
        locked = (SelfEvaluation.objects.visible_to(user, CHANGE, roles=REVIEW_ROLES).select_for_update(of=("self",))
                  .filter(pk=se.pk).first())
        role = _reviewer_role(user)
        if locked is None or role is None:
            raise PermissionDenied(_("只有自评审核人（绩效科、业务科室或指定的第三方机构）可以提出审核问题。"))
        if locked.status != SelfEvalStatus.BUREAU_REVIEW:
            raise SelfEvalError(_("只有待财政联合审核的自评表可以提出审核问题。"))
        errors = []
        if not description:
            errors.append((None, _("问题描述"), _("请填写问题描述")))
        if row is not None and row.self_evaluation_id != locked.pk:
            errors.append((None, _("指标"), _("该指标不属于本自评表")))
        if deadline is None:
            deadline = timezone.localdate() + datetime.timedelta(
                days=int(rules_for(locked).get("evaluation.review_return_days", 10)))
        elif deadline < timezone.localdate():
            errors.append((None, _("整改期限"), _("整改期限不能早于今天")))
        if errors:
            raise SelfEvalError(_("审核问题未保存。"), errors)
        problem = SelfEvaluationProblem.objects.create(
            self_evaluation=locked, row=row, code=(code or "")[:40], description=description, raised_by=user,
            raised_role=role, deadline=deadline)
        assert_in_scope(problem, user)
    return problem


def _locked_problem(problem, user, roles):
    locked = (SelfEvaluationProblem.objects.visible_to(user, CHANGE, roles=roles).select_for_update(of=("self",))
              .select_related("self_evaluation").filter(pk=problem.pk).first())
    if locked is None:
        raise PermissionDenied(_("无权处理该审核问题。"))
    return locked


def fix_problem(problem, user, note):
    """The unit says how it fixed a problem (while its self-evaluation is returned)."""
    note = (note or "").strip()
    with acting_as(user), transaction.atomic():
        locked = _locked_problem(problem, user, FILLERS)
        if locked.status not in PROBLEM_TO_FIX:
            raise SelfEvalError(_("该问题当前状态为「%(s)s」，不需要整改。") % {"s": locked.get_status_display()})
        if locked.self_evaluation.status not in SELFEVAL_EDITABLE:
            raise SelfEvalError(_("自评表退回后才能填写整改说明。"))
        if not note:
            raise SelfEvalError(_("请填写整改说明。"), [(None, _("整改说明"), _("请填写整改说明"))])
        locked.status, locked.fix_note = ProblemStatus.FIXED, note
        locked.fixed_at, locked.fixed_by = timezone.now(), user
        locked.save()
    return locked


def settle_problem(problem, user, confirm, note=""):
    """A reviewer confirms a fixed problem, or reopens it (with a note) for the unit to fix again."""
    note = (note or "").strip()
    with acting_as(user), transaction.atomic():
        locked = _locked_problem(problem, user, REVIEW_ROLES)
        if locked.status != ProblemStatus.FIXED:
            raise SelfEvalError(_("只有已整改待确认的问题可以确认或重新整改。"))
        if locked.self_evaluation.status != SelfEvalStatus.BUREAU_REVIEW:
            raise SelfEvalError(_("单位重新提交后才能确认整改。"))
        if not confirm and not note:
            raise SelfEvalError(_("重新整改须写明原因。"), [(None, _("复核意见"), _("请填写复核意见"))])
        locked.review_note = note
        if confirm:
            locked.status, locked.confirmed_at, locked.confirmed_by = ProblemStatus.CONFIRMED, timezone.now(), user
        else:
            locked.status = ProblemStatus.REOPENED
        locked.save()
    return locked


# --- summary -----------------------------------------------------------------------------------------------

def review_summary(user, year=None):
    """自评审核汇总 (S000's figures) per year and region in the user's scope: reports reviewed (a bureau decision
    taken), problems raised, fixed by the unit, confirmed, and the fix rate (confirmed / raised)."""
    ses = SelfEvaluation.objects.visible_to(user, VIEW)
    if year:
        ses = ses.filter(project_year__year=year)
    ct = ContentType.objects.get_for_model(SelfEvaluation)
    decided = WorkflowRecord.objects.filter(content_type=ct, workflow=SELFEVAL_WORKFLOW.name,
                                            action__in=("bureau_return", "accept")).values("object_id")
    key = ("project_year__year", "project_year__project__region__code", "project_year__project__region__name")
    reports = {tuple(r[k] for k in key): r for r in ses.values(*key).annotate(
        total=Count("id"), reviewed=Count("id", filter=Q(pk__in=decided)),
        accepted=Count("id", filter=Q(status=SelfEvalStatus.ACCEPTED))).order_by()}
    problems = SelfEvaluationProblem.objects.filter(self_evaluation__in=ses.values("pk"))
    pkey = tuple(f"self_evaluation__{k}" for k in key)
    for r in problems.values(*pkey).annotate(
            raised=Count("id"), fixed=Count("id", filter=Q(status__in=(ProblemStatus.FIXED, ProblemStatus.CONFIRMED))),
            confirmed=Count("id", filter=Q(status=ProblemStatus.CONFIRMED))).order_by():
        reports[tuple(r[k] for k in pkey)].update(raised=r["raised"], fixed=r["fixed"], confirmed=r["confirmed"])
    rows = []
    for (y, code, name), r in sorted(reports.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        raised = r.get("raised", 0)
        rows.append({"year": y, "region_code": code, "region": name, "total": r["total"], "reviewed": r["reviewed"],
                     "accepted": r["accepted"], "raised": raised, "fixed": r.get("fixed", 0),
                     "confirmed": r.get("confirmed", 0),
                     "fix_rate": (Decimal(r.get("confirmed", 0)) / raised) if raised else None})
    return rows


def open_todo_count(se):
    """Open to-do items of `se` (for tests and panels)."""
    ct = ContentType.objects.get_for_model(SelfEvaluation)
    return TodoItem.objects.filter(content_type=ct, object_id=se.pk, closed_at__isnull=True).count()
