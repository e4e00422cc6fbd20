"""Builders of pool entries for tests (and a pattern demo data can imitate): agencies and experts, vetted
through the same services the pages use."""

import itertools

from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import RoleGrant, User
from perfbudget.pools import services
from perfbudget.pools.choices import PoolStatus
from perfbudget.pools.creditcode import CHARSET, check_character

_seq = itertools.count(1)


def credit_code(n=None):
    """A valid 统一社会信用代码 (91 = enterprise, 640300 = region, then a serial) with the standard check character."""
    n = next(_seq) if n is None else n
    body = f"91640300{n:09d}"
    assert all(ch in CHARSET for ch in body)
    return body + check_character(body)


def _admin():
    return User.objects.get(username="admin")


def _vet(subject, status, by):
    if status in (PoolStatus.APPROVED, PoolStatus.SUSPENDED):
        services.vet(by, subject, "approve")
    if status == PoolStatus.SUSPENDED:
        services.vet(by, subject, "suspend", "测试暂停")
    if status == PoolStatus.REMOVED:
        services.vet(by, subject, "remove", "测试清退")
    subject.refresh_from_db()
    return subject


def agency(region, name=None, fields=("education",), status=PoolStatus.APPROVED, ties=(), regions_served=(), by=None,
           **data):
    """An agency owned by `region` (approved by default), registered by `by` (the superuser by default)."""
    by = by or _admin()
    n = next(_seq)
    a = services.register_agency(by, region, {
        "name": name or f"测试会计师事务所{n}", "credit_code": data.pop("credit_code", None) or credit_code(n),
        "fields": list(fields), "qualifications": "会计师事务所执业证书", "staff_count": 20, "certified_staff": 8,
        "contact": "张三", **data}, regions_served=regions_served, ties=ties)
    return _vet(a, status, by)


def agency_user(a, username=None):
    """A login of the agency `a` (role agency granted on its organisation)."""
    u = User.objects.create_user(username=username or f"agency{a.pk}", password="x", display_name=a.name)
    RoleGrant.objects.create(user=u, role=Role.AGENCY, organisation=a.organisation)
    return u


def expert(region, name=None, fields=("education",), status=PoolStatus.APPROVED, employer_org=None, user=None,
           regions_served=(), by=None, **data):
    """An expert owned by `region` (approved by default)."""
    by = by or _admin()
    n = next(_seq)
    e = services.register_expert(by, region, {
        "name": name or f"测试专家{n}", "fields": list(fields), "employer": getattr(employer_org, "name", "某大学"),
        "employer_org": employer_org, "title": "教授", "user": user, **data}, regions_served=regions_served)
    return _vet(e, status, by)


def expert_user(username, region):
    """A login with the expert role (granted on a region)."""
    u = User.objects.create_user(username=username, password="x", display_name=username)
    RoleGrant.objects.create(user=u, role=Role.EXPERT, region=region)
    return u
