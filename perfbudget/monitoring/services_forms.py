"""Monitoring forms: filling (one save for the page and the API), submission checks, submit and review."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from perfbudget.core.audit import acting_as
from perfbudget.core.fields import parse_amount
from perfbudget.core.models import assign_changed
from perfbudget.core.scopes import CHANGE, assert_in_scope
from perfbudget.core.workflow import WorkflowError, transition
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import FORM_EDITABLE, DeviationCause, Likelihood, RoundStatus
from .models import FormIndicator, MonitoringForm
from .plan import time_progress
from .workflow import FORM_WORKFLOW, REVIEW_ACTIONS

FILLERS = (Role.UNIT,)  # the unit fills its forms; reviewers approve or return them
ROW_FIELDS = ("actual", "forecast", "likelihood", "cause", "cause_detail", "measure")
HEADER_FIELDS = ("forecast_amount", "execution_note", "overall_progress")


class FormError(Exception):
    """A refused form operation; `errors` lists (row number or None, field label, reason) for the page."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


def _clean_header(data, form, errors):
    cleaned = {}
    if "forecast_amount" in data:
        try:
            amount = parse_amount(data.get("forecast_amount"))
        except ValueError as exc:
            errors.append((None, _("全年预计执行数"), str(exc)))
            amount = None
        else:
            if amount is not None and amount < 0:
                errors.append((None, _("全年预计执行数"), _("不能为负数")))
            elif amount is not None and amount > form.full_budget * 2:
                errors.append((None, _("全年预计执行数"),
                               _("超过全年预算数的两倍，请核对单位（应以元为单位，可写“万元”）")))
            elif amount is not None and amount < form.executed:
                errors.append((None, _("全年预计执行数"), _("不能小于截至目前已执行数")))
        cleaned["forecast_amount"] = amount.quantize(Decimal("0.01")) if amount is not None else None
    for name in ("execution_note", "overall_progress"):
        if name in data:
            cleaned[name] = str(data.get(name) or "").strip()
    return cleaned


def _codes(choices):
    """{code or Chinese label: code}: API and import callers may send either."""
    codes = {c.value: c.value for c in choices}
    codes.update({str(c.label): c.value for c in choices})
    return codes


def _clean_rows(rows, indicators, errors):
    """rows: {indicator id: {field: value}}; returns {id: cleaned} and appends (row, field, reason) errors."""
    by_id = {i.pk: (n, i) for n, i in enumerate(indicators, start=1)}
    likelihoods, causes = _codes(Likelihood), _codes(DeviationCause)
    cleaned = {}
    for key, values in rows.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in by_id:
            errors.append((None, _("指标"), _("指标「%(id)s」不属于本监控表") % {"id": key}))
            continue
        n, _indicator = by_id[pk]
        row = {}
        for name in ROW_FIELDS:
            if name in values:
                row[name] = str(values.get(name) or "").strip()
        for name, codes, label, allowed in (("likelihood", likelihoods, _("完成可能性"), Likelihood),
                                            ("cause", causes, _("偏差原因"), DeviationCause)):
            if row.get(name):
                code = codes.get(row[name])
                if code is None:
                    choices = "、".join(str(c.label) for c in allowed)
                    errors.append((n, label, _("应为：%(choices)s") % {"choices": choices}))
                else:
                    row[name] = code
        for name, limit in (("actual", 100), ("forecast", 100), ("cause_detail", 300), ("measure", 300)):
            if len(row.get(name, "")) > limit:
                errors.append((n, str(FormIndicator._meta.get_field(name).verbose_name),
                               _("不能超过%(n)s个字") % {"n": limit}))
        cleaned[pk] = row
    return cleaned


def save_form(form, user, data, rows=None, expected_version=None):
    """Save the unit's entries (header `data` and indicator `rows`) all or nothing; FormError lists problems."""
    with acting_as(user), transaction.atomic():
        locked = (MonitoringForm.objects.visible_to(user, CHANGE, roles=FILLERS).select_for_update()
                  .filter(pk=form.pk).first())
        if locked is None:
            raise PermissionDenied(_("只有项目所属预算单位可以填报该监控表。"))
        if locked.status not in FORM_EDITABLE:
            raise FormError(_("监控表当前状态为「%(s)s」，不能修改。") % {"s": locked.get_status_display()})
        if locked.round.status != RoundStatus.OPEN:
            raise FormError(_("本轮监控已结束，不能再修改。"))
        if stale := locked.stale_message(expected_version, pgettext("stale", "监控表")):
            raise FormError(stale)
        errors = []
        header = _clean_header(data, locked, errors)
        indicators = list(locked.indicators.all())
        cleaned_rows = _clean_rows(rows or {}, indicators, errors)
        if errors:
            raise FormError(_("监控表有%(n)s处错误，未保存。") % {"n": len(errors)}, errors)
        for name, value in header.items():
            setattr(locked, name, value)
        locked.save()
        for indicator in indicators:
            values = cleaned_rows.get(indicator.pk)
            if not values:
                continue
            if changed := assign_changed(indicator, values):
                indicator.save(update_fields=changed)
        assert_in_scope(locked, user)
    form.__dict__.update({k: getattr(locked, k) for k in (*HEADER_FIELDS, "row_version")})
    return locked


def submission_problems(form):
    """What stops `form` from being submitted (Chinese sentences); empty when it may go."""
    problems = []
    if form.round.status != RoundStatus.OPEN:
        problems.append(_("本轮监控已结束"))
    if form.forecast_amount is None:
        problems.append(_("请填写全年预计执行数"))
    rules = resolve(form.project_year.project.region, form.round.year)
    margin = Decimal(str(rules.get("monitoring.time_progress_margin", 0.1)))
    rate = form.execution_rate
    if rate is not None and rate < time_progress(form.round.through_month) - margin and not form.execution_note:
        problems.append(_("执行进度落后序时进度，请填写执行偏差原因及纠偏措施"))
    for n, row in enumerate(form.indicators.all(), start=1):
        if not row.actual:
            problems.append(_("第%(n)s项指标「%(name)s」未填截至目前完成值") % {"n": n, "name": row.name})
        if not row.forecast:
            problems.append(_("第%(n)s项指标「%(name)s」未填全年预计完成值") % {"n": n, "name": row.name})
        if not row.likelihood:
            problems.append(_("第%(n)s项指标「%(name)s」未选完成可能性") % {"n": n, "name": row.name})
        elif row.likelihood != Likelihood.CERTAIN and not (row.cause and row.measure):
            problems.append(_("第%(n)s项指标「%(name)s」可能完不成，请选择偏差原因并填写纠偏措施")
                            % {"n": n, "name": row.name})
    return problems


def submit(form, user, comment="", expected_version=None):
    from .services_rounds import close_unit_todo_if_done

    with transaction.atomic():
        record = transition(form, FORM_WORKFLOW, "submit", user, comment=comment, expected_version=expected_version)
        close_unit_todo_if_done(form.round, form.project_year.project.unit, user)
    return record


def review(form, user, decision, comment="", expected_version=None):
    """Approve or return `form` at whichever review step it is in."""
    actions = REVIEW_ACTIONS.get(form.status)
    if actions is None:
        raise WorkflowError(_("该监控表当前不在审核环节。"))
    action = actions[0] if decision == "approve" else actions[1]
    return transition(form, FORM_WORKFLOW, action, user, comment=comment, expected_version=expected_version)
