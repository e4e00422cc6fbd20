"""Shared views: the inbox (待办), object history, and generic list/detail mixins for every app."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from . import history
from .http import file_response
from .models import TodoItem
from .stages import ORDER, stage_label


class ScopedListMixin(LoginRequiredMixin):
    """A list built from `model.objects.visible_to(user)`, filtered by one FilterSet, shown as a sortable table."""

    model = None
    filterset_class = None
    table_class = None
    paginate_by = 50

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_filterset(self):
        qs = self.base_queryset()
        return self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        table = self.table_class(qs)  # configured below, once, with the clamped page size
        per_page = self.request.GET.get("per_page", self.paginate_by)
        try:
            per_page = max(10, min(int(per_page), 500))
        except (TypeError, ValueError):
            per_page = self.paginate_by
        table.per_page_field = "per_page_clamped"  # tables2 would read ?per_page unchecked; we pass the clamped one
        RequestConfig(self.request, paginate={"per_page": per_page}).configure(table)
        context.update(filter=filterset, table=table, querystring=self.request.GET.urlencode())
        return context


class ScopedObjectMixin(LoginRequiredMixin):
    """Fetch the object through the scope; anything outside it is a 404, never a leak."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        obj = (queryset if queryset is not None else self.get_queryset()).filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        return obj


class InboxView(LoginRequiredMixin, TemplateView):
    """我的待办: the home page after login, with counts per stage and deadlines."""

    template_name = "core/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mine = TodoItem.objects.for_user(self.request.user)
        open_items = mine.open()
        today = timezone.localdate()
        stage = self.request.GET.get("stage", "")
        q = self.request.GET.get("q", "").strip()
        listed = open_items.filter(stage=stage) if stage else open_items
        for term in q.split():
            listed = listed.filter(title__icontains=term)
        page = Paginator(listed.select_related("region", "organisation"), 30).get_page(self.request.GET.get("page"))
        overdue = Count("id", filter=Q(due_date__lt=today))
        counts = sorted(open_items.values("stage").annotate(total=Count("id"), overdue=overdue).order_by(),
                        key=lambda c: ORDER.get(c["stage"], len(ORDER)))
        for c in counts:
            c["label"] = stage_label(c["stage"])
        done = mine.filter(closed_at__isnull=False).select_related("closed_by").order_by("-closed_at")[:10]
        context.update(page=page, counts=counts, stage=stage, q=q, today=today, done=done,
                       total_open=open_items.count())
        return context


class ObjectHistoryView(LoginRequiredMixin, TemplateView):
    """历史记录 of any scoped, change-logged object; `?export=xlsx` downloads it."""

    template_name = "core/history.html"

    def get_object(self):
        from auditlog.registry import auditlog

        ct = ContentType.objects.filter(app_label=self.kwargs["app_label"], model=self.kwargs["model"]).first()
        model = ct.model_class() if ct else None
        if model is None or not auditlog.contains(model) or not hasattr(model.objects, "visible_to"):
            raise Http404(_("该类记录没有历史记录。"))
        obj = model.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        return obj

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        if request.GET.get("export") == "xlsx":
            title = str(obj)
            return file_response(history.export_xlsx(title, history.change_entries(obj)),
                                 _("历史记录") + f"_{title}.xlsx")
        return self.render_to_response(self.get_context_data(object=obj, **history_context(obj)))


def history_url(obj):
    return reverse("core:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def history_context(*objects, limit=200):
    """Template context of the change-log partial (core/_history.html) for one or more objects."""
    entries = history.change_entries(*objects)[:limit]
    return {
        "change_entries": [{"entry": e, "action": history.ACTION_LABELS.get(e.action, e.action),
                            "rows": history.describe(e)} for e in entries],
        "history_export_url": history_url(objects[0]) + "?export=xlsx",
    }
