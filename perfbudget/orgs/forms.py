"""One form for an organisation (机构): every imported row goes through it.

References are by code. A parent or funding section that is not in the system yet may be a row earlier in the
same file: the form leaves it unresolved (`parent` is None while `parent_code` is set) and the import's
cross-row check and the save path resolve it (see importers.py and services.py).
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perfbudget.core.scopes import VIEW

from .access import can_manage, managed_regions, manages_region
from .choices import OrgKind
from .models import Organisation, Region
from .tree import funding_section_error, kind_change_error, missing_parent_error, move_error, placement_error

CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# Kinds an import may create: the bureau's sections (superusers only), departments and units.
IMPORT_KINDS = (OrgKind.SECTION, OrgKind.DEPARTMENT, OrgKind.UNIT)
YES_NO = [(True, gettext_lazy("是")), (False, gettext_lazy("否"))]


def kind_choices(user):
    """The kinds `user` may import: departments and units; sections too for superusers."""
    kinds = IMPORT_KINDS if user is not None and user.is_superuser else (OrgKind.DEPARTMENT, OrgKind.UNIT)
    return [(k, OrgKind(k).label) for k in kinds]


def region_list(regions):
    return "、".join(f"{r.name} {r.code}" for r in regions)


class OrganisationForm(forms.Form):
    """机构信息. `user` decides which kinds and regions are accepted."""

    code = forms.RegexField(
        label=gettext_lazy("机构代码"), max_length=40, regex=CODE_REGEX,
        error_messages={"invalid": gettext_lazy("机构代码只能包含字母、数字、连字符、下划线和点。")})
    name = forms.CharField(label=gettext_lazy("机构名称"), max_length=200)
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=[(k, OrgKind(k).label) for k in IMPORT_KINDS],
        error_messages={"invalid_choice": gettext_lazy(
            "类型应为主管部门或预算单位（财政局科室只能由系统管理员导入）。")})
    parent_code = forms.CharField(label=gettext_lazy("上级机构代码"), max_length=40, required=False)
    region_code = forms.CharField(label=gettext_lazy("所属区划代码"), max_length=12)
    funding_section_code = forms.CharField(label=gettext_lazy("归口业务科室代码"), max_length=40, required=False)
    is_active = forms.TypedChoiceField(label=gettext_lazy("启用"), choices=YES_NO, initial=True,
                                       coerce=lambda v: v in (True, "True"))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.instance = None
        self.region = None
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(user)

    def clean_code(self):
        code = self.cleaned_data["code"].upper()
        self.instance = Organisation.objects.select_related("region").filter(code=code).first()
        return code

    def clean_parent_code(self):
        return self.cleaned_data["parent_code"].strip().upper()

    def clean_funding_section_code(self):
        return self.cleaned_data["funding_section_code"].strip().upper()

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        self.region = Region.objects.filter(code=code).first()
        if self.region is None:
            raise forms.ValidationError(_("区划代码「%(code)s」不存在") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        if not can_manage(self.user):
            raise forms.ValidationError(_("您没有导入机构的权限（仅财政局预算科、绩效科和系统管理员可以导入）"))
        data.update(region=self.region, parent=None, funding_section=None)
        kind = data.get("kind")
        if self.region is not None:
            self._check_region()
        if self.instance is not None and kind and kind != self.instance.kind:
            error = kind_change_error(self.instance, kind)
            if error:
                self.add_error("kind", error)
        if kind and self.region is not None:
            data["parent"] = self._clean_parent(data, kind)
            data["funding_section"] = self._clean_funding_section(data, kind)
        return data

    def _check_region(self):
        instance, region = self.instance, self.region
        if instance is None and not manages_region(self.user, region):
            self.add_error("region_code", _("您只能在本级区划（%(own)s）内新增机构，不能在「%(region)s」新增") % {
                "own": region_list(managed_regions(self.user)) or "—", "region": region.name})
        elif instance is not None and instance.region_id != region.pk:
            self.add_error("region_code", _("不能通过导入修改已有机构的所属区划（现为%(region)s %(code)s）") % {
                "region": instance.region.name, "code": instance.region.code})

    def _clean_parent(self, data, kind):
        code = data.get("parent_code")
        if not code:
            error = missing_parent_error(kind)
            if error:
                self.add_error("parent_code", error)
            return None
        if code == data.get("code"):
            self.add_error("parent_code", _("上级机构不能是本机构"))
            return None
        parent = Organisation.objects.select_related("region").filter(code=code).first()
        if parent is None:
            return None  # perhaps a row earlier in the file: resolved by the import's cross-row check
        error = placement_error(kind, self.region, code, parent.kind, parent.region)
        if error is None and not Organisation.objects.visible_to(self.user, VIEW).filter(pk=parent.pk).exists():
            error = _("上级机构「%(code)s」不在您的管理范围内") % {"code": code}
        if error is None and self.instance is not None and parent.path.startswith(self.instance.path):
            error = _("上级机构「%(code)s」是本机构的下级机构，会形成循环") % {"code": code}
        if error is None and self.instance is not None:
            error = move_error(self.instance, parent)
        if error:
            self.add_error("parent_code", error)
            return None
        return parent

    def _clean_funding_section(self, data, kind):
        code = data.get("funding_section_code")
        if not code:
            return None
        section = Organisation.objects.select_related("region").filter(code=code).first()
        if section is None:
            if kind != OrgKind.DEPARTMENT:
                self.add_error("funding_section_code", _("只有主管部门填写归口业务科室，请留空"))
            return None
        error = funding_section_error(kind, self.region, code, section.kind, section.region)
        if error:
            self.add_error("funding_section_code", error)
            return None
        return section
