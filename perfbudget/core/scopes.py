"""Scopes: what each user may see and change, as one queryset method on every business model.

A model declares how it reaches its region and its organisation (`scope_region`, `scope_org` lookups; ""
for the model itself). `Model.objects.visible_to(user, action)` turns the user's role grants into one
filter: a unit sees its own subtree, a department its units, a funding section the departments it
oversees, a finance bureau its region and the regions below (changing only its own level). Regions and
organisations are trees with materialised paths (`/640000/640300/640323/`), so every rule is a prefix
test on an indexed column and a sibling is never matched.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

VIEW = "view"
CHANGE = "change"

NOTHING = Q(pk__in=[])


def _join(prefix, field):
    return f"{prefix}__{field}" if prefix else field


def grant_q(model, grant, action):
    """The filter one role grant contributes for `model`, or None when it contributes nothing."""
    from perfbudget.orgs.choices import READ_ONLY_ROLES, REGION_ROLES, Role

    rl, ol = model.scope_region, model.scope_org
    if action == CHANGE and grant.role in READ_ONLY_ROLES:
        return None
    if grant.role in REGION_ROLES:
        if rl is None:
            return None
        region = grant.effective_region
        if action == CHANGE:
            return Q(**{_join(rl, "path"): region.path})
        return Q(**{_join(rl, "path__startswith"): region.path})
    if grant.role == Role.FUNDING_SECTION:
        section = grant.organisation
        if section is None:
            return None
        if ol is None:
            return Q(**{_join(rl, "path"): section.region.path}) if rl is not None else None
        return Q(**{_join(ol, "department__funding_section"): section}) | Q(**{_join(ol, "path"): section.path})
    if grant.role in (Role.DEPARTMENT, Role.UNIT):
        org = grant.organisation
        if org is None:
            return None
        if ol is None:
            return Q(**{_join(rl, "path"): org.region.path}) if rl is not None and action == VIEW else None
        return Q(**{_join(ol, "path__startswith"): org.path})
    # Agencies and experts see only what they were assigned; models that have assignments say how.
    hook = getattr(model, "scope_assignments", None)
    return hook(grant, action) if hook else None


class ScopedQuerySet(models.QuerySet):
    """The default queryset of every business model: `visible_to` is the only way lists are built."""

    def visible_to(self, user, action=VIEW, roles=None):
        """Rows `user` may see (action="view") or write (action="change"), optionally via some roles only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        q = NOTHING
        for grant in user.grants:
            if roles is not None and grant.role not in roles:
                continue
            part = grant_q(self.model, grant, action)
            if part is not None:
                q |= part
        return self.filter(q)


def get_in_scope(model, user, pk, action=CHANGE, lock=False, roles=None):
    """Fetch one row through the scope (locked for update when asked) or refuse."""
    qs = model.objects.visible_to(user, action, roles=roles)
    if lock:
        qs = qs.select_for_update()
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied(_("无权操作该记录，或记录不存在。"))
    return obj


def assert_in_scope(obj, user, action=CHANGE):
    """Re-check a written row through the scope inside the transaction; raising rolls the write back."""
    if not type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("无权在该范围内保存记录。"))
