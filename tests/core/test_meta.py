"""Guards for later stages: every business model is scoped and change-logged."""

from auditlog.registry import auditlog
from django.apps import apps

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import ScopedQuerySet

# Reference data shared by all regions: visible to everyone signed in, edited only by administrators.
GLOBAL = {"orgs.FiscalYear", "orgs.RoleGrant"}


def business_models():
    return [m for m in apps.get_models() if issubclass(m, BusinessModel)]


def test_every_business_model_is_change_logged():
    missing = [m._meta.label for m in business_models() if not auditlog.contains(m)]
    assert missing == []


def test_every_business_model_is_scoped():
    unscoped = []
    for m in business_models():
        if m._meta.label in GLOBAL:
            continue
        if not isinstance(m.objects.all(), ScopedQuerySet) or (m.scope_region is None and m.scope_org is None):
            unscoped.append(m._meta.label)
    assert unscoped == []
