"""Pages of 重点评价: list (filter, search, export), create, annual plan, detail, scoring and the office's steps."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, history_context
from perfbudget.core.workflow import history as workflow_history
from perfbudget.pools.models import Draw
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from . import frameworks, services, spread
from .choices import SCORABLE, PlanSource, Status
from .filtersets import KeyEvaluationFilterSet
from .forms import FindingForm, PlanForm, RateForm, RecommendationForm, ReportForm
from .models import KeyEvaluation, KeyFinding, Recommendation
from .tables import KeyEvaluationTable
from .workflow import KEY_EVALUATION_WORKFLOW as WORKFLOW
from .workflow import PAGE_ACTIONS


def is_office(user):
    """True when `user` holds a 绩效科 grant (or is the superuser)."""
    return user.is_superuser or user.has_role(*services.OFFICE)


def office_may(user, evaluation):
    """True when `user` is the 绩效科 that may run `evaluation`."""
    return KeyEvaluation.objects.visible_to(user, CHANGE, roles=services.OFFICE).filter(pk=evaluation.pk).exists()


def get_visible(user, pk, queryset=None):
    """The key evaluation `pk` through the user's scope, or 404."""
    obj = (queryset or KeyEvaluation.objects.visible_to(user)).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return obj


EXPORT_HEADERS = (gettext_lazy("评价名称"), gettext_lazy("年度"), gettext_lazy("区划"), gettext_lazy("评价对象"),
                  gettext_lazy("评价时点"), gettext_lazy("被评价单位"), gettext_lazy("项目编码"),
                  gettext_lazy("涉及金额(元)"), gettext_lazy("委托单位"), gettext_lazy("第三方机构"),
                  gettext_lazy("专家"), gettext_lazy("状态"), gettext_lazy("总分"), gettext_lazy("评价等级"))


class KeyEvaluationListView(ScopedListMixin, TemplateView):
    """重点评价 list: scoped, filtered by year, kind, timing, status and grade, searchable, exportable."""

    template_name = "keyevals/list.html"
    model = KeyEvaluation
    filterset_class = KeyEvaluationFilterSet
    table_class = KeyEvaluationTable

    def base_queryset(self):
        return KeyEvaluation.objects.visible_to(self.request.user).select_related("region").prefetch_related(
            "subjects")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        filterset = self.get_filterset()
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        qs = qs.select_related("commissioning_org__parent").prefetch_related("project_years__project",
                                                                              "evaluators")
        rows = []
        for ev in qs.order_by("-year", "region__path", "title"):
            evaluators = list(ev.evaluators.all())
            rows.append([
                ev.title, ev.year, ev.region.name, ev.get_object_kind_display(), ev.get_timing_display(),
                "、".join(o.name for o in ev.subjects.all()),
                "、".join(py.project.code for py in ev.project_years.all()), ev.amount,
                services.organisation_label(ev.commissioning_org),
                "、".join(e.name for e in evaluators if e.kind == "agency"),
                "、".join(e.name for e in evaluators if e.kind == "expert"),
                ev.get_status_display(), ev.total, ev.grade])
        return file_response(list_workbook(_("重点评价"), [str(h) for h in EXPORT_HEADERS], rows), "重点评价.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_plan"] = is_office(self.request.user)
        return context


class KeyEvaluationCreateView(LoginRequiredMixin, TemplateView):
    """新建重点评价 (绩效科)."""

    template_name = "keyevals/create.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied(_("只有财政局绩效科可以新建重点评价。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=PlanForm(user=request.user)))

    def post(self, request, *args, **kwargs):
        form = PlanForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            codes = form.project_codes_list()
            years = list(ProjectYear.objects.visible_to(request.user).filter(project__code__in=codes, year=d["year"]))
            missing = sorted(set(codes) - {py.project.code for py in years})
            if missing:
                form.add_error("project_codes", _("以下项目编码在%(y)s年不存在或不在您的查看范围内：%(c)s。")
                               % {"y": d["year"], "c": "、".join(missing)})
            else:
                try:
                    ev = services.plan(request.user, d["region"], d["year"], d["title"], d["object_kind"],
                                       list(d["subjects"]), d["framework"], timing=d["timing"],
                                       amount=d["amount"] or 0, project_years=years,
                                       commissioning_org=d["commissioning_org"])
                except (services.KeyEvalError, PermissionDenied) as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("已列入重点评价计划。"))
                    return redirect("keyevals:detail", pk=ev.pk)
        return self.render_to_response(self.get_context_data(form=form))


