"""The demo region's agency and expert pool (第三方机构库与专家库), written through the pool services as the
performance offices (`city_perf`, `county_perf`).

Eight agencies — the two demo agency organisations (so that `city_agency` and `county_agency` are agencies in the
pool) and six registered ones — and twenty experts (`city_expert` and `county_expert` linked to their accounts),
in various fields; vetted (approved, one agency suspended after a major violation, an expert suspended, one of each
still pending), with declared conflicts, a tie, and a history of ratings that puts one expert on the
drop-the-lowest list. Entries are keyed by credit code and by name: running the seed again changes nothing.
"""

import datetime
from contextlib import contextmanager

from django.db import transaction

from perfbudget.core.audit import acting_as
from perfbudget.core.workflow import open_todos
from perfbudget.orgs.models import Organisation, Region, User
from perfbudget.pools import services as pool_services
from perfbudget.pools.choices import PoolStatus
from perfbudget.pools.creditcode import CHARSET, check_character
from perfbudget.pools.models import Agency, Expert
from perfbudget.pools.workflow import workflow_for

from . import evaluation_tables as E


def credit_code(region_code, serial):
    """A valid 统一社会信用代码: 91 (enterprise) + the region's code + a nine-character serial + the check character."""
    body = f"91{region_code}{serial}"
    assert len(body) == 17 and all(ch in CHARSET for ch in body), body
    return body + check_character(body)


@contextmanager
def seeded_draws(seed):
    """Make the commit-and-reveal draws (pools and spot checks) take their secret seeds from the demo's seed, so
    that the demo is the same on every fresh database. The draws stay verifiable: only the seed's source changes."""
    import hashlib
    from types import SimpleNamespace

    from perfbudget.evaluation import services_spot

    counter = iter(range(10**6))

    def token_hex(nbytes=32):
        return hashlib.sha256(f"{seed}:draw:{next(counter)}".encode()).hexdigest()[:2 * nbytes]

    modules = (pool_services, services_spot)
    saved = [m.secrets for m in modules]
    for m in modules:
        m.secrets = SimpleNamespace(token_hex=token_hex)
    try:
        yield
    finally:
        for m, original in zip(modules, saved, strict=True):
            m.secrets = original


def _vet(office, subject, status, reason):
    if status in (PoolStatus.APPROVED, PoolStatus.SUSPENDED):
        pool_services.vet(office, subject, "approve", "资质材料齐全，符合入库条件。")
    if status == PoolStatus.SUSPENDED:
        pool_services.vet(office, subject, "suspend", reason)


@transaction.atomic
def _own_agency(office, region, org, data, served):
    """An agency on an existing agency organisation (the demo's), as `register_agency` writes a new one."""
    agency = Agency(region=region, organisation=org, status=PoolStatus.PENDING, **data)
    agency.full_clean()
    with acting_as(office):
        agency.save()
        agency.regions_served.set(served)
    open_todos(agency, workflow_for(agency), agency.status)
    return agency


def _agencies(offices, regions, stats):
    have = set(Agency.objects.values_list("credit_code", flat=True))
    made = {}
    for org_code, name, owner, serial, fields, staff, certified, contact, quals, status, served in E.AGENCIES:
        code = credit_code(owner, serial)
        if code in have:
            continue
        office, region = offices[owner], regions[owner]
        data = {"name": name, "credit_code": code, "fields": list(fields), "staff_count": staff,
                "certified_staff": certified, "contact": contact, "qualifications": quals,
                "phone": f"0953-{2000000 + int(serial[3:6], 36) % 999999:07d}"}
        served_regions = [regions[c] for c in served]
        if org_code:
            agency = _own_agency(office, region, Organisation.objects.get(code=org_code), data, served_regions)
        else:
            agency = pool_services.register_agency(office, region, data, regions_served=served_regions)
        if status == PoolStatus.SUSPENDED:
            date, text, source = E.MAJOR_VIOLATION
            pool_services.add_violation(office, agency, datetime.date.fromisoformat(date), text, major=True,
                                        source=source)
        _vet(office, agency, status, E.SUSPEND_REASON)
        made[name] = agency
        stats["pool_agencies"] += 1
    for name, org_code in E.AGENCY_TIES:
        if name in made:
            made[name].ties.add(Organisation.objects.get(code=org_code))
    return made


def _experts(offices, regions, stats):
    have = set(Expert.objects.filter(region__in=regions.values()).values_list("name", flat=True))
    users = {u.username: u for u in User.objects.filter(username__in=[e[0] for e in E.EXPERTS if e[0]])}
    made = {}
    for n, (username, name, owner, employer, employer_org, title, fields, status, served) in enumerate(E.EXPERTS):
        if name in have:
            continue
        office = offices[owner]
        data = {"name": name, "employer": employer, "title": title, "fields": list(fields),
                "phone": f"139{(n * 7919 + 1234567) % 10**8:08d}", "user": users.get(username),
                "employer_org": Organisation.objects.get(code=employer_org) if employer_org else None}
        expert = pool_services.register_expert(office, regions[owner], data,
                                               regions_served=[regions[c] for c in served])
        _vet(office, expert, status, E.EXPERT_SUSPEND_REASON)
        made[name] = expert
        stats["pool_experts"] += 1
    for name, org_code, relation in E.CONFLICTS:
        if name in made:
            pool_services.declare_conflict(offices[made[name].region.code], made[name],
                                           Organisation.objects.get(code=org_code), relation)
            stats["pool_conflicts"] += 1
    return made


def seed_pools(offices, stats):
    """Write the pool (see the module docstring) as the performance offices `offices` ({region code: user});
    returns {name: Agency or Expert} of the entries written by this run."""
    regions = {r.code: r for r in Region.objects.filter(code__in=["640300", "640302", "640323", "640324"])}
    made = {**_agencies(offices, regions, stats), **_experts(offices, regions, stats)}
    for name, ratings in E.RATINGS.items():
        subject = made.get(name)
        if subject is None:
            continue
        office = offices[subject.region.code]
        for label, score in ratings:
            pool_services.rate(office, subject, score=score, comment=E.RATING_COMMENTS[score >= 60], label=label)
            stats["pool_ratings"] += 1
    if "中卫市沙坡头工程咨询有限责任公司" in made:
        date, text, source = E.MINOR_VIOLATION
        pool_services.add_violation(offices["640300"], made["中卫市沙坡头工程咨询有限责任公司"],
                                    datetime.date.fromisoformat(date), text, major=False, source=source)
    return made
