"""Forms of the pool pages. Organisations are named by their codes (a province has tens of thousands)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from perfbudget.orgs.models import Organisation, Region

from .choices import DrawKind, Field

FIELD_WIDGET = forms.SelectMultiple(attrs={"size": 6})


def parse_org_codes(text, kinds=None):
    """Organisations named by codes separated by commas, spaces or lines; unknown codes are an error."""
    codes = [c for c in re.split(r"[\s,，;；、]+", text or "") if c]
    qs = Organisation.objects.filter(code__in=codes)
    found = (qs.filter(kind__in=kinds) if kinds else qs).in_bulk(field_name="code")
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(gettext("机构编码不存在：%(codes)s") % {"codes": "、".join(missing)})
    return [found[c] for c in dict.fromkeys(codes)]


class OrgCodesField(forms.CharField):
    """Organisation codes as text, cleaned to a list of Organisation."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return parse_org_codes(super().clean(value))


class EntryForm(forms.Form):
    """What agencies and experts share on the register/edit pages."""

    region = forms.ModelChoiceField(label=_("所属区划"), queryset=Region.objects.none(), to_field_name="code")
    name = forms.CharField(label=_("名称"), max_length=200)
    fields = forms.MultipleChoiceField(label=_("专业领域"), choices=Field.choices, required=False,
                                       widget=FIELD_WIDGET)
    regions_served = forms.ModelMultipleChoiceField(label=_("服务区划"), queryset=Region.objects.all(),
                                                    to_field_name="code", required=False,
                                                    help_text=_("本区划以外，该机构或专家也参与哪些区划的抽取。"))
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    def __init__(self, *args, regions=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        if editing:
            del self.fields["region"]

    def add_model_errors(self, exc):
        """Put a model ValidationError on the matching fields (or on the form)."""
        for field, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
            for m in messages:
                self.add_error(field if field in self.fields else None, m)


class AgencyForm(EntryForm):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=1)
    qualifications = forms.CharField(label=_("资质"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    staff_count = forms.IntegerField(label=_("从业人员数"), min_value=0, initial=0)
    certified_staff = forms.IntegerField(label=_("持证人员数"), min_value=0, initial=0)
    contact = forms.CharField(label=_("联系人"), max_length=100, required=False)
    ties = OrgCodesField(label=_("关联单位编码"),
                         help_text=_("为其审计账目、提供咨询等的单位编码，逗号或换行分隔；抽取时回避。"))

    field_order = ["region", "name", "credit_code", "qualifications", "fields", "regions_served", "staff_count",
                   "certified_staff", "contact", "phone", "ties"]


class ExpertForm(EntryForm):
    title = forms.CharField(label=_("职称"), max_length=100, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    employer_org = OrgCodesField(label=_("工作单位编码（系统内机构）"), widget=forms.TextInput(),
                                 help_text=_("专家任职于系统内的部门或单位时填写，抽取时回避该单位。"))
    username = forms.CharField(label=_("专家账户（用户名）"), max_length=150, required=False)

    field_order = ["region", "name", "title", "employer", "employer_org", "fields", "regions_served", "phone",
                   "username"]

    def clean_employer_org(self):
        orgs = self.cleaned_data["employer_org"]
        if len(orgs) > 1:
            raise ValidationError(gettext("工作单位只能填写一个机构编码。"))
        return orgs[0] if orgs else None

    def clean_username(self):
        from perfbudget.orgs.models import User

        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise ValidationError(gettext("用户「%(u)s」不存在。") % {"u": name})
        return user


class ViolationForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("情况"), max_length=2000)
    major = forms.BooleanField(label=_("重大违规"), required=False)
    source = forms.CharField(label=_("来源"), max_length=200, required=False)


class ConflictForm(forms.Form):
    organisation = OrgCodesField(label=_("关联单位编码"), required=True, widget=forms.TextInput())
    relation = forms.CharField(label=_("关系说明"), max_length=300)
    valid_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_organisation(self):
        orgs = self.cleaned_data["organisation"]
        if len(orgs) != 1:
            raise ValidationError(gettext("请填写一个机构编码。"))
        return orgs[0]

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", gettext("截止日期不能早于起始日期。"))
        return data


class RatingForm(forms.Form):
    score = forms.DecimalField(label=_("评分"), min_value=0, max_value=100, decimal_places=2, max_digits=5)
    target_label = forms.CharField(label=_("评价事项"), max_length=300)
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=2000)


class DrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("抽取对象"), choices=DrawKind.choices)
    region = forms.ModelChoiceField(label=_("区划"), queryset=Region.objects.none(), to_field_name="code")
    count = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=50, initial=3)
    purpose = forms.CharField(label=_("抽取事由"), max_length=300)
    fields = forms.MultipleChoiceField(label=_("要求的专业领域"), choices=Field.choices, required=False,
                                       widget=FIELD_WIDGET, help_text=_("候选须覆盖所选的全部领域。"))
    subjects = OrgCodesField(label=_("被评价单位编码"),
                             help_text=_("与其有关联、利益冲突或任职关系的机构和专家将被排除。"))
    commissioning = OrgCodesField(label=_("委托单位编码"), widget=forms.TextInput())
    reveal = forms.BooleanField(label=_("承诺后立即公开结果"), required=False,
                                help_text=_("不勾选时先公布输入哈希和种子哈希，另行公开种子和结果。"))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()

    def clean_commissioning(self):
        orgs = self.cleaned_data["commissioning"]
        if len(orgs) > 1:
            raise ValidationError(gettext("委托单位只能填写一个机构编码。"))
        return orgs[0] if orgs else None