def score_grid(evaluation, columns, with_means):
    """Rows of the framework table: each leaf with the given columns' scores, spread flags and the mean."""
    table = services.score_table(evaluation)
    shown = {c.pk for c in columns}
    flagged = set()
    if with_means:
        weights = frameworks.weights(evaluation.items)
        flagged = {(f.evaluator, f.item_code)
                   for f in spread.flags(table, weights, services.spread_share(evaluation))}
    details = {(s.evaluator_id, s.item_code): s for s in evaluation.scores.filter(evaluator_id__in=shown)}
    means = spread.item_means(table, [leaf.code for leaf in evaluation.leaves]) if with_means else {}
    rows = []
    for leaf in evaluation.leaves:
        cells = []
        for c in columns:
            s = details.get((c.pk, leaf.code))
            cells.append({"score": s.score if s else None, "evidence": s.evidence if s else "",
                          "reason": s.reason if s else "", "flagged": (c.pk, leaf.code) in flagged})
        rows.append({"leaf": leaf, "cells": cells, "mean": means.get(leaf.code)})
    total = spread.total_of(means) if means else None
    return rows, total


def _labelled(org):
    org.label = services.organisation_label(org)
    return org


class KeyEvaluationDetailView(LoginRequiredMixin, TemplateView):
    """The evaluation: framework table with every visible evaluator's scores side by side, the spread, the mean,
    total and grade; findings, recommendations, draw records, report sections and the office's steps."""

    template_name = "keyevals/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        qs = KeyEvaluation.objects.visible_to(user).select_related(
            "region", "commissioning_org__parent", "framework", "agency_draw", "expert_draw", "planned_by")
        ev = get_visible(user, self.kwargs["pk"], qs)
        columns = services.visible_columns(user, ev)
        sees_all = len(columns) == ev.evaluators.count()
        rows, provisional = score_grid(ev, columns, with_means=sees_all and ev.evaluators.exists())
        office = office_may(user, ev)
        records = list(workflow_history(ev))
        for r in records:
            r.from_label, r.to_label = WORKFLOW.label_of(r.from_state), WORKFLOW.label_of(r.to_state)
        # An evaluator's own columns: a scoring button while open, else when it was submitted.
        mine = services.columns_for(user, ev)
        # Draw records follow the pools' scope (agencies and experts see none): no link to a page that is 404.
        draws = [d for d in (ev.agency_draw, ev.expert_draw) if d is not None]
        readable = set(Draw.objects.visible_to(user).filter(pk__in=[d.pk for d in draws]).values_list("pk",
                                                                                                      flat=True))
        context.update(
            evaluation=ev, columns=columns, rows=rows, provisional_total=provisional, sees_all=sees_all,
            subjects=[_labelled(o) for o in ev.subjects.select_related("parent")],
            project_years=list(ev.project_years.select_related("project")),
            findings=list(ev.findings.all()), recommendations=list(ev.recommendations.all()),
            draws=[d for d in draws if d.pk in readable], scorable=ev.status in SCORABLE,
            commissioning_label=services.organisation_label(ev.commissioning_org),
            office=office, can_assign=office and ev.status == Status.PLANNED,
            in_review=office and ev.status == Status.REVIEW,
            can_edit_report=office and ev.status in (Status.PLANNED, Status.ASSIGNED, Status.SCORING, Status.REVIEW),
            can_rate=office and ev.status in (Status.FINISHED, Status.PUBLISHED),
            actions=[t for t in WORKFLOW.available(ev, user) if t.action in PAGE_ACTIONS],
            my_columns=mine, finding_form=FindingForm(), recommendation_form=RecommendationForm(),
            report_form=ReportForm(instance=ev), rate_form=RateForm(), workflow_records=records,
            share=services.spread_share(ev), **history_context(ev))
        return context


class _EvaluationPost(LoginRequiredMixin, View):
    """A POST on one evaluation: run `act`, show its refusal or success as a message, go back to the page."""

    success = ""

    def act(self, request, evaluation):
        raise NotImplementedError

    def post(self, request, pk, **kwargs):
        ev = get_visible(request.user, pk)
        try:
            self.act(request, ev, **kwargs)
        except (services.KeyEvalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success)
        return redirect("keyevals:detail", pk=ev.pk)


