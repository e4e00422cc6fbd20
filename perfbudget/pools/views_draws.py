"""Pages of the random draws: list, new draw (commit, optionally reveal at once), detail with reveal and verify,
and the downloadable JSON record."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.views import ScopedListMixin, history_context

from . import services
from .choices import field_labels
from .filtersets import DrawFilterSet
from .forms import DrawForm
from .models import Draw
from .tables import DrawTable


def _draw(user, pk):
    draw = (Draw.objects.visible_to(user).select_related("region", "created_by", "revealed_by",
                                                         "commissioning_org__parent").filter(pk=pk).first())
    if draw is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return draw


def can_reveal(draw, user):
    """The maker of a committed draw, or the 绩效科 of its region, may reveal it."""
    if draw.is_revealed:
        return False
    return draw.created_by_id == user.pk or services.office_regions(user).filter(pk=draw.region_id).exists()


class DrawListView(ScopedListMixin, TemplateView):
    template_name = "pools/draw_list.html"
    model = Draw
    filterset_class = DrawFilterSet
    table_class = DrawTable

    def base_queryset(self):
        return Draw.objects.visible_to(self.request.user).select_related("region", "created_by")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset()
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
            headers = [_("编号"), _("抽取事由"), _("抽取对象"), _("数量"), _("区划"), _("状态"), _("抽取时间"),
                       _("抽取人"), _("输入哈希值"), _("种子哈希值"), _("随机种子"), _("抽取结果")]
            rows = [[d.pk, d.purpose, d.get_kind_display(), d.count, d.region.name, d.get_status_display(),
                     d.created_at.strftime("%Y-%m-%d %H:%M"), str(d.created_by), d.inputs_hash, d.seed_hash, d.seed,
                     "、".join(s.name for s in d.selected())] for d in qs]
            return file_response(list_workbook(_("随机抽取记录"), headers, rows), "随机抽取记录.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_draw"] = services.office_regions(self.request.user).exists()
        return context


class DrawCreateView(LoginRequiredMixin, TemplateView):
    """随机抽取 for the performance office (stand-alone draws, e.g. an expert panel)."""

    template_name = "pools/draw_form.html"

    def regions(self):
        regions = services.office_regions(self.request.user).order_by("path")
        if not regions.exists():
            raise PermissionDenied(_("只有财政局绩效科可以发起随机抽取。"))
        return regions

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=DrawForm(regions=self.regions())))

    def post(self, request, *args, **kwargs):
        form = DrawForm(request.POST, regions=self.regions())
        if form.is_valid():
            d = form.cleaned_data
            try:
                draw = services.commit_draw(request.user, kind=d["kind"], count=d["count"], region=d["region"],
                                            purpose=d["purpose"], subject_orgs=d["subjects"],
                                            commissioning_org=d["commissioning"], fields=d["fields"])
                if d["reveal"]:
                    draw = services.reveal_draw(request.user, draw)
            except (services.PoolError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已公开抽取结果。") if d["reveal"] else
                                 _("已承诺抽取输入和种子哈希值，请在确认后公开结果。"))
                return redirect("pools:draw", pk=draw.pk)
        return self.render_to_response(self.get_context_data(form=form))


class DrawDetailView(LoginRequiredMixin, TemplateView):
    """The draw: inputs with exclusions and reasons, hashes, seed and result after the reveal, verification."""

    template_name = "pools/draw_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        draw = _draw(user, self.kwargs["pk"])
        verification = None
        if self.request.GET.get("verify"):
            ok, problems, _record = services.verify_draw(draw)
            verification = {"ok": ok, "problems": problems}
        rows = draw.candidate_rows()
        context.update(draw=draw, rows=rows, eligible=sum(1 for r in rows if not r["reason"]),
                       selected=draw.selected(), can_reveal=can_reveal(draw, user), verification=verification,
                       subjects=[o.full_name for o in draw.subject_orgs.select_related("parent")],
                       commissioning_label=draw.commissioning_org.full_name if draw.commissioning_org else "",
                       context_info=draw.inputs.get("context", {}),
                       required_fields="、".join(field_labels(draw.fields)),
                       **history_context(draw))
        return context


class DrawRevealView(LoginRequiredMixin, View):
    def post(self, request, pk):
        draw = _draw(request.user, pk)
        try:
            services.reveal_draw(request.user, draw)
        except (services.PoolError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已公开随机种子和抽取结果。"))
        return redirect("pools:draw", pk=pk)


class DrawRecordView(LoginRequiredMixin, View):
    """The JSON record of a draw, as `draws.verify` (and docs/draws.md) reads it."""

    def get(self, request, pk):
        draw = _draw(request.user, pk)
        content = json.dumps(draw.record(), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        return file_response(content, f"draw-{draw.pk}.json", content_type="application/json")
