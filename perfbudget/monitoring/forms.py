"""Django forms of the monitoring pages (actions and the negative list)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from perfbudget.core.fields import MoneyField

from .choices import ActionKind, ListingSource, ListingSubject


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("处置方式"), choices=ActionKind.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    amount = MoneyField(label=_("涉及金额(元)"), required=False,
                        help_text=_("暂缓、核减、停止拨付时填写；停止拨付不填则为全部未支付预算。"))
    new_budget = MoneyField(label=_("调整后全年预算数(元)"), required=False, help_text=_("调整目标和预算时填写。"))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    negative_list = forms.BooleanField(label=_("同时列入负面清单"), required=False)


class ListingForm(forms.Form):
    subject = forms.ChoiceField(label=_("对象类型"), choices=ListingSubject.choices)
    project_code = forms.CharField(label=_("项目编码"), required=False, max_length=40)
    unit_code = forms.CharField(label=_("单位编码"), required=False, max_length=40,
                                help_text=_("列入单位时填写；列入项目时可不填（取项目所属单位）。"))
    reason = forms.CharField(label=_("列入理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    source = forms.ChoiceField(label=_("来源"), choices=ListingSource.choices)
    source_detail = forms.CharField(label=_("来源说明"), required=False, max_length=300)
    expires_on = forms.DateField(label=_("到期日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