class AssignView(_EvaluationPost):
    """POST: draw the agency and experts and commission the evaluation (绩效科)."""
    success = _("已随机抽取第三方机构和专家并完成委托。")

    def act(self, request, ev):
        services.assign(request.user, ev)


class TransitionView(_EvaluationPost):
    """POST: 复核完成, 退回重新评分 or 公开 (绩效科)."""
    success = _("操作成功。")

    def act(self, request, ev):
        action = request.POST.get("action", "")
        if action not in PAGE_ACTIONS:
            raise services.KeyEvalError(_("未知操作：%(action)s") % {"action": action})
        services.take(request.user, ev, action, comment=request.POST.get("comment", ""))


def _form_errors(form):
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


class ReportTextView(_EvaluationPost):
    """POST: save the report sections."""
    success = _("已保存评价报告内容。")

    def act(self, request, ev):
        form = ReportForm(request.POST, instance=KeyEvaluation(pk=ev.pk))
        if not form.is_valid():
            raise services.KeyEvalError(_form_errors(form))
        services.save_report(request.user, ev, {k: form.cleaned_data[k] for k in services.REPORT_FIELDS})


class FindingAddView(_EvaluationPost):
    """POST: record a finding (in review)."""
    success = _("已记录问题。")

    def act(self, request, ev):
        form = FindingForm(request.POST)
        if not form.is_valid():
            raise services.KeyEvalError(_form_errors(form))
        d = form.cleaned_data
        services.add_finding(request.user, ev, d["category"], d["description"], d["amount"], d["item_code"])


class FindingDeleteView(_EvaluationPost):
    """POST: delete a finding (in review)."""
    success = _("已删除问题。")

    def act(self, request, ev, item):
        services.remove_item(request.user, ev, KeyFinding, item)


class RecommendationAddView(_EvaluationPost):
    """POST: record a recommendation (in review)."""
    success = _("已记录建议。")

    def act(self, request, ev):
        form = RecommendationForm(request.POST)
        if not form.is_valid():
            raise services.KeyEvalError(_form_errors(form))
        services.add_recommendation(request.user, ev, form.cleaned_data["text"], form.cleaned_data["addressee"])


class RecommendationDeleteView(_EvaluationPost):
    """POST: delete a recommendation (in review)."""
    success = _("已删除建议。")

    def act(self, request, ev, item):
        services.remove_item(request.user, ev, Recommendation, item)


class RateView(_EvaluationPost):
    """POST: rate the agency or an expert after the evaluation (pools rating)."""
    success = _("已记录质量评价。")

    def act(self, request, ev):
        form = RateForm(request.POST)
        if not form.is_valid():
            raise services.KeyEvalError(_form_errors(form))
        d = form.cleaned_data
        services.rate_evaluator(request.user, ev, d["evaluator"], d["score"], d["comment"])


