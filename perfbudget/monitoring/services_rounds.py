"""Monitoring rounds: planned from the rule set, opened (a prefilled form per project, a to-do per unit), closed."""

from collections import defaultdict
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.models import TodoItem
from perfbudget.goals.choices import GoalStatus
from perfbudget.goals.models import Goal, GoalIndicator
from perfbudget.orgs.choices import Role
from perfbudget.projects.choices import ProjectStatus
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from .choices import FORM_EDITABLE, RoundScope, RoundStatus
from .models import ExecutionYear, FormIndicator, MonitoringForm, MonitoringRound, paid_through
from .plan import PlanError, plan_rounds

# Project years that are being spent: in the library (已入库) or with an approved budget.
EXECUTING = (ProjectStatus.ACCEPTED, ProjectStatus.BUDGETED)
BATCH = 2000


class RoundError(Exception):
    """A refused round operation (message in Chinese)."""


def plan_year(region, year, user):
    """Create the year's rounds the rule set plans (those not created yet); returns the new rounds."""
    rules = resolve(region, year)
    try:
        planned = plan_rounds(rules.get("monitoring.rounds"), year)
    except PlanError as exc:
        raise RoundError(str(exc))
    existing = set(MonitoringRound.objects.filter(region=region, year=year).values_list("code", flat=True))
    created = []
    with acting_as(user), transaction.atomic():
        for p in planned:
            if p.code in existing:
                continue
            created.append(MonitoringRound.objects.create(
                region=region, year=year, code=p.code, name=p.name, through_month=p.through_month, scope=p.scope,
                key_min_amount=Decimal(str(rules.get("monitoring.key_project_min_amount", 0))),
                opens_on=p.opens_on, due_on=p.due_on, report_due_on=p.report_due_on, ruleset=rules.label))
    return created


def projects_in_scope(rnd):
    """The project years a round covers: its region's executing projects of its year, narrowed by its scope."""
    qs = ProjectYear.objects.filter(project__region=rnd.region, year=rnd.year, status__in=EXECUTING)
    if rnd.scope == RoundScope.KEY:
        budget = Q(adjusted_budget__gte=rnd.key_min_amount) | Q(adjusted_budget__isnull=True,
                                                               initial_budget__gte=rnd.key_min_amount)
        qs = qs.filter(budget)
    elif rnd.scope == RoundScope.CLASS_A:
        qs = qs.filter(abc_class="A")
    elif rnd.scope == RoundScope.CLASS_AB:
        qs = qs.filter(abc_class__in=("A", "B"))
    return qs


def executed_through(project_year_ids, month):
    """{project year id: paid January..`month`} in one query (years without payments are absent)."""
    rows = (ExecutionYear.objects.filter(project_year_id__in=project_year_ids)
            .values_list("project_year_id", paid_through("", month)))
    return dict(rows)


def approved_goals(project_year_ids):
    """{project year id: its approved goal} (the newest approved version)."""
    goals = {}
    for goal in (Goal.objects.filter(project_year_id__in=project_year_ids, status=GoalStatus.APPROVED)
                 .order_by("project_year_id", "version")):
        goals[goal.project_year_id] = goal
    return goals


def open_round(rnd, user):
    """Open `rnd`: one prefilled form per project in scope, a to-do per unit; returns the number of forms."""
    with acting_as(user), transaction.atomic():
        rnd = MonitoringRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != RoundStatus.DRAFT:
            raise RoundError(_("只有未开启的监控轮次可以开启。"))
        years = list(projects_in_scope(rnd).select_related("project__unit"))
        if not years:
            raise RoundError(_("本轮范围内没有可监控的项目（需为本区划本年度已入库或预算已批复的项目）。"))
        rnd.status = RoundStatus.OPEN
        rnd.opened_at = timezone.now()
        rnd.ruleset = resolve(rnd.region, rnd.year).label
        rnd.save()
        created = create_forms(rnd, years)
    return created


