"""ScopedViewSetMixin's write path and change-log actor, through a test-only writable view set."""

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import pre_save

from perfbudget.orgs.models import Organisation

pytestmark = pytest.mark.urls("tests.api.writable_urls")

URL = "/writable/organisations/"


def receivers():
    return len(pre_save.receivers)


def entries(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_token_write_records_the_actor_and_leaves_no_signal_receivers(world, token_client):
    user = world.users["county"]["dept"]
    school = world.orgs["county"]["school"]
    before = receivers()
    r = token_client(user).patch(f"{URL}{school.pk}/", {"name": "盐池县第一中学（新校区）"}, format="json")
    assert r.status_code == 200, r.content
    assert receivers() == before
    entry = entries(school).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == user
    assert entry.changes_dict["name"] == ["盐池县第一中学", "盐池县第一中学（新校区）"]
    assert entry.cid == r["X-Request-ID"]
    assert entry.remote_addr == "127.0.0.1"


def test_create_inside_scope(world, token_client):
    user = world.users["county"]["dept"]
    r = token_client(user).post(URL, {"code": "640323-JYJ-03", "name": "盐池县第三小学", "kind": "unit",
                                      "region": "640323", "parent": "640323-JYJ"}, format="json")
    assert r.status_code == 201, r.content
    created = Organisation.objects.get(code="640323-JYJ-03")
    assert created.department == world.orgs["county"]["edu"]
    assert entries(created).get().actor == user


def test_write_that_leaves_the_scope_is_rolled_back(world, token_client):
    client = token_client(world.users["county"]["dept"])
    school = world.orgs["county"]["school"]
    logged = LogEntry.objects.count()
    r = client.patch(f"{URL}{school.pk}/", {"name": "改名", "parent": "640323-NYJ"}, format="json")
    assert r.status_code == 403
    school.refresh_from_db()
    assert (school.name, school.parent.code) == ("盐池县第一中学", "640323-JYJ")
    r = client.post(URL, {"code": "640323-NYJ-09", "name": "别人的单位", "kind": "unit", "region": "640323",
                          "parent": "640323-NYJ"}, format="json")
    assert r.status_code == 403
    assert not Organisation.objects.filter(code="640323-NYJ-09").exists()
    assert LogEntry.objects.count() == logged


def test_read_only_role_gets_403_and_outsider_404(world, token_client):
    school = world.orgs["county"]["school"]
    r = token_client(world.users["county"]["oversight"]).patch(f"{URL}{school.pk}/", {"name": "x"}, format="json")
    assert r.status_code == 403
    assert r.json() == {"detail": "您只能查看该记录，无权修改。"}
    # The city's performance office sees the county but changes only its own level.
    r = token_client(world.users["city"]["perf"]).patch(f"{URL}{school.pk}/", {"name": "x"}, format="json")
    assert r.status_code == 403
    r = token_client(world.users["sibling"]["dept"]).patch(f"{URL}{school.pk}/", {"name": "x"}, format="json")
    assert r.status_code == 404
    assert r.json() == {"detail": "记录不存在或不在您的查看范围内。"}
    school.refresh_from_db()
    assert school.name == "盐池县第一中学"


def test_session_write_keeps_the_actor(world, client):
    user = world.users["county"]["unit"]
    client.force_login(user)
    school = world.orgs["county"]["school"]
    before = receivers()
    r = client.patch(f"{URL}{school.pk}/", {"name": "一中"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert receivers() == before
    assert entries(school).last().actor == user
