"""抽评 pages: the list of batches (filter, export), the draw, a batch (draw record and verification, strata,
re-evaluators, the comparison table with its .xlsx, workflow steps, conclusion), and an item (re-scoring row by row
beside the self-evaluation, the exchange sheet signed by both sides and its .docx). Views are thin: every write goes
through `evaluation.services_spot`."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.documents import DOCX_CONTENT_TYPE
from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, history_context
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history

from . import exchange_sheet, services_spot
from .filtersets_spot import SpotCheckFilterSet, SpotCheckItemFilterSet
from .forms_spot import PublishForm, ReviewerSignForm, ReviewHeaderForm, ReviewRowForm, SpotDrawForm, UnitSignForm
from .models import SelfEvaluation
from .models_spot import SpotCheck, SpotCheckItem, SpotCheckStatus
from .tables_spot import SpotCheckTable

S = SpotCheckStatus


def _batch(user, pk):
    sc = SpotCheck.objects.visible_to(user).select_related("region", "created_by", "revealed_by",
                                                           "published_by").filter(pk=pk).first()
    if sc is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return sc


def _item(user, pk):
    item = SpotCheckItem.objects.visible_to(user).with_related().filter(pk=pk).first()
    if item is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return item


def _is_office(user, sc):
    return services_spot.office_regions(user).filter(pk=sc.region_id).exists()


def _error_text(exc):
    lines = [str(exc)]
    for row, field, reason in getattr(exc, "errors", []):
        where = _("第%(n)s行") % {"n": row} if row else ""
        lines.append(f"{where}{field}：{reason}")
    return "；".join(lines)


class SpotCheckListView(ScopedListMixin, TemplateView):
    """抽评批次 list: the user's scope, filtered, paginated; `?export=xlsx` downloads it."""

    template_name = "evaluation/spot_list.html"
    model = SpotCheck
    filterset_class = SpotCheckFilterSet
    table_class = SpotCheckTable

    def base_queryset(self):
        return SpotCheck.objects.visible_to(self.request.user).select_related("region")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset()
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
            headers = [_("抽评批次"), _("年度"), _("区划"), _("抽评比例"), _("自评总数"), _("抽评数量"), _("状态"),
                       _("抽取时间"), _("输入哈希值"), _("种子哈希值"), _("随机种子"), _("抽评结论")]
            rows = [[str(s), s.year, s.region.name, float(s.share), s.population_size, s.sample_size,
                     s.get_status_display(), timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                     s.inputs_hash, s.seed_hash, s.seed, s.conclusion] for s in qs.order_by("-year", "region__code")]
            return file_response(list_workbook(_("抽评批次"), headers, rows), _("抽评批次") + ".xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_draw"] = services_spot.office_regions(self.request.user).exists()
        return context


