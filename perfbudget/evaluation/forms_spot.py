"""Forms of the 抽评 pages: the draw, one form per re-scored indicator row, the signatures and the conclusion."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from perfbudget.orgs.models import year_choices

from . import sampling

KEY_CHOICES = [("department", _("主管部门")), ("project_class", _("项目类别")), ("abc_class", _("分级分类")),
               ("amount_band", _("金额档次"))]


class SpotDrawForm(forms.Form):
    """抽评抽取: region and year, the share (blank: the rule set's), the stratum keys and the amount bands."""

    region = forms.ModelChoiceField(label=_("区划"), queryset=None, empty_label=None)
    year = forms.TypedChoiceField(label=_("评价年度"), coerce=int, choices=())
    share = forms.CharField(label=_("抽评比例"), required=False, max_length=10,
                            help_text=_("如 10% 或 0.1；留空按规则集规定的比例下限。"))
    keys = forms.MultipleChoiceField(label=_("分层依据"), choices=KEY_CHOICES, required=False,
                                     initial=list(sampling.DEFAULT_KEYS), widget=forms.CheckboxSelectMultiple)
    bounds = forms.CharField(label=_("金额分档界限(万元)"), required=False, max_length=100,
                             help_text=_("从大到小、逗号分隔，如 500,100；留空按规则集的A类、B类金额下限。"))
    reveal = forms.BooleanField(label=_("承诺后立即公开种子和抽取结果"), required=False, initial=True)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["year"].choices = year_choices()

    def clean_share(self):
        value = self.cleaned_data["share"].strip()
        if not value:
            return None
        try:
            return sampling.to_share(value)
        except sampling.SamplingError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_bounds(self):
        value = self.cleaned_data["bounds"].replace("，", ",").replace("、", ",").strip()
        if not value:
            return None
        out = []
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(Decimal(part) * 10000)
            except InvalidOperation:
                raise forms.ValidationError(_("「%(v)s」不是数字（单位：万元）。") % {"v": part}) from None
        try:
            return sampling.check_bounds(out)
        except sampling.SamplingError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReviewRowForm(forms.Form):
    """One indicator row of a re-evaluation: the reviewer's actual, judgement (qualitative rows), applicability and
    reason. Prefixed with the row id."""

    actual = forms.CharField(label=_("复核实际完成值"), max_length=100, required=False)
    judgement = forms.DecimalField(label=_("达成比例"), required=False, min_value=0, max_value=1, decimal_places=3)
    applicable = forms.BooleanField(label=_("适用"), required=False)
    reason = forms.CharField(label=_("复核说明"), max_length=500, required=False)


class ReviewHeaderForm(forms.Form):
    """The executed amount the reviewer found (blank: the self-evaluation's) and the reviewer's opinion."""

    executed = forms.DecimalField(label=_("复核全年执行数(元)"), required=False, min_value=0, max_digits=16,
                                  decimal_places=2)
    opinion = forms.CharField(label=_("复核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewerSignForm(forms.Form):
    """复核方签字."""

    opinion = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class UnitSignForm(forms.Form):
    """被评价单位签字: agree or not, and the opinion (required when not)."""

    agreed = forms.TypedChoiceField(label=_("是否认可复核结果"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("认可")), ("no", _("不认可"))], widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("被评价单位意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("agreed") is False and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("不认可复核结果时须写明意见和理由。"))
        return data


class PublishForm(forms.Form):
    """公开抽评结论."""

    conclusion = forms.CharField(label=_("抽评结论"), widget=forms.Textarea(attrs={"rows": 4}))
