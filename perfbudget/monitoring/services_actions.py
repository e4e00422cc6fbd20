"""Actions on warned projects (处置): urge, adjust goal and budget, suspend / reduce / stop payment.

Each is a `MonitoringAction` with amount and reason. Reducing or stopping lowers the project year's full-year
budget at once (recorded before/after); suspending freezes an amount without changing the budget; adjusting
asks the unit for a goal adjustment (目标调整) and applies the new budget when that adjustment is approved.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.models import TodoItem
from perfbudget.core.scopes import CHANGE
from perfbudget.orgs.choices import Role
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from .choices import ActionKind, ListingSource, ListingSubject
from .models import ExecutionYear, MonitoringAction, NegativeListEntry

ACTING_ROLES = (Role.PERFORMANCE_OFFICE, Role.BUDGET_SECTION, Role.FUNDING_SECTION)


class ActionError(Exception):
    """A refused action (message in Chinese)."""


def executed_to_date(project_year):
    row = ExecutionYear.objects.filter(project_year=project_year).first()
    return row.total() if row else Decimal(0)


def _todo(action, title, deadline):
    p = action.project_year.project
    TodoItem.objects.create(
        content_type=ContentType.objects.get_for_model(MonitoringAction), object_id=action.pk, stage="monitoring",
        workflow="monitoring_action", state=action.kind, title=title, role=Role.UNIT, organisation=p.unit,
        url=reverse("monitoring:action", args=[action.pk]), due_date=deadline)


def take_action(project_year, user, kind, reason, *, rnd=None, amount=None, deadline=None, new_budget=None,
                warning_codes=(), negative_list=False, listing_months=None, today=None):
    """Record one action on `project_year` as `user`; returns the MonitoringAction or raises ActionError."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("请填写处置理由。"))
    if kind not in ActionKind.values:
        raise ActionError(_("未知的处置方式：%(kind)s") % {"kind": kind})
    with acting_as(user), transaction.atomic():
        py = (ProjectYear.objects.visible_to(user, CHANGE, roles=ACTING_ROLES).select_for_update()
              .select_related("project__unit", "project__region").filter(pk=project_year.pk).first())
        if py is None:
            raise PermissionDenied(_("无权对该项目采取处置措施。"))
        rules = resolve(py.project.region, py.year)
        budget = py.budget
        paid = executed_to_date(py)
        remaining = budget - paid
        action = MonitoringAction(project_year=py, round=rnd, kind=kind, reason=reason, created_by=user,
                                  warning_codes=list(warning_codes), budget_before=budget, budget_after=budget)
        if kind == ActionKind.URGE:
            deadline = deadline or today + datetime.timedelta(days=int(rules.get("monitoring.urge_days", 10)))
            if deadline < today:
                raise ActionError(_("整改期限不能早于今天。"))
            action.deadline = deadline
        elif kind == ActionKind.ADJUST:
            if new_budget is None or new_budget < 0:
                raise ActionError(_("调整目标和预算须填写调整后的全年预算数。"))
            if new_budget < paid:
                raise ActionError(_("调整后的预算数（%(new)s元）不能低于已执行数（%(paid)s元）。")
                                  % {"new": new_budget, "paid": paid})
            action.budget_after = new_budget
            action.amount = abs(budget - new_budget)
            action.deadline = deadline or today + datetime.timedelta(days=int(rules.get("monitoring.urge_days", 10)))
        else:
            if kind == ActionKind.STOP and amount is None:
                amount = remaining
            if amount is None or amount <= 0:
                raise ActionError(_("请填写涉及金额（大于0）。"))
            if amount > remaining:
                raise ActionError(
                    _("金额（%(amount)s元）超过未支付预算（%(left)s元 = 全年预算%(budget)s元 − 已执行%(paid)s元）。")
                    % {"amount": amount, "left": remaining, "budget": budget, "paid": paid})
            action.amount = amount
            if kind in (ActionKind.REDUCE, ActionKind.STOP):
                action.budget_after = budget - amount
                py.adjusted_budget = action.budget_after
                py.save()
            action.closed_at = timezone.now()
        action.save()
        if kind == ActionKind.URGE:
            _todo(action, _("监控督促整改：%(p)s") % {"p": py.project.name}, action.deadline)
        elif kind == ActionKind.ADJUST:
            _todo(action, _("按监控处置意见申请调整绩效目标和预算：%(p)s") % {"p": py.project.name}, action.deadline)
        if negative_list:
            months = int(listing_months or rules.get("monitoring.negative_list_months", 12))
            add_listing(user, ListingSubject.PROJECT, py.project.unit, reason, ListingSource.MONITORING,
                        project=py.project, action=action, source_detail=str(rnd or ""),
                        listed_on=today, expires_on=add_months(today, months), region=py.project.region)
    return action


