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


HEADERS = {"department": "主管部门", "region": "区划"}
LABELS = (("projects", "项目数"), ("budget", "预算(万元)"), ("declared", "已申报"), ("reviewed", "已审核"),
          ("in_review", "审核中"), ("returned", "已退回"), ("approved", "已批复"), ("cut_count", "核减项数"),
          ("cut_amount", "核减金额(万元)"))


def summary_workbook(rows, total, year, by):
    """The summary table as .xlsx bytes (amounts in 万元, exact to two decimals)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年目标审核汇总"
    ws.append([HEADERS[by], *(label for _key, label in LABELS)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    money = {"budget", "cut_amount"}
    for r in [*rows, {"name": "合计", **total}]:
        ws.append([r["name"], *((r[k] / 10000).quantize(Decimal("0.01")) if k in money else r[k]
                                for k, _label in LABELS)])
    for row in ws.iter_rows(min_row=2):
        for cell, (key, _label) in zip(row[1:], LABELS, strict=True):
            if key in money:
                cell.number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 28
    ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["summarise", "returned_ever", "summary_workbook", "BudgetCut"]
