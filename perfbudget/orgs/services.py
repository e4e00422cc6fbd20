"""Writes of organisations and accounts (the import's save path); each is one transaction, scope-checked in it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from perfbudget.core.scopes import VIEW

from .access import can_grant, manages_account, manages_organisation
from .choices import OrgKind
from .models import Organisation, RoleGrant, User
from .tree import funding_section_error, kind_change_error, missing_parent_error, move_error, placement_error

# Model fields as named by the organisation form (so that errors land on the right column).
ORG_FIELD_NAMES = {"parent": "parent_code", "region": "region_code", "funding_section": "funding_section_code"}


def _by_code(code, field, label):
    if not code:
        return None
    org = Organisation.objects.select_related("region").filter(code=code).first()
    if org is None:
        raise ValidationError({field: _("%(label)s「%(code)s」不存在") % {"label": label, "code": code}})
    return org


def _tree_errors(user, org, data, parent, section):
    kind, region = data["kind"], data["region"]
    errors = {}
    if parent is None:
        error = missing_parent_error(kind)
    else:
        error = placement_error(kind, region, parent.code, parent.kind, parent.region)
        if error is None and org.pk and parent.path.startswith(org.path):
            error = _("上级机构「%(code)s」是本机构的下级机构，会形成循环") % {"code": parent.code}
        if error is None and not Organisation.objects.visible_to(user, VIEW).filter(pk=parent.pk).exists():
            error = _("上级机构「%(code)s」不在您的管理范围内") % {"code": parent.code}
    if error is None and org.pk:
        error = move_error(org, parent)
    if error:
        errors["parent_code"] = error
    if section is not None:
        error = funding_section_error(kind, region, section.code, section.kind, section.region)
        if error:
            errors["funding_section_code"] = error
    if org.pk and kind != org.kind:
        error = kind_change_error(org, kind)
        if error:
            errors["kind"] = error
    if org.pk and org.region_id != region.pk:
        errors["region_code"] = _("不能通过导入修改已有机构的所属区划")
    return errors


@transaction.atomic
def save_organisation(user, data, instance=None):
    """Create or update an organisation from the organisation form's cleaned data; returns it.

    Parents and funding sections are looked up by code here, so that a row may name one saved by an earlier row
    of the same file. A move re-roots the whole subtree (paths and department links of every descendant).
    """
    parent = _by_code(data.get("parent_code"), "parent_code", _("上级机构代码"))
    section = _by_code(data.get("funding_section_code"), "funding_section_code", _("归口业务科室代码"))
    if instance is not None:
        org = Organisation.objects.select_for_update().get(pk=instance.pk)
        if not manages_organisation(user, org):
            raise PermissionDenied(_("机构「%(code)s」不在您的管理范围内，不能修改") % {"code": org.code})
    else:
        org = Organisation(code=data["code"])
    errors = _tree_errors(user, org, data, parent, section)
    if errors:
        raise ValidationError(errors)
    old_path = org.path
    org.name, org.kind, org.region, org.is_active = data["name"], data["kind"], data["region"], data["is_active"]
    org.parent = parent
    org.funding_section = section if org.kind == OrgKind.DEPARTMENT else None
    try:  # the references were just looked up: no need for the model to query them again
        org.full_clean(exclude=["path", "department", "region", "parent", "funding_section"])
    except ValidationError as exc:
        raise ValidationError({ORG_FIELD_NAMES.get(k, k): v for k, v in exc.message_dict.items()})
    org.save()
    if old_path and org.path != old_path:
        _reroot_descendants(org, old_path)
    if not manages_organisation(user, org):
        raise PermissionDenied(_("无权在该区划保存机构「%(code)s」") % {"code": org.code})
    return org


def _reroot_descendants(org, old_path):
    """After a move, recompute the path (and department link) of everything below `org`, parents first."""
    saved = {org.pk: org}
    for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk).order_by("path"):
        child.parent = saved[child.parent_id]
        child.save()
        saved[child.pk] = child


@transaction.atomic
def save_account(user, data, instance=None):
    """Create or update an account and give it one role grant, from the account form's cleaned data.

    A new account gets the initial password; an existing one keeps its password unless one is given, and keeps
    its phone unless one is given. Returns the grant.
    """
    account = User.objects.select_for_update().filter(username=data["username"]).first()
    password = data.get("password") or ""
    if account is None:
        if not password:
            raise ValidationError({"password": _("新用户必须填写初始密码")})
        account = User(username=data["username"], display_name=data["display_name"], phone=data.get("phone") or "")
        account.set_password(password)
        account.full_clean()
        account.save()
    else:
        if not manages_account(user, account):
            raise PermissionDenied(_("用户「%(username)s」不在您的管理范围内") % {"username": account.username})
        account.display_name = data["display_name"]
        account.phone = data.get("phone") or account.phone
        if password:
            account.set_password(password)
        account.save()
    role, organisation, region = data["role"], data.get("organisation"), data.get("region")
    grant = instance or RoleGrant.objects.filter(user=account, role=role, organisation=organisation,
                                                 region=region).first()
    if grant is None:
        if not can_grant(user, role) or (organisation is not None and not manages_organisation(user, organisation)) \
                or (region is not None and not user.is_superuser):
            raise PermissionDenied(_("无权授予该角色"))
        grant = RoleGrant(user=account, role=role, organisation=organisation, region=region)
        grant.full_clean()
        grant.save()
    return grant
