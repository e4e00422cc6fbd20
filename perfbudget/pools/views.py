"""Pages of the pools: agencies and experts (list, register, edit, detail with vetting and records), ranking."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, history_context
from perfbudget.core.workflow import WorkflowError, history
from perfbudget.orgs.models import Region

from . import ranking, services
from .choices import DrawKind, DrawStatus
from .filtersets import AgencyFilterSet, ExpertFilterSet
from .forms import AgencyForm, ConflictForm, ExpertForm, RatingForm, ViolationForm
from .models import Agency, ConflictDeclaration, Draw, Expert, ViolationRecord
from .tables import AgencyTable, ExpertTable
from .workflow import workflow_for


class Kind:
    """What differs between the agency pages and the expert pages."""

    def __init__(self, code, model, form, filterset, table, title, noun, headers, row):
        self.code, self.model, self.form, self.filterset, self.table = code, model, form, filterset, table
        self.title, self.noun, self.headers, self.row = title, noun, headers, row

    @property
    def list_url(self):
        return reverse(f"pools:{self.code}_list")

    def detail_url(self, obj):
        return reverse(f"pools:{self.code}", args=[obj.pk])


def _common_row(e):
    return [e.fields_display, e.region.name, "、".join(r.name for r in e.regions_served.all()), e.phone,
            e.get_status_display(), e.status_reason]


AGENCY = Kind(
    "agency", Agency, AgencyForm, AgencyFilterSet, AgencyTable, gettext_lazy("第三方机构库"),
    gettext_lazy("第三方机构"),
    lambda: [_("机构名称"), _("统一社会信用代码"), _("资质"), _("从业人员数"), _("持证人员数"), _("联系人"),
             _("专业领域"), _("所属区划"), _("服务区划"), _("联系电话"), _("入库状态"), _("状态说明")],
    lambda a: [a.name, a.credit_code, a.qualifications, a.staff_count, a.certified_staff, a.contact, *_common_row(a)],
)
EXPERT = Kind(
    "expert", Expert, ExpertForm, ExpertFilterSet, ExpertTable, gettext_lazy("专家库"), gettext_lazy("专家"),
    lambda: [_("姓名"), _("职称"), _("工作单位"), _("专业领域"), _("所属区划"), _("服务区划"), _("联系电话"),
             _("入库状态"), _("状态说明")],
    lambda e: [e.name, e.title, e.employer, *_common_row(e)],
)
KINDS = {"agency": AGENCY, "expert": EXPERT}


def _kind(code):
    if code not in KINDS:
        raise Http404(_("未知的类型。"))
    return KINDS[code]


def _get(kind, user, pk, action="view"):
    obj = kind.model.objects.visible_to(user, action).select_related("region").filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return obj


def _can_change(obj, user):
    return type(obj).objects.visible_to(user, CHANGE).filter(pk=obj.pk).exists()


def _changeable(rows, user):
    """The ids among ranked `rows` that `user` may change, in one query."""
    if not rows:
        return set()
    model = type(rows[0].subject)
    return set(model.objects.visible_to(user, CHANGE).filter(pk__in=[r.id for r in rows])
               .values_list("pk", flat=True))


class EntryListView(ScopedListMixin, TemplateView):
    """第三方机构库 / 专家库: scoped list with search, filters and export."""

    template_name = "pools/entry_list.html"
    kind = None

    @property
    def model(self):
        return self.kind.model

    @property
    def filterset_class(self):
        return self.kind.filterset

    @property
    def table_class(self):
        return self.kind.table

    def base_queryset(self):
        return self.kind.model.objects.visible_to(self.request.user).select_related("region")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset()
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
            rows = [self.kind.row(e) for e in qs.prefetch_related("regions_served")]
            title = str(self.kind.title)
            return file_response(list_workbook(title, self.kind.headers(), rows), f"{title}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, title=str(self.kind.title),
                       can_register=services.office_regions(self.request.user).exists())
        return context


def _initial(obj, kind):
    data = {"name": obj.name, "fields": obj.fields, "regions_served": list(obj.regions_served.all()),
            "phone": obj.phone}
    if kind is AGENCY:
        data.update(credit_code=obj.credit_code, qualifications=obj.qualifications, staff_count=obj.staff_count,
                    certified_staff=obj.certified_staff, contact=obj.contact,
                    ties="\n".join(o.code for o in obj.ties.all()))
    else:
        data.update(title=obj.title, employer=obj.employer, employer_org=obj.employer_org.code if obj.employer_org
                    else "", username=obj.user.username if obj.user else "")
    return data


class EntryEditView(LoginRequiredMixin, TemplateView):
    """Register (no pk) or edit an agency or expert; the service validates and writes in one transaction."""

    template_name = "pools/entry_form.html"
    kind = None

    def setup_objects(self):
        user = self.request.user
        self.regions = services.office_regions(user)
        self.object = None
        if "pk" in self.kwargs:
            self.object = _get(self.kind, user, self.kwargs["pk"])
            if not _can_change(self.object, user):
                raise PermissionDenied(_("只有所属区划的财政局绩效科可以修改。"))
        elif not self.regions.exists():
            raise PermissionDenied(_("只有财政局绩效科可以登记入库。"))

    def make_form(self, data=None):
        initial = _initial(self.object, self.kind) if self.object else {}
        return self.kind.form(data, initial=initial, regions=self.regions, editing=self.object is not None)

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        form = self.make_form(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            served = d.pop("regions_served")
            region = d.pop("region", None)
            if self.kind is AGENCY:
                ties = d.pop("ties")
            else:
                d["user"] = d.pop("username")
            try:
                if self.kind is AGENCY:
                    obj = (services.update_agency(request.user, self.object, d, served, ties) if self.object
                           else services.register_agency(request.user, region, d, served, ties))
                else:
                    obj = (services.update_expert(request.user, self.object, d, served) if self.object
                           else services.register_expert(request.user, region, d, served))
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                messages.success(request, _("已保存。") if self.object else _("已登记，待审核入库。"))
                return redirect(self.kind.detail_url(obj))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, object=self.object, noun=str(self.kind.noun), **kwargs)


class EntryDetailView(LoginRequiredMixin, TemplateView):
    """Detail: particulars, vetting actions and history, violations, conflicts, ratings and the jobs drawn for."""

    template_name = "pools/entry_detail.html"
    kind = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        obj = _get(self.kind, user, self.kwargs["pk"])
        wf = workflow_for(obj)
        records = list(history(obj))
        for r in records:
            r.from_label, r.to_label = wf.label_of(r.from_state), wf.label_of(r.to_state)
        key = self.kind.code
        ratings = list(services.ratings_of(obj))
        jobs = [d for d in Draw.objects.visible_to(user).filter(kind=key, status=DrawStatus.REVEALED,
                                                                 result__icontains=str(obj.pk))
                .order_by("-created_at")[:200] if obj.pk in [int(i) for i in d.result]]
        can_change = _can_change(obj, user)
        can_rate = type(obj).objects.visible_to(
            user, roles=("performance_office",)).filter(pk=obj.pk).exists()
        context.update(
            kind=self.kind, object=obj, noun=str(self.kind.noun), transitions=wf.available(obj, user),
            workflow_records=records, can_change=can_change, can_rate=can_rate,
            violations=ViolationRecord.objects.filter(**{key: obj}), ratings=ratings,
            conflicts=ConflictDeclaration.objects.filter(**{key: obj}).select_related("organisation"),
            average=ranking.average([r.score for r in ratings]), jobs=jobs,
            violation_form=kwargs.get("violation_form") or ViolationForm(),
            conflict_form=kwargs.get("conflict_form") or ConflictForm(),
            rating_form=kwargs.get("rating_form") or RatingForm(),
            **history_context(obj),
        )
        return context


def _next(request, default):
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


class VetView(LoginRequiredMixin, View):
    """审核入库 / 暂停 / 恢复 / 清退 (POST), from the detail page or the ranking page."""

    kind = None

    def post(self, request, pk):
        obj = _get(self.kind, request.user, pk)
        try:
            services.vet(request.user, obj, request.POST.get("action", ""), request.POST.get("reason", ""))
        except (WorkflowError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已更新入库状态：%(s)s。") % {"s": obj.get_status_display()})
        return redirect(_next(request, self.kind.detail_url(obj)))


class RecordAddView(LoginRequiredMixin, View):
    """Add a violation, a conflict declaration or a rating to an agency or expert (POST)."""

    kind = None
    what = None  # "violation" | "conflict" | "rating"

    def post(self, request, pk):
        obj = _get(self.kind, request.user, pk)
        form_class = {"violation": ViolationForm, "conflict": ConflictForm, "rating": RatingForm}[self.what]
        form = form_class(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if self.what == "violation":
                    services.add_violation(request.user, obj, d["date"], d["description"], d["major"], d["source"])
                elif self.what == "conflict":
                    services.declare_conflict(request.user, obj, d["organisation"], d["relation"], d["valid_from"],
                                              d["valid_to"])
                else:
                    services.rate(request.user, obj, score=d["score"], comment=d["comment"], label=d["target_label"])
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已保存。"))
                return redirect(self.kind.detail_url(obj))
        view = EntryDetailView(kind=self.kind, request=request, kwargs={"pk": pk}, args=())
        context = view.get_context_data(**{f"{self.what}_form": form})
        context["open_form"] = self.what
        response = view.render_to_response(context)
        response.status_code = 400
        return response


class RankingView(LoginRequiredMixin, TemplateView):
    """质量排名与末位淘汰: averages per agency or expert of one region, the drop list, suspend/remove actions."""

    template_name = "pools/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        kind = self.request.GET.get("kind", DrawKind.AGENCY)
        if kind not in DrawKind.values:
            kind = DrawKind.AGENCY
        regions = Region.objects.visible_to(user)
        region = regions.filter(code=self.request.GET.get("region", "")).first()
        if region is None:
            region = (services.office_regions(user).order_by("path").first()
                      or regions.filter(pk__in=[g.effective_region.pk for g in user.grants]).order_by("path").first()
                      or regions.order_by("path").first())
        rows, rules = services.ranking_for(user, kind, region) if region else ([], {})
        only_drop = self.request.GET.get("drop") == "1"
        if only_drop:
            rows = [r for r in rows if r.drop]
        labels = {ranking.BELOW_MIN: _("平均分低于合格线"), ranking.LOWEST_SHARE: _("处于末位淘汰比例内")}
        changeable = _changeable(rows, user)
        for r in rows:
            r.reason_labels = [labels[x] for x in r.reasons]
            r.can_change = r.id in changeable
        context.update(kind=kind, kinds=DrawKind.choices, region=region, regions=regions.order_by("path")[:500],
                       rows=rows, rules=rules, only_drop=only_drop, kind_obj=KINDS[kind])
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export") == "xlsx":
            headers = [_("排名"), _("名称"), _("平均分"), _("评价次数"), _("末位淘汰"), _("原因"), _("入库状态")]
            rows = [[r.rank or "", r.name, r.average, r.jobs, _("是") if r.drop else "", "；".join(r.reason_labels),
                     r.subject.get_status_display()] for r in context["rows"]]
            return file_response(list_workbook(_("质量排名"), headers, rows), "质量排名.xlsx")
        return self.render_to_response(context)
