"""Who may load organisations and accounts, and where: the finance bureau's budget section and performance
office manage the organisations of their own region (the region of the grant, never the levels below or
beside it); superusers manage everything. Every rule is a scope query (`visible_to`), never a hand-made list.
"""

from django.db.models import Q

from perfbudget.core.scopes import CHANGE, VIEW

from .choices import REGION_ROLES, Role
from .models import Organisation, Region, RoleGrant, User

# Roles that may create and update organisations and accounts of their own region.
MANAGER_ROLES = frozenset({Role.BUDGET_SECTION, Role.PERFORMANCE_OFFICE})
# Roles such a manager may grant (superusers may grant every role).
GRANTABLE_BY_MANAGERS = frozenset({Role.UNIT, Role.DEPARTMENT, Role.FUNDING_SECTION})
# Roles that may look at the users of their scope (用户与授权).
ACCOUNT_VIEWER_ROLES = frozenset({*MANAGER_ROLES, Role.FUNDING_SECTION, Role.DEPARTMENT})


def can_manage(user):
    """Whether `user` may import organisations and accounts at all."""
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*MANAGER_ROLES))


def can_view_accounts(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*ACCOUNT_VIEWER_ROLES))


def managed_regions(user):
    """The regions in which `user` may create organisations (exactly its manager grants' regions)."""
    return Region.objects.visible_to(user, CHANGE, roles=MANAGER_ROLES)


def managed_organisations(user):
    """The organisations `user` may update and grant roles on."""
    return Organisation.objects.visible_to(user, CHANGE, roles=MANAGER_ROLES)


def manages_organisation(user, org):
    return managed_organisations(user).filter(pk=org.pk).exists()


def manages_region(user, region):
    return managed_regions(user).filter(pk=region.pk).exists()


def can_grant(user, role):
    return bool(user.is_superuser or (role in GRANTABLE_BY_MANAGERS and can_manage(user)))


def manages_account(user, account):
    """Whether `user` may change `account` (its name, phone, password, grants).

    Superusers may change anyone. A region's manager may change an ordinary account only when every grant the
    account holds is one it could have given itself, so that no one takes over an account of another region
    or of the bureau by re-importing its user name with a new password.
    """
    if user.is_superuser:
        return True
    if account.is_superuser or account.is_staff or not can_manage(user):
        return False
    grants = list(account.role_grants.all())
    if not grants:
        return False
    if any(g.role not in GRANTABLE_BY_MANAGERS or g.organisation_id is None for g in grants):
        return False
    ids = {g.organisation_id for g in grants}
    return managed_organisations(user).filter(pk__in=ids).count() == len(ids)


def visible_grants_q(user, prefix=""):
    """A filter on role grants (or, with `prefix`, on rows reaching them) to those on the viewer's organisations
    and, for region roles, on the viewer's regions."""
    orgs = Organisation.objects.visible_to(user, VIEW).values("pk")
    regions = Region.objects.visible_to(user, VIEW, roles=REGION_ROLES).values("pk")
    return Q(**{f"{prefix}organisation__in": orgs}) | Q(**{f"{prefix}region__in": regions})


def visible_users(user):
    """The accounts listed for `user` (用户与授权): holders of a grant on an organisation it sees, or — for the
    finance bureau's region roles — on a region it sees."""
    if not can_view_accounts(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    grants = RoleGrant.objects.filter(visible_grants_q(user)).values("user_id")
    return User.objects.filter(pk__in=grants)
