"""Pages of the evaluation frameworks: list, detail (the indicator table), copy a template, edit a copy."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.core.scopes import CHANGE
from perfbudget.core.views import ScopedListMixin, history_context

from . import frameworks, services, services_frameworks
from .filtersets import FrameworkFilterSet
from .models import EvaluationFramework
from .tables import FrameworkTable


class ItemForm(forms.Form):
    """One row of the framework: an indicator at level 1, 2 or 3."""

    level = forms.TypedChoiceField(label=gettext_lazy("级次"), coerce=int,
                                   choices=[(1, gettext_lazy("一级")), (2, gettext_lazy("二级")),
                                            (3, gettext_lazy("三级"))])
    code = forms.CharField(label=gettext_lazy("编码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("指标名称"), max_length=200)
    weight = forms.DecimalField(label=gettext_lazy("分值"), max_digits=6, decimal_places=2, min_value=0)
    explanation = forms.CharField(label=gettext_lazy("指标解释"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 1}))
    standard = forms.CharField(label=gettext_lazy("评分标准"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 1}))


ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True, max_num=300, validate_max=True)


def _get(user, pk, action="view"):
    fw = EvaluationFramework.objects.visible_to(user, action).filter(pk=pk).select_related("owner_region").first()
    if fw is None:
        raise Http404(_("记录不存在或不在您的查看范围内。"))
    return fw


class FrameworkListView(ScopedListMixin, TemplateView):
    """评价指标体系: the national templates and the regions' own frameworks the user may read."""

    template_name = "keyevals/frameworks.html"
    model = EvaluationFramework
    filterset_class = FrameworkFilterSet
    table_class = FrameworkTable

    def base_queryset(self):
        return EvaluationFramework.objects.visible_to(self.request.user).select_related("owner_region")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            filterset = self.get_filterset()
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
            headers = [_("名称"), _("适用对象"), _("所属"), _("版本"), _("状态"), _("末级指标数"), _("依据")]
            rows = [[fw.name, fw.get_kind_display(), fw.owner_region.name if fw.owner_region_id else _("全国模板"),
                     fw.version, fw.get_status_display(), len(frameworks.leaves(fw.items)), fw.basis] for fw in qs]
            return file_response(list_workbook(_("评价指标体系"), headers, rows), "评价指标体系.xlsx")
        return super().get(request, *args, **kwargs)


class FrameworkDetailView(LoginRequiredMixin, TemplateView):
    """One framework: its indicator table, validation, versions, copy and edit buttons; `?export=xlsx`."""
    template_name = "keyevals/framework_detail.html"

    def get(self, request, *args, **kwargs):
        fw = _get(request.user, kwargs["pk"])
        if request.GET.get("export") == "xlsx":
            headers = [_("级次"), _("编码"), _("指标名称"), _("分值"), _("指标解释"), _("评分标准")]
            rows = [[r["level"], r["code"], r["name"], r["weight"], r["explanation"], r["standard"]]
                    for r in frameworks.flatten(fw.items)]
            return file_response(list_workbook(fw.name[:30], headers, rows), f"{fw.name}_v{fw.version}.xlsx")
        return self.render_to_response(self.get_context_data(framework=fw))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fw, user = kwargs["framework"], self.request.user
        context.update(
            rows=frameworks.flatten(fw.items), errors=services_frameworks.check(fw.items, fw.kind, fw.owner_region),
            level3=frameworks.level3_count(fw.items), leaves=len(frameworks.leaves(fw.items)),
            can_edit=EvaluationFramework.objects.visible_to(user, CHANGE).filter(pk=fw.pk).exists()
            and fw.status == "active",
            copy_regions=list(services.office_regions(user)),
            versions=EvaluationFramework.objects.visible_to(user).filter(code=fw.code).order_by("-version"),
            in_use=fw.evaluations.count(), **history_context(fw))
        return context


class FrameworkCopyView(LoginRequiredMixin, View):
    """复制 a visible framework into one of the user's 绩效科 regions, then edit the copy."""

    def post(self, request, pk):
        fw = _get(request.user, pk)
        region = services.office_regions(request.user).filter(pk=request.POST.get("region") or 0).first()
        if region is None:
            messages.error(request, _("请选择本级区划（只有财政局绩效科可以复制指标体系）。"))
            return redirect("keyevals:framework", pk=pk)
        try:
            copy = services_frameworks.copy_framework(request.user, fw, region)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("keyevals:framework", pk=pk)
        messages.success(request, _("已复制为本级指标体系，可以修改。"))
        return redirect("keyevals:framework_edit", pk=copy.pk)


class FrameworkEditView(LoginRequiredMixin, TemplateView):
    """Edit a region's framework, one form per item; all problems are shown at once and nothing is saved until
    the framework is sound. A framework an evaluation uses is saved as a new version."""

    template_name = "keyevals/framework_edit.html"

    def get_framework(self):
        fw = EvaluationFramework.objects.visible_to(self.request.user, CHANGE).filter(pk=self.kwargs["pk"]).first()
        if fw is None:
            if EvaluationFramework.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).exists():
                raise PermissionDenied(_("只有所属区划的财政局绩效科可以修改该评价指标体系（全国模板请先复制）。"))
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        return fw

    def get(self, request, *args, **kwargs):
        fw = self.get_framework()
        formset = ItemFormSet(initial=frameworks.flatten(fw.items), prefix="item")
        return self.render_to_response(self.get_context_data(framework=fw, formset=formset, name=fw.name))

    def post(self, request, *args, **kwargs):
        fw = self.get_framework()
        formset = ItemFormSet(request.POST, prefix="item")
        name = request.POST.get("name", "").strip()
        errors = []
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            items, errors = frameworks.build_tree(rows)
            if not errors:
                try:
                    saved = services_frameworks.save_framework(request.user, fw, items, name=name)
                except services_frameworks.FrameworkError as exc:
                    errors = exc.errors
                except services.KeyEvalError as exc:
                    errors = [str(exc)]
                else:
                    if saved.pk != fw.pk:
                        messages.success(request, _("该指标体系已被重点评价使用，已保存为新版本 v%(v)s。")
                                         % {"v": saved.version})
                    else:
                        messages.success(request, _("已保存评价指标体系。"))
                    return redirect("keyevals:framework", pk=saved.pk)
        else:
            for n, form in enumerate(formset.forms, start=1):
                for field, errs in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    errors.append(_("第 %(n)s 行%(label)s：%(e)s") % {"n": n, "label": label, "e": "；".join(errs)})
            errors += list(formset.non_form_errors())
        return self.render_to_response(self.get_context_data(framework=fw, formset=formset, name=name,
                                                             errors=errors))
