"""指标库 pages: search and filter, detail with versions and usage, add / revise / retire, the goal picker."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context

from . import frameworks, services
from .filtersets import IndicatorFilterSet
from .forms import IndicatorEntryForm
from .models import IndicatorCategory, IndicatorEntry
from .tables import IndicatorTable


def can_maintain(user):
    return user.is_superuser or user.has_role("performance_office")


class IndicatorListView(ScopedListMixin, TemplateView):
    template_name = "indicators/list.html"
    model = IndicatorEntry
    filterset_class = IndicatorFilterSet
    table_class = IndicatorTable

    def base_queryset(self):
        qs = IndicatorEntry.objects.visible_to(self.request.user).current().select_related("category", "owner_region")
        if not self.request.GET.get("status"):
            qs = qs.filter(status="active")
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_maintain"] = can_maintain(self.request.user)
        context["categories"] = IndicatorCategory.objects.filter(parent__isnull=True).prefetch_related("children")
        return context


class IndicatorDetailView(ScopedObjectMixin, DetailView):
    template_name = "indicators/detail.html"
    model = IndicatorEntry
    context_object_name = "entry"

    def get_queryset(self):
        return IndicatorEntry.objects.visible_to(self.request.user).select_related("category__parent", "owner_region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry, user = self.object, self.request.user
        context.update(history_context(entry))
        context.update(
            versions=IndicatorEntry.objects.visible_to(user).filter(code=entry.code).order_by("-version"),
            usage=services.usage_stats(entry),
            can_change=IndicatorEntry.objects.visible_to(user, CHANGE).filter(pk=entry.pk, is_current=True).exists(),
            tab=self.request.GET.get("tab", "info"),
        )
        return context


class IndicatorFormView(LoginRequiredMixin, View):
    """Add a regional entry (no pk) or revise one (pk): a revision writes a new version."""

    template_name = "indicators/form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.entry = None

    def _entry(self, request, pk):
        if pk is None:
            return None
        entry = IndicatorEntry.objects.visible_to(request.user, CHANGE).filter(pk=pk, is_current=True).first()
        if entry is None:
            raise PermissionDenied(_("上级或其他地区维护的指标只读；只能修订本地区指标的现行版本。"))
        return entry

    def get(self, request, pk=None):
        if not can_maintain(request.user):
            raise PermissionDenied(_("只有财政局绩效科可以维护指标库。"))
        entry = self._entry(request, pk)
        form = IndicatorEntryForm(instance=entry, revising=entry is not None)
        return render(request, self.template_name, {"form": form, "entry": entry})

    def post(self, request, pk=None):
        if not can_maintain(request.user):
            raise PermissionDenied(_("只有财政局绩效科可以维护指标库。"))
        entry = self._entry(request, pk)
        form = IndicatorEntryForm(request.POST, instance=entry, revising=entry is not None)
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in form.fields if f not in ("revision_note",)}
            try:
                if entry is None:
                    saved = services.create_entry(request.user, values)
                else:
                    values.pop("code", None)
                    saved = services.revise_entry(entry, request.user, values, form.cleaned_data["revision_note"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("指标已保存（第%(v)s版）。") % {"v": saved.version})
                return redirect("indicators:detail", pk=saved.pk)
        return render(request, self.template_name, {"form": form, "entry": entry}, status=400)


class IndicatorStatusView(LoginRequiredMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(IndicatorEntry.objects.visible_to(request.user), pk=pk)
        status = request.POST.get("status", "retired")
        try:
            services.set_status(entry, request.user, status, request.POST.get("note", ""))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            messages.success(request, _("指标已停用。") if status == "retired" else _("指标已恢复在用。"))
        return redirect("indicators:detail", pk=pk)


def pick_values(entry, layout_name):
    """What a picked entry puts into a new goal row, placed in the region's layout."""
    from perfbudget.goals.rows import row_from_printed

    level1, level2 = frameworks.place(entry.level1, entry.level2, layout_name)
    row = {"comparator": entry.direction, "target": "", "unit": entry.unit}
    if entry.suggested_target:
        row = row_from_printed(entry.suggested_target, unit=entry.unit)
        row["comparator"] = row["comparator"] if entry.direction != "qual" else "qual"
    return {"level1": level1, "level2": level2, "comparator": row["comparator"], "target": row.get("target", ""),
            "unit": "" if entry.unit == "日期" else row.get("unit", entry.unit), "basis": entry.basis}


def with_pick_values(entries, layout_name):
    for e in entries:
        e.pick = pick_values(e, layout_name)
    return entries


class IndicatorPickView(LoginRequiredMixin, TemplateView):
    """htmx: library suggestions for the goal grid, ranked for the project (?py=) and narrowed by ?library_q=."""

    template_name = "indicators/_pick.html"

    def get_context_data(self, **kwargs):
        from perfbudget.goals.services import layout_for
        from perfbudget.projects.models import ProjectYear

        context = super().get_context_data(**kwargs)
        py = ProjectYear.objects.visible_to(self.request.user).filter(pk=self.request.GET.get("py") or 0).first()
        q = self.request.GET.get("library_q", "")
        if py is None:
            entries = list(services.search(IndicatorEntry.objects.visible_to(self.request.user).active(), q)[:20])
            layout_name = "10号"
        else:
            entries = services.suggest(py, self.request.user, q=q, limit=20)
            layout_name = layout_for(py)
        context["entries"] = with_pick_values(entries, layout_name)
        return context
