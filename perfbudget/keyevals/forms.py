"""Django forms of the key-evaluation pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfbudget.core.fields import MoneyField
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .choices import FindingCategory, ObjectKind, Timing
from .models import EvaluationFramework, KeyEvaluation
from .services import REPORT_FIELDS, office_regions, organisation_label


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations by their full label (吴忠市财政局绩效科, not 绩效科)."""

    def label_from_instance(self, obj):
        return organisation_label(obj)


class PlanForm(forms.Form):
    """新建重点评价计划."""

    region = forms.ModelChoiceField(label=_("区划"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("评价名称"), max_length=300)
    object_kind = forms.ChoiceField(label=_("评价对象类型"), choices=ObjectKind.choices)
    timing = forms.ChoiceField(label=_("评价时点"), choices=Timing.choices, initial=Timing.EX_POST)
    subjects = forms.ModelMultipleChoiceField(label=_("被评价单位"), queryset=None)
    project_codes = forms.CharField(label=_("项目编码"), required=False, max_length=2000,
                                    help_text=_("项目评价时填写，多个用逗号或空格分隔（取评价年度的项目年度）。"))
    framework = forms.ModelChoiceField(label=_("评价指标体系"), queryset=None)
    amount = MoneyField(label=_("涉及金额(元)"), required=False, max_digits=18, decimal_places=2, min_value=0)
    commissioning_org = OrganisationChoiceField(label=_("委托单位"), queryset=None, required=False,
                                                help_text=_("不填则为本级财政局绩效科。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = office_regions(user)
        self.fields["region"].queryset = regions
        orgs = Organisation.objects.visible_to(user).filter(is_active=True)
        self.fields["subjects"].queryset = orgs.filter(kind__in=(OrgKind.DEPARTMENT, OrgKind.UNIT))
        self.fields["commissioning_org"].queryset = orgs.filter(
            kind__in=(OrgKind.BUREAU, OrgKind.SECTION, OrgKind.DEPARTMENT)).select_related("parent")
        self.fields["framework"].queryset = EvaluationFramework.objects.visible_to(user).current().select_related(
            "owner_region")
        self.fields["year"].initial = timezone.localdate().year - 1

    def project_codes_list(self):
        raw = self.cleaned_data.get("project_codes") or ""
        return [c for c in raw.replace("，", ",").replace(",", " ").split() if c]


class FindingForm(forms.Form):
    """A finding (问题) the office records in review."""
    category = forms.ChoiceField(label=_("问题类别"), choices=FindingCategory.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    amount = MoneyField(label=_("涉及金额(元)"), required=False, max_digits=18, decimal_places=2, min_value=0)
    item_code = forms.CharField(label=_("相关指标编码"), required=False, max_length=40)


class RecommendationForm(forms.Form):
    """A recommendation (建议)."""
    text = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    addressee = forms.CharField(label=_("建议对象"), required=False, max_length=200)


class ReportForm(forms.ModelForm):
    """The report sections of a key evaluation."""
    class Meta:
        model = KeyEvaluation
        fields = list(REPORT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in REPORT_FIELDS}


class RateForm(forms.Form):
    """A quality rating (0–100) of one evaluator."""
    evaluator = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("质量评分"), min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=2000)
