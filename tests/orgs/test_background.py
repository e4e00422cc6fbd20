"""Large files run as background jobs through the same tables (the job loads the table by its path)."""

import os

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from perfbudget.core.importexport import run_import
from perfbudget.core.models import Job
from perfbudget.orgs.importers import ORG_SPEC
from perfbudget.orgs.importers_accounts import ACCOUNT_SPEC
from perfbudget.orgs.models import Organisation

from .helpers import ACCOUNT_HEADERS, NEW_PASSWORD, ORG_HEADERS, account, org, xlsx


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_organisations_in_the_background(world, immediate_tasks, django_capture_on_commit_callbacks):
    user = world.users["county"]["budget"]
    rows = [org("640323-BG", "后台局", "主管部门")] + [
        org(f"640323-BG-{i:02d}", f"后台单位{i}", parent="640323-BG") for i in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(ORG_SPEC, xlsx(rows, ORG_HEADERS), user, background_rows=3)
    job = Job.objects.get(pk=result.job.pk)
    assert job.status == Job.Status.SUCCEEDED, (job.error, job.result)
    assert job.result["created"] == 9
    unit = Organisation.objects.get(code="640323-BG-07")
    assert unit.department.code == "640323-BG"
    assert LogEntry.objects.get_for_object(unit).get().actor == user


def test_accounts_in_the_background(world, immediate_tasks, django_capture_on_commit_callbacks):
    rows = [account(f"yc_bg{i}", org="640323-JYJ-01") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(ACCOUNT_SPEC, xlsx(rows, ACCOUNT_HEADERS), world.users["county"]["budget"],
                            background_rows=2)
    assert Job.objects.get(pk=result.job.pk).status == Job.Status.SUCCEEDED
    assert Client().login(username="yc_bg4", password=NEW_PASSWORD)


def test_stored_account_file_is_deleted_once_the_job_is_done(world, login, immediate_tasks,
                                                             django_capture_on_commit_callbacks):
    rows = [account(f"yc_del{i}", org="640323-JYJ-01") for i in range(25)]
    c = login(world.users["county"]["budget"])
    upload = SimpleUploadedFile("用户.xlsx", xlsx(rows, ACCOUNT_HEADERS))
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("orgs:import_accounts"), {"file": upload})
    job = Job.objects.get(kind="import:accounts")
    assert job.status == Job.Status.SUCCEEDED and job.file
    path = job.file.path
    assert "导入成功" in c.get(r["Location"]).content.decode()
    job.refresh_from_db()
    assert not job.file and not os.path.exists(path)
