"""The monitoring form page: the unit fills it, reviewers approve or return it, the bureau sees its warnings
and acts on them."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from perfbudget.core.scopes import get_in_scope
from perfbudget.core.views import ScopedObjectMixin, history_context
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history
from perfbudget.core.workflow import transition as run_transition

from . import services_forms
from .choices import FORM_EDITABLE, DeviationCause, Likelihood, RoundStatus
from .models import MonitoringAction, MonitoringForm, MonitoringWarning
from .plan import time_progress
from .services_actions import ACTING_ROLES, listings_for
from .workflow import FORM_WORKFLOW, REVIEW_ACTIONS


class FormDetailView(ScopedObjectMixin, DetailView):
    template_name = "monitoring/form_detail.html"
    model = MonitoringForm
    context_object_name = "form"

    def get_queryset(self):
        return MonitoringForm.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, user = self.object, self.request.user
        records = list(workflow_history(form))
        for r in records:
            r.from_label = FORM_WORKFLOW.label_of(r.from_state)
            r.to_label = FORM_WORKFLOW.label_of(r.to_state)
        transitions = FORM_WORKFLOW.available(form, user)
        editable = (form.status in FORM_EDITABLE and form.round.status == RoundStatus.OPEN
                    and any(t.action == "submit" for t in transitions))
        review_actions = REVIEW_ACTIONS.get(form.status, ())
        project = form.project_year.project
        warnings = list(MonitoringWarning.objects.filter(round=form.round, project_year=form.project_year)
                        .order_by("level", "code"))
        context.update(
            indicators=list(form.indicators.all()), editable=editable, records=records,
            problems=services_forms.submission_problems(form) if editable else [],
            can_review=any(t.action in review_actions for t in transitions),
            can_withdraw=any(t.action == "withdraw" for t in transitions),
            likelihoods=Likelihood.choices, causes=DeviationCause.choices, warnings=warnings,
            actions=list(MonitoringAction.objects.visible_to(user).filter(project_year=form.project_year)
                         .select_related("created_by")),
            can_act=user.is_superuser or user.has_role(*ACTING_ROLES),
            listings=listings_for(project=project), time_progress=time_progress(form.round.through_month),
            last_return=next((r for r in reversed(records) if r.to_state == "returned"), None),
            **history_context(form))
        return context


def _rows_from_post(post):
    """{indicator id: {field: value}} from inputs named `ind-<id>-<field>`."""
    rows = {}
    for key, value in post.items():
        if not key.startswith("ind-"):
            continue
        _prefix, pk, field = key.split("-", 2)
        if field in services_forms.ROW_FIELDS:
            rows.setdefault(pk, {})[field] = value
    return rows


class FormSaveView(LoginRequiredMixin, View):
    """POST: save the unit's entries; with `submit`, submit them for review in the same request."""

    def post(self, request, pk):
        form = get_in_scope(MonitoringForm, request.user, pk)
        data = {k: request.POST.get(k, "") for k in services_forms.HEADER_FIELDS if k in request.POST}
        try:
            services_forms.save_form(form, request.user, data, _rows_from_post(request.POST),
                                     expected_version=request.POST.get("row_version") or None)
        except services_forms.FormError as exc:
            messages.error(request, str(exc))
            for row, field, reason in exc.errors:
                where = _("第%(n)s项指标") % {"n": row} if row else ""
                messages.error(request, f"{where}「{field}」：{reason}")
            return redirect("monitoring:form", pk=pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("monitoring:form", pk=pk)
        if "submit" in request.POST:
            form.refresh_from_db()
            try:
                services_forms.submit(form, request.user, comment=request.POST.get("comment", ""))
            except WorkflowError as exc:
                messages.warning(request, _("已保存，但未能提交：%(e)s") % {"e": exc})
                return redirect("monitoring:form", pk=pk)
            messages.success(request, _("监控表已提交审核。"))
        else:
            messages.success(request, _("已保存。"))
        return redirect("monitoring:form", pk=pk)


class FormTransitionView(LoginRequiredMixin, View):
    """POST: approve / return (decision) or withdraw (action) a form."""

    def post(self, request, pk):
        form = MonitoringForm.objects.visible_to(request.user).filter(pk=pk).first()
        if form is None:
            raise PermissionDenied(_("无权操作该监控表。"))
        comment = request.POST.get("comment", "")
        version = request.POST.get("row_version") or None
        try:
            if request.POST.get("action") == "withdraw":
                run_transition(form, FORM_WORKFLOW, "withdraw", request.user, comment, expected_version=version)
                messages.success(request, _("已撤回。"))
            else:
                decision = request.POST.get("decision", "")
                services_forms.review(form, request.user, decision, comment, expected_version=version)
                messages.success(request, _("已审核通过。") if decision == "approve" else _("已退回单位修改。"))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("monitoring:form", pk=pk)