def create_forms(rnd, years):
    """Bulk-create the forms of `years` (ProjectYear objects) in `rnd`, prefilled; skips those that exist.
    In an open round each unit with new forms gets a to-do (unless it has one open already)."""
    have = set(MonitoringForm.objects.filter(round=rnd).values_list("project_year_id", flat=True))
    years = [py for py in years if py.pk not in have]
    ids = [py.pk for py in years]
    executed, goals = {}, {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        executed.update(executed_through(chunk, rnd.through_month))
        goals.update(approved_goals(chunk))
    forms = [MonitoringForm(round=rnd, project_year=py, goal=goals.get(py.pk), initial_budget=py.initial_budget,
                            full_budget=py.budget, executed=executed.get(py.pk) or Decimal(0), due_on=rnd.due_on)
             for py in years]
    MonitoringForm.objects.bulk_create(forms, batch_size=BATCH)
    by_goal = {f.goal_id: f for f in forms if f.goal_id}
    rows = []
    goal_ids = list(by_goal)
    for start in range(0, len(goal_ids), BATCH):
        for gi in GoalIndicator.objects.filter(goal_id__in=goal_ids[start:start + BATCH]).order_by(
                "goal_id", "position", "id"):
            rows.append(FormIndicator(form=by_goal[gi.goal_id], goal_indicator=gi, position=gi.position,
                                      level1=gi.level1, level2=gi.level2, name=gi.name, target=gi.printed[:100]))
    FormIndicator.objects.bulk_create(rows, batch_size=BATCH)
    if rnd.status == RoundStatus.OPEN:
        _open_unit_todos(rnd, years)
    return len(forms)


def _open_unit_todos(rnd, years):
    """One to-do per unit: fill the round's forms by the due date."""
    ct = ContentType.objects.get_for_model(MonitoringRound)
    have = set(TodoItem.objects.filter(content_type=ct, object_id=rnd.pk, role=Role.UNIT, closed_at__isnull=True)
               .values_list("organisation_id", flat=True))
    per_unit = defaultdict(int)
    units = {}
    for py in years:
        if py.project.unit_id in have:
            continue
        per_unit[py.project.unit_id] += 1
        units[py.project.unit_id] = py.project.unit
    url = reverse("monitoring:round_forms", args=[rnd.pk])
    TodoItem.objects.bulk_create([
        TodoItem(content_type=ct, object_id=rnd.pk, stage="monitoring", workflow="monitoring_round", state="open",
                 title=_("填报%(round)s绩效监控表（%(n)s个项目）") % {"round": rnd, "n": n}, role=Role.UNIT,
                 organisation=units[unit_id], url=url, due_date=rnd.due_on)
        for unit_id, n in per_unit.items()
    ], batch_size=BATCH)


def close_unit_todo_if_done(rnd, unit, user):
    """Close the unit's round to-do once none of its forms in the round is still to be filled."""
    if MonitoringForm.objects.filter(round=rnd, project_year__project__unit=unit, status__in=FORM_EDITABLE).exists():
        return
    ct = ContentType.objects.get_for_model(MonitoringRound)
    TodoItem.objects.filter(content_type=ct, object_id=rnd.pk, organisation=unit, role=Role.UNIT,
                            closed_at__isnull=True).update(closed_at=timezone.now(), closed_by=user,
                                                           closed_action="submit")


def close_round(rnd, user):
    with acting_as(user), transaction.atomic():
        rnd = MonitoringRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != RoundStatus.OPEN:
            raise RoundError(_("只有填报中的监控轮次可以结束。"))
        rnd.status = RoundStatus.CLOSED
        rnd.closed_at = timezone.now()
        rnd.save()
        # The units' to-dos end with the round: its own, and those of forms still to be filled or revised
        # (reviewers may still finish the forms submitted in time).
        now = timezone.now()
        ct = ContentType.objects.get_for_model(MonitoringRound)
        TodoItem.objects.filter(content_type=ct, object_id=rnd.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=user, closed_action="close")
        editable = MonitoringForm.objects.filter(round=rnd, status__in=FORM_EDITABLE).values("pk")
        TodoItem.objects.filter(content_type=ContentType.objects.get_for_model(MonitoringForm),
                                object_id__in=editable, closed_at__isnull=True).update(
            closed_at=now, closed_by=user, closed_action="close")
    return rnd


def refresh_execution(rnd, user):
    """Re-read execution to date into the round's forms still being filled (after a new import)."""
    if rnd.status != RoundStatus.OPEN:
        raise RoundError(_("只有填报中的监控轮次可以刷新执行数。"))
    forms = list(MonitoringForm.objects.filter(round=rnd, status__in=FORM_EDITABLE).only("id", "project_year_id",
                                                                                          "executed"))
    executed = executed_through([f.project_year_id for f in forms], rnd.through_month)
    changed = []
    for f in forms:
        value = executed.get(f.project_year_id) or Decimal(0)
        if value != f.executed:
            f.executed = value
            changed.append(f)
    with acting_as(user), transaction.atomic():
        MonitoringForm.objects.bulk_update(changed, ["executed"], batch_size=BATCH)
    return len(changed)

