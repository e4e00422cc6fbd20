"""Round pages: the list (and planning the year from the rule set), a round's overview and its actions,
its forms and its warnings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import Region

from . import services_rounds
from .choices import FORM_SUBMITTED, WarningLevel
from .filtersets import FormFilterSet, WarningFilterSet
from .models import MonitoringForm, MonitoringRound, MonitoringWarning
from .plan import time_progress
from .tables import FormTable, WarningTable


def _office_regions(user):
    """Regions where `user` is the 绩效科 (the only role that plans, opens, sweeps and closes rounds)."""
    if user.is_superuser:
        return list(Region.objects.all())
    return [g.effective_region for g in user.grants if g.role == Role.PERFORMANCE_OFFICE]


def can_run(user, rnd):
    return user.is_superuser or any(r.pk == rnd.region_id for r in _office_regions(user))


class RoundListView(LoginRequiredMixin, TemplateView):
    template_name = "monitoring/round_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rounds = list(MonitoringRound.objects.visible_to(user).select_related("region")
                      .annotate(form_count=Count("forms"),
                                submitted=Count("forms", filter=Q(forms__status__in=FORM_SUBMITTED)))
                      .order_by("-year", "region__path", "through_month"))
        year = timezone.localdate().year
        context.update(rounds=rounds, plan_regions=_office_regions(user)[:20],
                       years=[year + 1, year, year - 1, year - 2])
        return context


class RoundPlanView(LoginRequiredMixin, View):
    """POST: create the year's rounds the region's rule set plans."""

    def post(self, request):
        regions = {str(r.pk): r for r in _office_regions(request.user)}
        region = regions.get(request.POST.get("region", ""))
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = None
        if region is None or year is None:
            messages.error(request, _("请选择本人负责的区划和年度。"))
            return redirect("monitoring:rounds")
        try:
            created = services_rounds.plan_year(region, year, request.user)
        except services_rounds.RoundError as exc:
            messages.error(request, str(exc))
        else:
            if created:
                messages.success(request, _("已按规则集生成%(n)s个监控轮次。") % {"n": len(created)})
            else:
                messages.info(request, _("该年度的监控轮次均已生成。"))
        return redirect("monitoring:rounds")


class RoundDetailView(ScopedObjectMixin, DetailView):
    template_name = "monitoring/round_detail.html"
    model = MonitoringRound
    context_object_name = "round"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rnd, user = self.object, self.request.user
        forms = MonitoringForm.objects.visible_to(user).filter(round=rnd)
        today = timezone.localdate()
        stats = forms.aggregate(
            total=Count("id"), submitted=Count("id", filter=Q(status__in=FORM_SUBMITTED)),
            approved=Count("id", filter=Q(status="approved")),
            missing=Count("id", filter=Q(submitted_at__isnull=True, due_on__lt=today)),
            red=Count("id", filter=Q(level=WarningLevel.RED)), yellow=Count("id", filter=Q(level=WarningLevel.YELLOW)),
            budget=Sum("full_budget"), executed=Sum("executed"))
        stats["rate"] = (stats["executed"] / stats["budget"]) if stats["budget"] else None
        from .report import may_report

        context.update(stats=stats, can_run=can_run(user, rnd), sweep=rnd.sweeps.first(),
                       can_report=may_report(rnd, user), sweep_running=sweep_running(rnd),
                       time_progress=time_progress(rnd.through_month), **history_context(rnd))
        return context


class RoundActionView(LoginRequiredMixin, View):
    """POST open / close / sweep / refresh on a round (绩效科 of its region)."""

    def post(self, request, pk):
        rnd = MonitoringRound.objects.visible_to(request.user).filter(pk=pk).first()
        if rnd is None or not can_run(request.user, rnd):
            messages.error(request, _("只有本区划财政局绩效科可以管理监控轮次。"))
            return redirect("monitoring:rounds")
        action = request.POST.get("action")
        try:
            if action == "open":
                n = services_rounds.open_round(rnd, request.user)
                messages.success(request, _("已开启本轮监控，生成%(n)s张监控表并通知各预算单位填报。") % {"n": n})
                _sweep(rnd, request)
            elif action == "close":
                services_rounds.close_round(rnd, request.user)
                messages.success(request, _("本轮监控已结束。"))
            elif action == "refresh":
                n = services_rounds.refresh_execution(rnd, request.user)
                messages.success(request, _("已按最新执行数据更新%(n)s张监控表。") % {"n": n})
            elif action == "sweep":
                _sweep(rnd, request)
            else:
                messages.error(request, _("未知操作。"))
        except services_rounds.RoundError as exc:
            messages.error(request, str(exc))
        return redirect("monitoring:round", pk=rnd.pk)


# Above this many forms a sweep runs as a background job (a province-wide round takes tens of seconds).
SWEEP_INLINE_FORMS = 3000


def sweep_running(rnd):
    from perfbudget.core.models import Job

    from .sweep import JOB_KIND

    return Job.objects.filter(kind=JOB_KIND, params__round=rnd.pk,
                              status__in=(Job.Status.QUEUED, Job.Status.RUNNING)).exists()


def _sweep(rnd, request):
    from .sweep import run_sweep, start_sweep_job

    forms = rnd.forms.count()
    if forms > SWEEP_INLINE_FORMS:
        if not sweep_running(rnd):
            start_sweep_job(rnd, request.user)
        messages.info(request, _("本轮共%(n)s张监控表，预警扫描已转入后台进行，完成后刷新本页即可看到结果。")
                      % {"n": forms})
        return
    sweep = run_sweep(rnd, user=request.user)
    messages.success(request, _("预警扫描完成：%(n)s个项目，红色%(red)s个，黄色%(yellow)s个。")
                     % {"n": sweep.projects, "red": sweep.red, "yellow": sweep.yellow})


class RoundFormsView(ScopedListMixin, TemplateView):
    template_name = "monitoring/round_forms.html"
    model = MonitoringForm
    filterset_class = FormFilterSet
    table_class = FormTable

    def dispatch(self, request, *args, **kwargs):
        self.round = MonitoringRound.objects.visible_to(request.user).filter(pk=kwargs["pk"]).first()
        if request.user.is_authenticated and self.round is None:
            from django.http import Http404

            raise Http404(_("记录不存在或不在您的查看范围内。"))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return MonitoringForm.objects.visible_to(self.request.user).filter(round=self.round).with_related()

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        filterset = self.get_filterset()
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        headers = [_("项目编码"), _("项目名称"), _("预算单位"), _("主管部门"), _("年初预算数(元)"), _("全年预算数(元)"),
                   _("截至目前执行数(元)"), _("执行率"), _("全年预计执行数(元)"), _("预警等级"), _("状态"), _("逾期")]
        rows = []
        for f in qs:
            p = f.project_year.project
            rate = f.execution_rate
            rows.append([p.code, p.name, p.unit.name, p.department.name, f.initial_budget, f.full_budget, f.executed,
                         f"{rate * 100:.1f}%" if rate is not None else "", f.forecast_amount,
                         WarningLevel(f.level).label if f.level else "", f.get_status_display(),
                         _("是") if f.is_late else ""])
        return file_response(list_workbook(_("监控表"), headers, rows), f"{self.round}_监控表.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        return context


class RoundWarningsView(RoundFormsView):
    template_name = "monitoring/round_warnings.html"
    model = MonitoringWarning
    filterset_class = WarningFilterSet
    table_class = WarningTable

    def base_queryset(self):
        return (MonitoringWarning.objects.visible_to(self.request.user).filter(round=self.round)
                .select_related("project_year__project__unit"))

    def export(self):
        filterset = self.get_filterset()
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        headers = [_("预警等级"), _("预警类型"), _("项目编码"), _("项目名称"), _("预算单位"), _("预警说明")]
        rows = [[WarningLevel(w.level).label, w.get_code_display(), w.project_year.project.code,
                 w.project_year.project.name, w.project_year.project.unit.name, w.message] for w in qs]
        return file_response(list_workbook(_("预警"), headers, rows, widths=[10, 20, 16, 30, 24, 80]),
                             f"{self.round}_预警.xlsx")
