"""Actions on warned projects, the negative list and the key-evaluation candidates."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context
from perfbudget.orgs.models import Organisation
from perfbudget.projects.models import Project, ProjectYear

from . import services_actions as svc
from .filtersets import ActionFilterSet, NegativeListFilterSet
from .forms import ActionForm, ListingForm
from .models import MonitoringAction, MonitoringRound, MonitoringWarning, NegativeListEntry
from .tables import ActionTable, NegativeListTable


class ActionCreateView(LoginRequiredMixin, TemplateView):
    """处置: choose urge / adjust / suspend / reduce / stop for one project year (optionally within a round)."""

    template_name = "monitoring/action_form.html"

    def setup_objects(self):
        user = self.request.user
        if not (user.is_superuser or user.has_role(*svc.ACTING_ROLES)):
            raise PermissionDenied(_("只有财政局绩效科、预算科和业务科室可以采取处置措施。"))
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        self.project_year = (ProjectYear.objects.visible_to(user, CHANGE, roles=svc.ACTING_ROLES).with_related()
                             .filter(pk=source.get("project_year") or 0).first())
        if self.project_year is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        self.round = MonitoringRound.objects.visible_to(user).filter(pk=source.get("round") or 0).first()

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        initial = {"kind": request.GET.get("kind", "urge")}
        return self.render_to_response(self.get_context_data(form=ActionForm(initial=initial)))

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        form = ActionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            codes = list(MonitoringWarning.objects.filter(round=self.round, project_year=self.project_year)
                         .values_list("code", flat=True)) if self.round else []
            try:
                action = svc.take_action(self.project_year, request.user, d["kind"], d["reason"], rnd=self.round,
                                         amount=d["amount"], deadline=d["deadline"], new_budget=d["new_budget"],
                                         warning_codes=codes, negative_list=d["negative_list"])
            except svc.ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已记录处置：%(a)s。") % {"a": action.get_kind_display()})
                return redirect("monitoring:action", pk=action.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        py = self.project_year
        paid = svc.executed_to_date(py)
        warnings = (MonitoringWarning.objects.filter(round=self.round, project_year=py) if self.round else [])
        context.update(project_year=py, round=self.round, paid=paid, remaining=py.budget - paid, warnings=warnings,
                       listings=svc.listings_for(project=py.project))
        return context


class ActionDetailView(ScopedObjectMixin, DetailView):
    template_name = "monitoring/action_detail.html"
    model = MonitoringAction
    context_object_name = "action"

    def get_queryset(self):
        return MonitoringAction.objects.visible_to(self.request.user).select_related(
            "project_year__project__unit", "round", "created_by", "goal")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action, user = self.object, self.request.user
        can_respond = (action.closed_at is None and action.kind in ("urge", "adjust") and (
            user.is_superuser or user.has_role("unit")) and MonitoringAction.objects.visible_to(
            user, CHANGE, roles=("unit",)).filter(pk=action.pk).exists())
        context.update(can_respond=can_respond, **history_context(action))
        return context

    def post(self, request, pk):
        action = self.get_object()
        try:
            svc.respond(action, request.user, request.POST.get("response", ""))
        except (svc.ActionError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已提交整改反馈。"))
        return redirect("monitoring:action", pk=pk)


class ActionListView(ScopedListMixin, TemplateView):
    template_name = "monitoring/action_list.html"
    model = MonitoringAction
    filterset_class = ActionFilterSet
    table_class = ActionTable

    def base_queryset(self):
        return MonitoringAction.objects.visible_to(self.request.user).select_related(
            "project_year__project__department", "round")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        context["totals"] = svc.reduction_totals(qs.order_by())
        return context


class NegativeListView(ScopedListMixin, TemplateView):
    template_name = "monitoring/negative_list.html"
    model = NegativeListEntry
    filterset_class = NegativeListFilterSet
    table_class = NegativeListTable

    def base_queryset(self):
        return NegativeListEntry.objects.visible_to(self.request.user).select_related("project", "unit")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset()
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
            headers = [_("对象类型"), _("项目编码"), _("项目名称"), _("单位"), _("列入理由"), _("来源"), _("列入日期"),
                       _("到期日期"), _("状态")]
            rows = [[e.get_subject_display(), e.project.code if e.project_id else "",
                     e.project.name if e.project_id else "", e.unit.name, e.reason, e.get_source_display(),
                     e.listed_on, e.expires_on, _("有效") if e.is_active else _("已失效")] for e in qs]
            return file_response(list_workbook(_("负面清单"), headers, rows), "负面清单.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.is_superuser or user.has_role(*svc.ACTING_ROLES)
        context["add_form"] = ListingForm()
        return context


class ListingAddView(LoginRequiredMixin, View):
    def post(self, request):
        user = request.user
        if not (user.is_superuser or user.has_role(*svc.ACTING_ROLES)):
            raise PermissionDenied(_("只有财政局绩效科、预算科和业务科室可以调整负面清单。"))
        form = ListingForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
            return redirect("monitoring:negative_list")
        d = form.cleaned_data
        project = unit = None
        if d["project_code"]:
            project = Project.objects.visible_to(user, CHANGE).filter(code=d["project_code"].strip()).first()
            if project is None:
                messages.error(request, _("项目编码「%(c)s」不存在或不在您的管辖范围内。") % {"c": d["project_code"]})
                return redirect("monitoring:negative_list")
            unit = project.unit
        if d["unit_code"]:
            unit = Organisation.objects.visible_to(user).filter(code=d["unit_code"].strip(), kind="unit").first()
            if unit is None:
                messages.error(request, _("单位编码「%(c)s」不存在或不在您的管辖范围内。") % {"c": d["unit_code"]})
                return redirect("monitoring:negative_list")
        if unit is None:
            messages.error(request, _("请填写项目编码或单位编码。"))
            return redirect("monitoring:negative_list")
        try:
            svc.add_listing(user, d["subject"], unit, d["reason"], d["source"], project=project,
                            source_detail=d["source_detail"], expires_on=d["expires_on"])
        except svc.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已列入负面清单。"))
        return redirect("monitoring:negative_list")


class ListingLiftView(LoginRequiredMixin, View):
    def post(self, request, pk):
        entry = NegativeListEntry.objects.visible_to(request.user).filter(pk=pk).first()
        if entry is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        try:
            svc.lift_listing(entry, request.user, request.POST.get("reason", ""))
        except (svc.ActionError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已移出负面清单。"))
        return redirect("monitoring:negative_list")
