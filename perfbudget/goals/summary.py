"""The goal summary: goals declared, in review, returned, approved and the amounts cut, by department and region."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .choices import IN_REVIEW, GoalStatus
from .models import BudgetCut, Goal

COLUMNS = ("projects", "declared", "reviewed", "in_review", "returned", "approved", "cut_count", "cut_amount",
           "budget")
REVIEW_ACTIONS = ("dept_approve", "dept_return", "section_approve", "section_return", "office_approve",
                  "office_return")


def _reviewed():
    """Goals that went through at least one review step (approved or returned by someone)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef

    from perfbudget.core.models import WorkflowRecord

    ct = ContentType.objects.get_for_model(Goal)
    return Exists(WorkflowRecord.objects.filter(content_type=ct, object_id=OuterRef("pk"),
                                                action__in=REVIEW_ACTIONS))


def summarise(project_years, goals, cuts, by="department"):
    """Rows {key, name, counts…} over already-scoped querysets, grouped by department or region."""
    key = {"department": ("project__department__code", "project__department__name"),
           "region": ("project__region__code", "project__region__name")}[by]
    gkey = tuple(f"project_year__{k}" for k in key)
    rows = defaultdict(lambda: dict.fromkeys(COLUMNS, 0) | {"cut_amount": Decimal(0), "budget": Decimal(0)})
    for code, name, n, budget in project_years.values_list(*key).annotate(n=Count("id"), b=Sum("initial_budget")) \
            .values_list(*key, "n", "b"):
        rows[(code, name)].update(projects=n, budget=budget or Decimal(0))
    stats = goals.exclude(status=GoalStatus.SUPERSEDED).annotate(was_reviewed=_reviewed()).values_list(*gkey).annotate(
        declared=Count("project_year", filter=~Q(status=GoalStatus.DRAFT), distinct=True),
        reviewed=Count("id", filter=Q(was_reviewed=True)),
        in_review=Count("id", filter=Q(status__in=IN_REVIEW)),
        returned=Count("id", filter=Q(status=GoalStatus.RETURNED)),
        approved=Count("id", filter=Q(status=GoalStatus.APPROVED)),
    ).values_list(*gkey, "declared", "reviewed", "in_review", "returned", "approved")
    for code, name, declared, reviewed, in_review, returned, approved in stats:
        rows[(code, name)].update(declared=declared, reviewed=reviewed, in_review=in_review, returned=returned,
                                  approved=approved)
    for code, name, n, amount in cuts.values_list(*gkey).annotate(n=Count("id"), a=Sum("amount")) \
            .values_list(*gkey, "n", "a"):
        rows[(code, name)].update(cut_count=n, cut_amount=amount or Decimal(0))
    result = [{"code": code, "name": name, **values} for (code, name), values in sorted(rows.items())]
    total = {c: sum(r[c] for r in result) for c in COLUMNS}
    return result, total


def returned_ever(goals):
    """How many goals were returned at least once (a returned goal may since have been approved)."""
    from django.contrib.contenttypes.models import ContentType

    from perfbudget.core.models import WorkflowRecord

    ct = ContentType.objects.get_for_model(Goal)
    ids = goals.values("pk")
    return WorkflowRecord.objects.filter(content_type=ct, object_id__in=ids, to_state=GoalStatus.RETURNED) \
        .values("object_id").distinct().count()


__all__ = ["summarise", "returned_ever", "BudgetCut"]
