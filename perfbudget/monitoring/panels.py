"""The monitoring panel on a project's page: execution by month, this year's forms, actions, negative list."""

from .models import ExecutionYear, MonitoringAction, MonitoringForm
from .services_actions import listings_for


def monitoring_panel(py, user):
    row = ExecutionYear.objects.filter(project_year=py).first()
    months = {m: v for m, v in enumerate(row.months(), start=1) if v is not None} if row else {}
    forms = list(MonitoringForm.objects.visible_to(user).filter(project_year=py).select_related("round")
                 .order_by("round__through_month"))
    actions = list(MonitoringAction.objects.visible_to(user).filter(project_year=py))
    listings = listings_for(project=py.project)
    if not (months or forms or actions or listings):
        return None
    paid, cumulative = 0, []
    for m in range(1, 13):
        paid += months.get(m, 0)
        cumulative.append({"month": m, "paid": months.get(m), "cumulative": paid,
                           "rate": paid / py.budget if py.budget else None})
    return {"months": cumulative if months else [], "total": paid, "forms": forms, "actions": actions,
            "listings": listings}
