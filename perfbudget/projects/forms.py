"""One form for a project in a fiscal year: the edit page and every imported row go through it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from perfbudget.core.fields import MoneyField
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation, year_choices

from .choices import AbcClass, BudgetType, ProjectClass
from .models import MONEY, FunctionClass, Project

YES_NO = [(True, _("是")), (False, _("否"))]


def form_values(py):
    """The form's values for a saved project-year (the edit page's initial data; the base of a revert)."""
    p = py.project
    return {
        "code": p.code, "name": p.name, "unit": p.unit.code, "year": py.year, "budget_type": p.budget_type,
        "function_class": p.function_class_id, "project_class": p.project_class, "special_fund": p.special_fund,
        "key_work": p.key_work, "is_new": py.is_new, "start_year": p.start_year, "end_year": p.end_year,
        "initial_budget": py.initial_budget, "adjusted_budget": py.adjusted_budget,
        "abc_override_reason": py.abc_override_reason, "abc_class": py.abc_class if py.abc_overridden else "",
        "description": p.description,
    }


class ProjectYearForm(forms.Form):
    """项目入库申报表. `user` limits the units offered (and accepted) to those in the user's scope."""

    code = forms.RegexField(label=_("项目编码"), max_length=40, regex=r"^[A-Za-z0-9-]+$",
                            error_messages={"invalid": _("项目编码只能包含字母、数字和连字符。")})
    name = forms.CharField(label=_("项目名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("预算单位"), queryset=Organisation.objects.none(), to_field_name="code",
                                  error_messages={"invalid_choice": _("预算单位不存在或不在您的管理范围内。")})
    year = forms.TypedChoiceField(label=_("预算年度"), coerce=int)
    budget_type = forms.ChoiceField(label=_("预算类型"), choices=BudgetType.choices)
    function_class = forms.ModelChoiceField(
        label=_("功能分类科目"), queryset=FunctionClass.objects.all(),
        error_messages={"invalid_choice": _("功能分类科目编码不存在。")})
    project_class = forms.ChoiceField(label=_("项目类别"), choices=ProjectClass.choices)
    special_fund = forms.TypedChoiceField(label=_("专项资金"), choices=YES_NO, coerce=lambda v: v in (True, "True"),
                                          initial=False)
    key_work = forms.TypedChoiceField(label=_("重点工作"), choices=YES_NO, coerce=lambda v: v in (True, "True"),
                                      initial=False)
    is_new = forms.TypedChoiceField(label=_("新增项目"), choices=YES_NO, coerce=lambda v: v in (True, "True"),
                                    initial=True)
    start_year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("终止年度"), min_value=2000, max_value=2100)
    initial_budget = MoneyField(label=_("年初预算数(元)"), min_value=Decimal(0), **MONEY)
    adjusted_budget = MoneyField(label=_("调整后预算数(元)"), min_value=Decimal(0), required=False, **MONEY)
    abc_class = forms.ChoiceField(label=_("分级分类"), choices=[("", _("按规则自动计算"))] + AbcClass.choices,
                                  required=False)
    abc_override_reason = forms.CharField(label=_("调整分类理由"), max_length=300, required=False)
    description = forms.CharField(label=_("项目概况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.visible_to(user, "change").filter(kind=OrgKind.UNIT)
        self.fields["year"].choices = year_choices()
        if instance is not None:
            self.fields["code"].disabled = True
        else:
            # A unit user has one unit: choose it. New projects are declared for the newest fiscal year.
            units = list(self.fields["unit"].queryset.values_list("code", flat=True)[:2])
            if len(units) == 1:
                self.initial.setdefault("unit", units[0])
            if self.fields["year"].choices:
                newest = max(y for y, _label in self.fields["year"].choices)
                self.initial.setdefault("year", newest)
                self.initial.setdefault("start_year", newest)
                self.initial.setdefault("end_year", newest)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        existing = Project.objects.filter(code=code).select_related("unit").first()
        self._existing_project = existing
        return code

    def clean(self):
        data = super().clean()
        start, end, year = data.get("start_year"), data.get("end_year"), data.get("year")
        if start and end and end < start:
            self.add_error("end_year", _("终止年度不能早于起始年度。"))
        if start and end and year and not start <= year <= end:
            self.add_error("year", _("预算年度应在项目起止年度之内。"))
        existing = getattr(self, "_existing_project", None)
        unit = data.get("unit")
        if existing is not None and unit is not None and existing.unit_id != unit.pk and self.instance is None:
            self.add_error("code", _("项目编码已被其他单位的项目使用。"))
        return data