class ScoreView(LoginRequiredMixin, TemplateView):
    """打分: an evaluator's own column — score, evidence and, when far from the others, the reason — then submit."""

    template_name = "keyevals/score.html"

    def setup_objects(self):
        user = self.request.user
        self.evaluation = get_visible(user, self.kwargs["pk"])
        columns = services.columns_for(user, self.evaluation)
        if not columns:
            raise PermissionDenied(_("您不是该重点评价的评价人员，不能打分。"))
        wanted = self.request.POST.get("evaluator") or self.request.GET.get("evaluator")
        self.column = next((c for c in columns if str(c.pk) == str(wanted)), columns[0])
        self.columns = columns

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        ev = self.evaluation
        rows = {leaf.code: {"score": request.POST.get(f"score-{leaf.code}", ""),
                            "evidence": request.POST.get(f"evidence-{leaf.code}", ""),
                            "reason": request.POST.get(f"reason-{leaf.code}", "")} for leaf in ev.leaves}
        errors = []
        try:
            services.save_scores(request.user, ev, rows, evaluator_id=self.column.pk)
            if request.POST.get("submit"):
                services.submit_scores(request.user, ev, evaluator_id=self.column.pk)
        except services.ScoreError as exc:
            errors = exc.errors
        except (services.KeyEvalError, PermissionDenied) as exc:
            errors = [str(exc)]
        if errors:
            return self.render_to_response(self.get_context_data(errors=errors, posted=rows))
        if request.POST.get("submit"):
            messages.success(request, _("评分已提交。"))
            return redirect("keyevals:detail", pk=ev.pk)
        messages.success(request, _("已保存评分（尚未提交）。"))
        return redirect(f"{request.path}?evaluator={self.column.pk}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ev, column = self.evaluation, self.column
        stored = {s.item_code: s for s in column.scores.all()}
        posted = kwargs.get("posted") or {}
        editable = column.submitted_at is None and ev.status in SCORABLE
        problems = services.submission_problems(ev, column) if editable else []
        # The rows still wanting a reason: from what was typed when the form came back refused, else from what is
        # saved (so a save before submitting already shows them).
        needs_reason = services.unexplained_spread(ev, column, posted or None) if editable else set()
        rows = []
        for leaf in ev.leaves:
            s = stored.get(leaf.code)
            entry = posted.get(leaf.code) or {"score": s.score if s else "", "evidence": s.evidence if s else "",
                                              "reason": s.reason if s else ""}
            rows.append({"leaf": leaf, **entry, "needs_reason": leaf.code in needs_reason})
        context.update(evaluation=ev, column=column, columns=self.columns, rows=rows, problems=problems,
                       editable=editable, needs_reason=len(needs_reason))
        return context


class AnnualPlanView(LoginRequiredMixin, TemplateView):
    """年度重点评价计划: the monitoring candidates (low execution two years running) and the other project years of
    the region, each with 列入重点评价计划 (idempotent)."""

    template_name = "keyevals/plan.html"

    def setup_objects(self):
        from perfbudget.monitoring.sweep import low_execution_candidates

        user = self.request.user
        regions = list(services.office_regions(user).order_by("path"))
        if not regions:
            raise PermissionDenied(_("只有财政局绩效科可以编制重点评价计划。"))
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        self.regions = regions
        self.region = next((r for r in regions if str(r.pk) == source.get("region")), regions[0])
        try:
            self.year = int(source.get("year", ""))
        except ValueError:
            self.year = timezone.localdate().year - 1
        rules = resolve(self.region, self.year)
        self.rules = rules
        self.candidates = low_execution_candidates(self.region, self.year, rules)

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        ids = [int(i) for i in request.POST.getlist("project_year") if i.isdigit()]
        candidate_pys = set(self._candidate_years().values())
        created = skipped = 0
        try:
            for source, chosen in ((PlanSource.CANDIDATE, [i for i in ids if i in candidate_pys]),
                                   (PlanSource.MANUAL, [i for i in ids if i not in candidate_pys])):
                if chosen:
                    new, n_skipped = services.plan_projects(request.user, self.region, self.year, chosen,
                                                            source=source)
                    created, skipped = created + len(new), skipped + n_skipped
        except (services.KeyEvalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已列入重点评价计划 %(n)s 项，%(s)s 项此前已在计划中。")
                             % {"n": created, "s": skipped})
        return redirect(f"{request.path}?region={self.region.pk}&year={self.year}")

    def _candidate_years(self):
        ids = [c["project_id"] for c in self.candidates]
        return dict(ProjectYear.objects.filter(project_id__in=ids, year=self.year).values_list("project_id", "pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_project = self._candidate_years()
        q = self.request.GET.get("q", "").strip()
        others = (ProjectYear.objects.visible_to(self.request.user)
                  .filter(year=self.year, project__region__path__startswith=self.region.path)
                  .exclude(pk__in=by_project.values()).select_related("project__unit").order_by("project__code"))
        for term in q.split():
            others = others.filter(Q(project__code__icontains=term) | Q(project__name__icontains=term)
                                   | Q(project__unit__name__icontains=term))
        page = Paginator(others, 50).get_page(self.request.GET.get("page"))
        planned = services.planned_for(self.region, self.year,
                                       list(by_project.values()) + [py.pk for py in page.object_list])
        for c in self.candidates:
            c["project_year_id"] = by_project.get(c["project_id"])
            c["planned"] = planned.get(c["project_year_id"])
        for py in page.object_list:
            py.planned = planned.get(py.pk)
        context.update(regions=self.regions, region=self.region, year=self.year, candidates=self.candidates,
                       page=page, q=q, line=self.rules.get("monitoring.low_execution_rate"),
                       n_years=self.rules.get("monitoring.low_execution_years"),
                       years=range(timezone.localdate().year, timezone.localdate().year - 5, -1))
        return context
