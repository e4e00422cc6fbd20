"""Organisation and region pages (scoped)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.views.generic import TemplateView

from .access import can_manage
from .choices import OrgKind
from .models import Organisation, Region


class OrganisationListView(LoginRequiredMixin, TemplateView):
    template_name = "orgs/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        orgs = Organisation.objects.visible_to(user).select_related("region", "parent", "funding_section")
        q = self.request.GET.get("q", "").strip()
        kind = self.request.GET.get("kind", "")
        if q:
            orgs = orgs.filter(Q(name__icontains=q) | Q(code__icontains=q))
        if kind in OrgKind.values:
            orgs = orgs.filter(kind=kind)
        orgs = orgs.annotate(project_count=Count("projects"))
        context.update(page=Paginator(orgs.order_by("region__path", "path"), 50).get_page(self.request.GET.get("page")),
                       regions=Region.objects.visible_to(user), q=q, kind=kind, kinds=OrgKind.choices,
                       can_manage=can_manage(user))
        return context
