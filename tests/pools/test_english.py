"""The pools in English: statuses read as statuses and actions as actions, although they share Chinese words with
each other (暂停 the status, 暂停 the button) and with the projects (已入库): translation contexts tell them apart."""

import pytest
from django.urls import reverse
from django.utils import translation

from perfbudget.pools.choices import DrawStatus, PoolStatus
from perfbudget.pools.workflow import TRANSITIONS
from perfbudget.projects.choices import ProjectStatus

from .helpers import agency


def test_statuses_and_actions_in_english():
    with translation.override("en"):
        assert [str(label) for _value, label in PoolStatus.choices] == ["Pending", "Approved", "Suspended",
                                                                        "Removed"]
        assert {t.action: str(t.label) for t in TRANSITIONS}["suspend"] == "Suspend"
        assert str(ProjectStatus.ACCEPTED.label) == "Accepted into the library"  # the project's own word
        assert [str(label) for _value, label in DrawStatus.choices] == ["Committed (seed not revealed)",
                                                                        "Result revealed"]
    assert str(PoolStatus.SUSPENDED.label) == "暂停"  # Chinese stays the default


@pytest.mark.django_db
def test_the_detail_page_in_english_has_the_status_and_the_action(world, client):
    a = agency(world.city, name="吴忠审计所")
    client.force_login(world.users["city"]["perf"])
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    page = client.get(reverse("pools:agency", args=[a.pk])).content.decode()
    assert 'id="entry-status">Approved<' in page
    assert ">Suspend</button>" in page and "Accepted into the library" not in page
