"""One form for an account and one of its role grants (用户与授权): every imported row goes through it."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import GRANTABLE_BY_MANAGERS, can_grant, can_manage, manages_account, manages_organisation
from .choices import REGION_ROLES, OrgKind, Role
from .models import Organisation, Region, User
from .passwords import check_password

# Roles granted on an organisation, and the kind that organisation must be.
ORG_ROLE_KINDS = {Role.UNIT: OrgKind.UNIT, Role.DEPARTMENT: OrgKind.DEPARTMENT, Role.FUNDING_SECTION: OrgKind.SECTION}


def role_list(roles):
    return "、".join(str(Role(r).label) for r in Role.values if r in roles)


class AccountGrantForm(forms.Form):
    """One account (user name, name, phone, initial password) with one role grant on an organisation or region."""

    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150, validators=[UnicodeUsernameValidator()])
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("电话"), max_length=30, required=False)
    password = forms.CharField(label=gettext_lazy("初始密码"), max_length=128, required=False, strip=False)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    organisation_code = forms.CharField(label=gettext_lazy("授权机构代码"), max_length=40, required=False)
    region_code = forms.CharField(label=gettext_lazy("授权区划代码"), max_length=12, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.account = None
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self.account = User.objects.filter(username=username).first()
        if self.account is not None and not manages_account(self.user, self.account):
            raise forms.ValidationError(_("用户名「%(username)s」已被使用，该用户不在您的管理范围内"
                                          "（如需为其授权，请联系系统管理员）") % {"username": username})
        return username

    def clean_organisation_code(self):
        return self.cleaned_data["organisation_code"].strip().upper()

    def clean_region_code(self):
        return self.cleaned_data["region_code"].strip()

    def clean(self):
        data = super().clean()
        if not can_manage(self.user):
            raise forms.ValidationError(_("您没有导入用户的权限（仅财政局预算科、绩效科和系统管理员可以导入）"))
        data.update(account=self.account, organisation=None, region=None)
        role = data.get("role")
        if role and not can_grant(self.user, role):
            self.add_error("role", _("您只能授予%(allowed)s角色，不能授予「%(role)s」") % {
                "allowed": role_list(GRANTABLE_BY_MANAGERS), "role": Role(role).label})
        elif role:
            self._clean_scope(data, role)
        password = data.get("password")
        if password and "username" in data:
            probe = self.account or User(username=data["username"], display_name=data.get("display_name", ""))
            try:
                check_password(password, user=probe)
            except forms.ValidationError as exc:
                # Reported without the cell's value, so that no password is echoed into error reports.
                for message in exc.messages:
                    self.add_error(None, _("「初始密码」%(reason)s") % {"reason": message})
        return data

    def _clean_scope(self, data, role):
        org_code, region_code = data.get("organisation_code"), data.get("region_code")
        label = Role(role).label
        if role in REGION_ROLES:
            if not region_code:
                self.add_error("region_code", _("「%(role)s」按区划授权，必须填写授权区划代码") % {"role": label})
            elif org_code:
                self.add_error("organisation_code", _("「%(role)s」按区划授权，授权机构代码请留空") % {"role": label})
        elif role in ORG_ROLE_KINDS:
            if not org_code:
                self.add_error("organisation_code", _("「%(role)s」按机构授权，必须填写授权机构代码") % {"role": label})
            elif region_code:
                self.add_error("region_code", _("「%(role)s」按机构授权，授权区划代码请留空") % {"role": label})
        elif bool(org_code) == bool(region_code):
            self.add_error("organisation_code", _("请填写授权机构代码或授权区划代码（二者填其一）"))
        if self.errors:
            return
        if org_code:
            data["organisation"] = self._clean_organisation(org_code, role)
        if region_code:
            data["region"] = Region.objects.filter(code=region_code).first()
            if data["region"] is None:
                self.add_error("region_code", _("区划代码「%(code)s」不存在") % {"code": region_code})

    def _clean_organisation(self, code, role):
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            self.add_error("organisation_code", _("机构代码「%(code)s」不存在") % {"code": code})
            return None
        kind = ORG_ROLE_KINDS.get(role)
        if kind and org.kind != kind:
            message = _("授予「%(role)s」角色的机构应为%(kind)s，「%(code)s」是%(actual)s")
            self.add_error("organisation_code", message % {
                "role": Role(role).label, "kind": OrgKind(kind).label, "code": code, "actual": org.get_kind_display()})
            return None
        if not manages_organisation(self.user, org):
            self.add_error("organisation_code", _("机构「%(code)s」不在您的管理范围内（只能为本级区划的机构授权）")
                           % {"code": code})
            return None
        return org
