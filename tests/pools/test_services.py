"""Services: registration and vetting, commit and reveal of draws, conflict exclusions, ratings."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from perfbudget.core.models import TodoItem, WorkflowRecord
from perfbudget.core.workflow import WorkflowError
from perfbudget.orgs.choices import OrgKind
from perfbudget.pools import draws, services
from perfbudget.pools.choices import DrawStatus, PoolStatus
from perfbudget.pools.models import Draw, DrawImmutable, Rating

from .helpers import agency, credit_code, expert


@pytest.fixture
def perf(world):
    return world.users["city"]["perf"]


def test_register_agency_creates_its_organisation_and_a_todo(world, perf):
    a = services.register_agency(perf, world.city, {"name": "宁夏某会计师事务所", "credit_code": credit_code(),
                                                    "fields": ["education"], "staff_count": 10, "certified_staff": 3})
    assert a.status == PoolStatus.PENDING
    assert a.organisation.kind == OrgKind.AGENCY and a.organisation.region == world.city
    assert TodoItem.objects.filter(object_id=a.pk, role="performance_office", region=world.city,
                                   closed_at__isnull=True).exists()
    assert LogEntry.objects.get_for_object(a).exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"credit_code": "91110000100000589B"}, "credit_code"),  # the check character is A
    ({"fields": ["astrology"]}, "fields"),
    ({"staff_count": 2, "certified_staff": 5}, "certified_staff"),
    ({"name": ""}, "name"),
])
def test_register_agency_refuses_bad_data_and_writes_nothing(world, perf, data, field):
    from perfbudget.orgs.models import Organisation

    before = Organisation.objects.count()
    base = {"name": "某机构", "credit_code": credit_code(), "fields": ["education"], "staff_count": 5}
    with pytest.raises(ValidationError) as exc:
        services.register_agency(perf, world.city, {**base, **data})
    assert field in exc.value.message_dict
    assert Organisation.objects.count() == before


def test_only_the_regions_office_registers(world):
    with pytest.raises(PermissionDenied):
        services.register_expert(world.users["county"]["perf"], world.city, {"name": "某专家"})
    with pytest.raises(PermissionDenied):
        services.register_expert(world.users["city"]["budget"], world.city, {"name": "某专家"})


def test_vetting_is_a_logged_workflow(world, perf):
    e = expert(world.city, status=PoolStatus.PENDING, by=perf)
    services.vet(perf, e, "approve")
    with pytest.raises(WorkflowError, match="必须填写意见"):
        services.vet(perf, e, "suspend", "")
    services.vet(perf, e, "suspend", "评价报告质量差")
    e.refresh_from_db()
    assert (e.status, e.status_reason) == (PoolStatus.SUSPENDED, "评价报告质量差")
    assert list(WorkflowRecord.objects.filter(object_id=e.pk, workflow="pool_expert").values_list(
        "action", flat=True)) == ["approve", "suspend"]
    with pytest.raises(WorkflowError):
        services.vet(world.users["county"]["perf"], e, "remove", "越权")
    with pytest.raises(WorkflowError):
        services.vet(world.users["city"]["oversight"], e, "remove", "越权")


def _draw(user, region, kind="agency", count=2, subjects=(), **kw):
    return services.commit_draw(user, kind=kind, count=count, region=region, purpose="重点评价第三方机构抽取",
                                subject_orgs=list(subjects), **kw)


def test_commit_then_reveal_and_verify(world, perf):
    pool = [agency(world.city) for _ in range(5)]
    draw = _draw(perf, world.city, count=2, target=world.projects["city"]["school"])
    assert draw.status == DrawStatus.COMMITTED and draw.seed == "" and draw.result == []
    assert draw.seed_hash == draws.sha256_hex(draw.sealed_seed)
    assert "sealed_seed" not in draw.record() and draw.record()["seed"] == ""
    assert [c["id"] for c in draw.inputs["candidates"]] == sorted(a.pk for a in pool)
    assert draw.selected() == []
    revealed = services.reveal_draw(perf, draw)
    assert revealed.status == DrawStatus.REVEALED and len(revealed.result) == 2
    assert [a.pk for a in revealed.selected()] == revealed.result
    ok, problems, record = services.verify_draw(revealed)
    assert ok and problems == [] and record["seed"] == revealed.seed
    assert list(Draw.objects.for_target(world.projects["city"]["school"])) == [revealed]
    with pytest.raises(services.PoolError, match="已公开"):
        services.reveal_draw(perf, revealed)


def test_revealed_draws_cannot_be_edited_or_deleted(world, perf):
    for _ in range(2):
        agency(world.city)
    draw = _draw(perf, world.city, count=1)
    draw.inputs = {**draw.inputs, "count": 2}
    with pytest.raises(DrawImmutable, match="已承诺"):
        draw.save()
    draw = services.reveal_draw(perf, Draw.objects.get(pk=draw.pk))
    draw.result = list(reversed(draw.result))
    with pytest.raises(DrawImmutable, match="不能修改"):
        draw.save()
    with pytest.raises(DrawImmutable):
        draw.delete()
    with pytest.raises(DrawImmutable):
        Draw.objects.filter(pk=draw.pk).delete()


def test_conflicts_are_excluded_with_reasons(world, perf):
    school, edu = world.orgs["city"]["school"], world.orgs["city"]["edu"]
    tied = agency(world.city, name="关联所", ties=[edu])
    declared = agency(world.city, name="申报所")
    services.declare_conflict(perf, declared, school, "为该校做年报审计", datetime.date(2026, 1, 1))
    violated = agency(world.city, name="违规所")
    services.add_violation(perf, violated, datetime.date.today() - datetime.timedelta(days=300), "出具虚假报告",
                           major=True)
    minor = agency(world.city, name="轻微所")
    services.add_violation(perf, minor, datetime.date.today(), "迟交报告", major=False)
    suspended = agency(world.city, name="暂停所", status=PoolStatus.SUSPENDED)
    wrong_field = agency(world.city, name="水利所", fields=["water"])
    fine = agency(world.city, name="合格所")
    draw = _draw(perf, world.city, count=2, subjects=[school], fields=["education"])
    ex = draw.inputs["exclusions"]
    assert "关联关系" in ex[str(tied.pk)]
    assert "利益冲突" in ex[str(declared.pk)]
    assert "重大违规" in ex[str(violated.pk)]
    assert "未处于已入库状态（当前为暂停）" in ex[str(suspended.pk)]
    assert "专业领域不含：教育" in ex[str(wrong_field.pk)]
    assert str(minor.pk) not in ex and str(fine.pk) not in ex
    assert set(services.reveal_draw(perf, draw).result) == {minor.pk, fine.pk}
    assert draw.inputs["context"]["subjects"] == [{"code": school.code, "name": school.name}]


def test_an_expert_employed_by_the_subject_is_excluded(world, perf):
    school, school2 = world.orgs["city"]["school"], world.orgs["city"]["school2"]
    own = expert(world.city, employer_org=school)
    sibling = expert(world.city, employer_org=school2)
    free = expert(world.city)
    draw = _draw(perf, world.city, kind="expert", count=2, subjects=[school])
    assert "任职于被评价单位" in draw.inputs["exclusions"][str(own.pk)]
    assert set(services.reveal_draw(perf, draw).result) == {sibling.pk, free.pk}


def test_an_agency_that_is_the_subject_is_excluded(world, perf):
    subject = agency(world.city)
    others = [agency(world.city) for _ in range(2)]
    draw = _draw(perf, world.city, count=2, subjects=[subject.organisation])
    assert "机构本身是被评价对象" in draw.inputs["exclusions"][str(subject.pk)]
    assert set(services.reveal_draw(perf, draw).result) == {a.pk for a in others}


def test_self_commissioning_is_refused(world, perf):
    agency(world.city)
    edu, school = world.orgs["city"]["edu"], world.orgs["city"]["school"]
    with pytest.raises(services.PoolError, match="主体分离"):
        _draw(perf, world.city, count=1, subjects=[edu], commissioning_org=edu)
    with pytest.raises(services.PoolError, match="主体分离"):
        _draw(perf, world.city, count=1, subjects=[edu], commissioning_org=school)
    assert _draw(perf, world.city, count=1, subjects=[school], commissioning_org=edu).pk  # a department may commission
    assert Draw.objects.count() == 1


def test_too_few_candidates_is_a_clear_message(world, perf):
    agency(world.city)
    agency(world.city, status=PoolStatus.PENDING)
    with pytest.raises(services.PoolError, match="符合条件的候选只有1个，少于抽取数量2个"):
        _draw(perf, world.city, count=2)
    assert not Draw.objects.exists()


@pytest.mark.parametrize(("kw", "message"), [
    ({"count": 0}, "1到50"), ({"count": "x"}, "整数"), ({"kind": "judge"}, "第三方机构或专家"),
    ({"fields": ["nonsense"]}, "未知的专业领域"),
])
def test_bad_draw_arguments(world, perf, kw, message):
    agency(world.city)
    with pytest.raises(services.PoolError, match=message):
        _draw(perf, world.city, **kw)


def test_only_the_regions_office_draws(world):
    agency(world.city)
    for u in (world.users["county"]["perf"], world.users["city"]["budget"], world.users["city"]["oversight"],
              world.users["city"]["unit"]):
        with pytest.raises(PermissionDenied):
            _draw(u, world.city, count=1)


def test_the_pool_of_a_county_is_its_own_plus_those_serving_it(world):
    county_perf = world.users["county"]["perf"]
    own = agency(world.county, by=county_perf)
    serving = agency(world.city, regions_served=[world.county])
    agency(world.city)  # the city's own, not serving the county
    draw = _draw(county_perf, world.county, count=2)
    assert {c["id"] for c in draw.inputs["candidates"]} == {own.pk, serving.pk}


def test_rate_and_replace(world, perf):
    a = agency(world.city)
    py = world.projects["city"]["school"]
    services.rate(perf, a, target=py, score=Decimal("85.5"), comment="报告规范")
    r = services.rate(perf, a, target=py, score=90)
    assert Rating.objects.filter(agency=a).count() == 1 and r.score == Decimal("90.00")
    assert r.target == py and r.region == world.city
    for bad in (-1, 101, "abc"):
        with pytest.raises(ValidationError):
            services.rate(perf, a, target=py, score=bad)
    with pytest.raises(PermissionDenied):
        services.rate(world.users["sibling"]["perf"], a, target=py, score=80)
    # the city office sees, and so may rate, an agency owned by a county below it
    county_agency = agency(world.county)
    assert services.rate(perf, county_agency, target=py, score=70).region == world.county


def test_ranking_marks_the_drop_list(world, perf):
    good, poor, new = agency(world.city, name="甲所"), agency(world.city, name="乙所"), agency(world.city, name="丙所")
    projects = list(world.projects["city"].values())
    for p in projects[:2]:
        services.rate(perf, good, target=p, score=92)
        services.rate(perf, poor, target=p, score=50)
    services.rate(perf, new, target=projects[0], score=10)
    rows, rules = services.ranking_for(perf, "agency", world.city)
    by = {r.id: r for r in rows}
    assert by[good.pk].rank == 1 and not by[good.pk].drop
    assert by[poor.pk].rank == 2 and "below_min" in by[poor.pk].reasons
    assert by[new.pk].rank is None and not by[new.pk].drop
    assert rules["min_rating"] == Decimal(60)


def test_the_change_log_never_holds_the_sealed_seed(world, perf):
    agency(world.city)
    draw = _draw(perf, world.city, count=1)
    seed = draw.sealed_seed
    dumped = [str(e.changes) + str(e.serialized_data) for e in LogEntry.objects.get_for_object(draw)]
    assert dumped and not any(seed in d for d in dumped)
    services.reveal_draw(perf, draw)
    assert any(seed in str(e.changes) for e in LogEntry.objects.get_for_object(draw))  # published by the reveal