def respond(action, user, response):
    """The unit answers an urge or adjustment to-do (整改反馈); an urge is then done."""
    response = (response or "").strip()
    if not response:
        raise ActionError(_("请填写整改反馈。"))
    with acting_as(user), transaction.atomic():
        locked = MonitoringAction.objects.visible_to(user, CHANGE, roles=(Role.UNIT,)).select_for_update().filter(
            pk=action.pk).first()
        if locked is None:
            raise PermissionDenied(_("无权反馈该处置事项。"))
        if locked.closed_at is not None:
            raise ActionError(_("该处置事项已办结。"))
        locked.response = response
        if locked.kind == ActionKind.URGE:
            locked.closed_at = timezone.now()
        locked.save()
        if locked.kind == ActionKind.URGE:
            TodoItem.objects.filter(content_type=ContentType.objects.get_for_model(MonitoringAction),
                                    object_id=locked.pk, closed_at__isnull=True).update(
                closed_at=timezone.now(), closed_by=user, closed_action="respond")
    return locked


def apply_approved_adjustment(goal):
    """A goal adjustment was approved: apply the budget of the open adjust action that asked for it."""
    action = (MonitoringAction.objects.filter(project_year_id=goal.project_year_id, kind=ActionKind.ADJUST,
                                              closed_at__isnull=True).order_by("created_at").first())
    if action is None:
        return None
    py = ProjectYear.objects.select_for_update().get(pk=goal.project_year_id)
    action.budget_before = py.budget
    py.adjusted_budget = action.budget_after
    py.save()
    action.goal = goal
    action.closed_at = timezone.now()
    action.save()
    TodoItem.objects.filter(content_type=ContentType.objects.get_for_model(MonitoringAction), object_id=action.pk,
                            closed_at__isnull=True).update(closed_at=timezone.now(), closed_action="goal_approved")
    return action


def reduction_totals(actions):
    """Reductions (核减 and 停止拨付 amounts) by department and by round, plus suspensions, from `actions`."""
    money = Q(kind__in=(ActionKind.REDUCE, ActionKind.STOP))
    by_department = (actions.values("project_year__project__department__name")
                     .annotate(reduced=Sum("amount", filter=money),
                               suspended=Sum("amount", filter=Q(kind=ActionKind.SUSPEND)),
                               count=Count("id"))
                     .order_by("-reduced", "project_year__project__department__name"))
    by_round = (actions.values("round__year", "round__name", "round__region__name", "round_id")
                .annotate(reduced=Sum("amount", filter=money),
                          suspended=Sum("amount", filter=Q(kind=ActionKind.SUSPEND)), count=Count("id"))
                .order_by("-round__year", "round__region__name", "round__name"))
    total = actions.aggregate(reduced=Sum("amount", filter=money), suspended=Sum("amount", filter=Q(
        kind=ActionKind.SUSPEND)), count=Count("id"))
    return {"by_department": list(by_department), "by_round": list(by_round), "total": total}


# --- negative list -------------------------------------------------------------------------------------

def add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


DEFAULT = object()


def default_expiry(region, listed_on):
    """The rule set's default end of a listing (`monitoring.negative_list_months` after it starts)."""
    return add_months(listed_on, int(resolve(region, listed_on.year).get("monitoring.negative_list_months", 12)))


def add_listing(user, subject, unit, reason, source, *, project=None, action=None, source_detail="",
                listed_on=None, expires_on=DEFAULT, region=None):
    """Put a project or unit on the negative list (负面清单) as `user` (a bureau role reaching the unit).
    Without `expires_on` the rule set's default term applies; `expires_on=None` lists it with no end."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("请填写列入负面清单的理由。"))
    if subject == ListingSubject.PROJECT and project is None:
        raise ActionError(_("列入对象为项目时必须指定项目。"))
    listed_on = listed_on or timezone.localdate()
    if expires_on is DEFAULT:
        expires_on = default_expiry(unit.region, listed_on)
    if expires_on is not None and expires_on < listed_on:
        raise ActionError(_("到期日期不能早于列入日期。"))
    with acting_as(user), transaction.atomic():
        entry = NegativeListEntry.objects.create(
            subject=subject, project=project if subject == ListingSubject.PROJECT else None, unit=unit,
            region=region or unit.region, reason=reason, source=source, source_detail=source_detail, action=action,
            listed_on=listed_on, expires_on=expires_on, created_by=user)
        if not NegativeListEntry.objects.visible_to(user, CHANGE, roles=ACTING_ROLES).filter(pk=entry.pk).exists():
            raise PermissionDenied(_("只能把本级财政部门管理范围内的项目或单位列入负面清单。"))
    return entry


def lift_listing(entry, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("请填写移出负面清单的理由。"))
    with acting_as(user), transaction.atomic():
        locked = NegativeListEntry.objects.visible_to(user, CHANGE, roles=ACTING_ROLES).select_for_update().filter(
            pk=entry.pk).first()
        if locked is None:
            raise PermissionDenied(_("无权调整该负面清单记录。"))
        if locked.lifted_at is not None:
            raise ActionError(_("该记录已移出负面清单。"))
        locked.lifted_at = timezone.now()
        locked.lifted_reason = reason
        locked.save()
    return locked


def listings_for(project=None, unit=None):
    """Active negative-list entries touching a project (or its unit) or a unit: shown wherever they appear."""
    return list(NegativeListEntry.objects.active().touching(project=project, unit=unit).select_related(
        "project", "unit"))