class SpotCheckDrawView(LoginRequiredMixin, TemplateView):
    """抽评抽取 for the performance office: commit (and reveal at once unless told otherwise)."""

    template_name = "evaluation/spot_draw.html"

    def regions(self):
        regions = services_spot.office_regions(self.request.user).order_by("path")
        if not regions.exists():
            raise PermissionDenied(_("只有财政局绩效科可以抽取抽评项目。"))
        return regions

    def get(self, request, *args, **kwargs):
        year = timezone.localdate().year - 1
        form = SpotDrawForm(regions=self.regions(), initial={"year": year, "reveal": True})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = SpotDrawForm(request.POST, regions=self.regions())
        if form.is_valid():
            d = form.cleaned_data
            try:
                sc = services_spot.commit_spot_check(request.user, d["region"], d["year"], d["share"], d["keys"],
                                                     d["bounds"])
                if d["reveal"]:
                    sc = services_spot.reveal_spot_check(request.user, sc)
            except (services_spot.SpotCheckError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已抽取%(n)s个项目。") % {"n": sc.sample_size} if d["reveal"] else
                                 _("已承诺抽取输入和种子哈希值，请在确认后公开结果。"))
                return redirect("evaluation:spot_check", pk=sc.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SpotCheckDetailView(LoginRequiredMixin, TemplateView):
    """The batch: draw record (verify, download), strata, items with scores side by side, steps, conclusion."""

    template_name = "evaluation/spot_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sc = _batch(user, self.kwargs["pk"])
        verification = None
        if self.request.GET.get("verify"):
            ok, problems, _record = services_spot.verify_spot_check(sc)
            verification = {"ok": ok, "problems": problems}
        items_qs = SpotCheckItem.objects.visible_to(user).with_related().filter(spot_check=sc)
        filterset = SpotCheckItemFilterSet(self.request.GET or None, queryset=items_qs, request=self.request)
        shown = filterset.qs if filterset.is_bound and filterset.is_valid() else items_qs
        items = list(shown.order_by("position"))
        office = _is_office(user, sc)
        records = list(workflow_history(sc))
        for r in records:
            r.from_label = services_spot.SPOT_WORKFLOW.label_of(r.from_state)
            r.to_label = services_spot.SPOT_WORKFLOW.label_of(r.to_state)
        steps = [t for t in services_spot.SPOT_WORKFLOW.available(sc, user) if t.action != "publish"]
        context.update(
            sc=sc, items=items, rows=services_spot.comparison(items), summary=services_spot.summary(items_qs),
            filter=filterset, verification=verification, office=office,
            can_reveal=office and sc.status == S.COMMITTED,
            can_assign=office and sc.status in (S.DRAWN, S.REVIEWING),
            reviewers=list(services_spot.reviewer_candidates(sc)) if office else [],
            steps=steps, can_publish=office and sc.status == S.EXCHANGING,
            publish_form=PublishForm(initial={"conclusion": sc.conclusion}),
            workflow_records=records, **history_context(sc))
        return context


class SpotCheckRevealView(LoginRequiredMixin, View):
    def post(self, request, pk):
        sc = _batch(request.user, pk)
        try:
            services_spot.reveal_spot_check(request.user, sc)
        except (services_spot.SpotCheckError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已公开随机种子和抽评样本。"))
        return redirect("evaluation:spot_check", pk=pk)


class SpotCheckRecordView(LoginRequiredMixin, View):
    """The JSON record of the draw, as `sampling.verify` reads it (each stratum a pools draw record)."""

    def get(self, request, pk):
        sc = _batch(request.user, pk)
        content = json.dumps(sc.record(), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        return file_response(content, f"spot-check-{sc.pk}.json", content_type="application/json")


class SpotCheckAssignView(LoginRequiredMixin, View):
    """指定复核人 for the ticked items."""

    def post(self, request, pk):
        sc = _batch(request.user, pk)
        try:
            reviewer_id = int(request.POST.get("reviewer") or 0)
            items = [int(i) for i in request.POST.getlist("items")]
        except ValueError:
            messages.error(request, _("请选择抽评项目和复核人。"))
            return redirect("evaluation:spot_check", pk=pk)
        reviewer = services_spot.reviewer_candidates(sc).filter(pk=reviewer_id).first()
        try:
            n = services_spot.assign_reviewer(request.user, sc, items, reviewer)
        except (services_spot.SpotCheckError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已为%(n)s个项目指定复核人。") % {"n": n})
        return redirect("evaluation:spot_check", pk=pk)


class SpotCheckStepView(LoginRequiredMixin, View):
    """A workflow step on the batch (开始复核, 发送签证单, 退回复核)."""

    def post(self, request, pk):
        sc = _batch(request.user, pk)
        action = request.POST.get("action", "")
        if action == "publish":
            raise Http404
        try:
            services_spot.step(request.user, sc, action, request.POST.get("comment", ""),
                               request.POST.get("row_version"))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已办理。"))
        return redirect("evaluation:spot_check", pk=pk)


class SpotCheckPublishView(LoginRequiredMixin, View):
    """公开抽评结论."""

    def post(self, request, pk):
        sc = _batch(request.user, pk)
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写抽评结论。"))
            return redirect("evaluation:spot_check", pk=pk)
        try:
            services_spot.publish(request.user, sc, form.cleaned_data["conclusion"])
        except (services_spot.SpotCheckError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("抽评结论已公开。"))
        return redirect("evaluation:spot_check", pk=pk)


class SpotCheckXlsxView(LoginRequiredMixin, View):
    """The batch as .xlsx (the items the user may see)."""

    def get(self, request, pk):
        sc = _batch(request.user, pk)
        items = SpotCheckItem.objects.visible_to(request.user).with_related().filter(spot_check=sc)
        return file_response(exchange_sheet.batch_workbook(sc, items.order_by("position")),
                             f"{sc.region.name}{sc.year}年度抽评.xlsx")


def _row_forms(item, data=None):
    forms = []
    for r in item.review_rows:
        reviewed = r.get("actual") is not None
        initial = {"actual": r["actual"] if reviewed else r["self_actual"],
                   "judgement": r["judgement"] if reviewed else r["self_judgement"],
                   "applicable": r["applicable"] if reviewed else r["self_applicable"], "reason": r.get("reason", "")}
        form = ReviewRowForm(data, prefix=f"r{r['row']}", initial=initial)
        form.row = r
        forms.append(form)
    return forms


class SpotItemView(LoginRequiredMixin, TemplateView):
    """One item: the self-evaluation's rows and the re-evaluation side by side, re-scoring, the exchange sheet."""

    template_name = "evaluation/spot_item.html"

    def get(self, request, *args, **kwargs):
        item = _item(request.user, kwargs["pk"])
        return self.render_to_response(self.get_context_data(item=item, row_forms=_row_forms(item)))

    def post(self, request, *args, **kwargs):
        """复核评分: validate every row form, then re-score through the service (errors re-show the forms)."""
        item = _item(request.user, kwargs["pk"])
        row_forms = _row_forms(item, request.POST)
        header = ReviewHeaderForm(request.POST)
        errors = []
        if all(f.is_valid() for f in row_forms) and header.is_valid():
            rows = {f.row["row"]: {k: ("" if v is None else v) for k, v in f.cleaned_data.items()} for f in row_forms}
            try:
                services_spot.rescore_item(request.user, item, rows, header.cleaned_data["executed"],
                                           header.cleaned_data["opinion"], request.POST.get("row_version"))
            except services_spot.SpotCheckError as exc:
                errors.append(_error_text(exc))
            except PermissionDenied as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("已按复核数据重新计分。"))
                return redirect("evaluation:spot_item", pk=item.pk)
        else:
            for n, f in enumerate(row_forms, start=1):
                for field, errs in f.errors.items():
                    errors.append(_("第%(n)s行%(f)s：%(e)s")
                                  % {"n": n, "f": f.fields[field].label, "e": "；".join(errs)})
            for field, errs in header.errors.items():
                errors.append(f"{header.fields[field].label}：{'；'.join(errs)}")
        context = self.get_context_data(item=item, row_forms=row_forms, header_form=header, errors=errors)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        item = context["item"]
        sc = item.spot_check
        reviewer_may = (sc.status == S.REVIEWING and (user.is_superuser or item.reviewer_id == user.pk
                                                      or _is_office(user, sc)))
        unit_may = sc.status == S.EXCHANGING and SpotCheckItem.objects.visible_to(
            user, CHANGE, roles=services_spot.OWNER_ROLES).filter(pk=item.pk).exists()
        se = item.self_evaluation
        context.setdefault("header_form", ReviewHeaderForm(initial={"executed": item.review_executed,
                                                                     "opinion": item.reviewer_opinion}))
        context.update(
            sc=sc, se=se, can_rescore=reviewer_may, can_sign_reviewer=reviewer_may and item.review_total is not None,
            can_sign_unit=unit_may, reviewer_sign_form=ReviewerSignForm(initial={"opinion": item.reviewer_opinion}),
            unit_sign_form=UnitSignForm(initial={"opinion": item.unit_opinion,
                                                 "agreed": {True: "yes", False: "no"}.get(item.agreed)}),
            findings=(item.review_result or {}).get("findings", []),
            can_view_selfeval=SelfEvaluation.objects.visible_to(user).filter(pk=se.pk).exists(),
            **history_context(item))
        return context


class SpotItemSignView(LoginRequiredMixin, View):
    """签证单签字: `side` reviewer (复核方) or unit (被评价单位)."""

    def post(self, request, pk):
        item = _item(request.user, pk)
        side = request.POST.get("side")
        form = (ReviewerSignForm if side == "reviewer" else UnitSignForm)(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return redirect("evaluation:spot_item", pk=pk)
        d = form.cleaned_data
        try:
            if side == "reviewer":
                services_spot.sign_as_reviewer(request.user, item, d["opinion"], request.POST.get("row_version"))
            else:
                services_spot.sign_as_unit(request.user, item, d["opinion"], d["agreed"],
                                           request.POST.get("row_version"))
        except (services_spot.SpotCheckError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已签署签证单。"))
        return redirect("evaluation:spot_item", pk=pk)


class SpotItemDocxView(LoginRequiredMixin, View):
    """The exchange sheet (签证单) of one item as .docx."""

    def get(self, request, pk):
        item = _item(request.user, pk)
        p = item.self_evaluation.project_year.project
        return file_response(exchange_sheet.item_sheet(item), f"抽评签证单_{p.code}.docx",
                             content_type=DOCX_CONTENT_TYPE)
