"""The base of every API view set: querysets only through the scope, writes re-checked, the change log's actor.

A view set names its `model`; `get_queryset()` is `model.objects.visible_to(user, action)` where the action is
"view" for reads and "change" for writes (or what `scope_actions` says for a custom action), refined by
`refine_queryset()` (select_related and the like). Writes run in one transaction and are re-checked through the
scope before it commits, so a write that would leave the user's scope is rolled back (DESIGN.md, Scopes).
"""

import contextlib

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS

from perfbudget.core.audit import acting_as
from perfbudget.core.scopes import CHANGE, VIEW, assert_in_scope

from .pagination import StandardPagination


class AliasOrderingFilter(OrderingFilter):
    """`?ordering=code,-year`: the view's `ordering_fields` maps public names to ORM lookups.

    The primary key is appended so that pages never overlap or skip rows when the sort key has ties.
    """

    ordering_description = _("排序字段，逗号分隔，前加“-”表示降序。")

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        lookups = dict(getattr(view, "ordering_fields", None) or {})
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            lookup = lookups.get(name, name)
            terms.append(f"-{lookup}" if term.startswith("-") else lookup)
        return queryset.order_by(*terms, "pk")

    def get_schema_operation_parameters(self, view):
        names = list(getattr(view, "ordering_fields", None) or {})
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": str(self.ordering_description),
            "schema": {"type": "array", "items": {"type": "string", "enum": [
                v for name in names for v in (name, f"-{name}")]}},
            "explode": False,
            "style": "form",
        }]


class ScopedViewSetMixin:
    """Put first in the bases of every API view set (before a DRF `GenericViewSet` subclass)."""

    model = None
    # Scope action per view-set action when the HTTP method does not say it (e.g. a POST that only needs "view").
    scope_actions: dict[str, str] = {}
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, AliasOrderingFilter]
    ordering_fields: dict[str, str] = {}
    workflow = None  # the core Workflow of the model, for `require_step`

    def get_scope_action(self):
        if self.action in self.scope_actions:
            return self.scope_actions[self.action]
        return VIEW if self.request.method in SAFE_METHODS else CHANGE

    def get_queryset(self):
        qs = self.model.objects.visible_to(self.request.user, self.get_scope_action())
        return self.refine_queryset(qs)

    def refine_queryset(self, queryset):
        """Hook for select_related/prefetch_related/annotate; never widen the scope here."""
        return queryset

    def require_step(self, obj, action_name):
        """403 when `obj`'s state allows the step of `self.workflow` but not for this user (role or level); a step
        the state does not allow is left to the service, which answers it with its own message (409)."""
        state = getattr(obj, self.workflow.state_field)
        step = next((t for t in self.workflow.find(action_name) if state in t.sources), None)
        if step is not None and step not in self.workflow.available(obj, self.request.user):
            raise PermissionDenied(_("您没有执行「%(action)s」的权限。") % {"action": step.label})


    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            # Seen but not writable: say so (403) instead of pretending the row does not exist.
            if self.get_scope_action() != VIEW:
                lookup = self.lookup_url_kwarg or self.lookup_field
                visible = self.model.objects.visible_to(self.request.user, VIEW)
                if visible.filter(**{self.lookup_field: self.kwargs[lookup]}).exists():
                    raise PermissionDenied(_("您只能查看该记录，无权修改。"))
            # The same answer whether the row is missing or out of scope, and no model name in English.
            raise NotFound(_("记录不存在或不在您的查看范围内。"))

    def dispatch(self, request, *args, **kwargs):
        with contextlib.ExitStack() as stack:
            self._request_stack = stack
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            self._request_stack.enter_context(acting_as(request.user, remote_addr=request.META.get("REMOTE_ADDR")))

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            assert_in_scope(instance, self.request.user, CHANGE)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            assert_in_scope(instance, self.request.user, CHANGE)


def rows_by_id(items, fields):
    """The rows of a PATCH body keyed by their id, each with only the writable `fields` (later entries win)."""
    rows = {}
    for row in items:
        rows.setdefault(row["id"], {}).update({k: v for k, v in row.items() if k in fields})
    return rows
