"""The execution import pages: upload, templates, job progress and errors, background jobs, recent batches."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from perfbudget.core.models import Job
from perfbudget.monitoring.execution.jobs import start_import
from perfbudget.monitoring.models import ExecutionBatch, ExecutionYear

from .execution_helpers import csv_text, xlsx_bytes

URL = "/monitoring/execution/import/"


def upload(content, name="execution.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def test_only_bureau_sections_may_import(world, login):
    for role in ("unit", "dept", "funding", "oversight"):
        r = login(world.users["county"][role]).get(URL)
        assert r.status_code == 403 and "绩效科、预算科" in r.content.decode()
    for role in ("perf", "budget"):
        r = login(world.users["county"][role]).get(URL)
        html = r.content.decode()
        assert r.status_code == 200 and "导入预算执行数据" in html and "project_code" in html
        assert 'id="btn-template-csv"' in html and 'id="btn-template-xlsx"' in html


def test_templates_download_and_import_as_they_are(world, login, tmp_path):
    client = login(world.users["county"]["perf"])
    r = client.get("/monitoring/execution/template.csv")
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbfproject_code,fiscal_year,month,paid_amount,")
    r = client.get("/monitoring/execution/template.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["执行数据", "填写说明"]
    assert [c.value for c in wb["执行数据"][1]][:4] == ["项目编码", "预算年度", "月份", "支付金额(元)"]
    ws = wb["执行数据"]
    ws.append(["COUNTY-EDU-1", 2025, 4, 1500.25])
    out = io.BytesIO()
    wb.save(out)
    r = client.post(URL, {"file": upload(out.getvalue(), "filled.xlsx")})
    assert r.status_code == 302
    assert ExecutionYear.objects.get().m04 == Decimal("1500.25")


def test_upload_shows_counts_on_the_job_page(world, login):
    client = login(world.users["county"]["perf"])
    r = client.post(URL, {"file": upload(csv_text([("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-2", 2025, 1, "5")]))})
    job = Job.objects.get(kind="import:execution")
    assert r.status_code == 302 and r["Location"] == f"/monitoring/execution/jobs/{job.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert 'id="import-success"' in html and "新增 2 条" in html
    assert job.status == Job.Status.SUCCEEDED and ExecutionBatch.objects.get().job == job
    html = client.get("/monitoring/execution/batches/").content.decode()
    assert "execution.csv" in html and 'id="execution-batches"' in html


def test_bad_rows_are_listed_with_a_report(world, login):
    client = login(world.users["county"]["budget"])
    r = client.post(URL, {"file": upload(csv_text([("COUNTY-EDU-1", 2025, 13, "100"), ("NOPE", 2025, 1, "x")]))})
    html = client.get(r["Location"]).content.decode()
    assert 'id="import-failed"' in html and "月份应在 1 到 12 之间" in html and "NOPE" in html
    job = Job.objects.get()
    report = client.get(f"/monitoring/execution/jobs/{job.pk}/errors.xlsx")
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) >= 4 and rows[1][:2] == (2, "month")
    assert not ExecutionYear.objects.exists()
    # another user cannot see the job
    assert login(world.users["sibling"]["budget"]).get(f"/monitoring/execution/jobs/{job.pk}/").status_code == 404


def test_a_file_that_is_not_csv_is_refused_on_the_form(world, login):
    client = login(world.users["county"]["perf"])
    r = client.post(URL, {"file": upload(b"%PDF-1.4 something", "report.pdf")})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="import-file-errors"' in html and "PDF" in html
    assert not Job.objects.exists()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_large_files_run_as_a_background_job(world, immediate_tasks, django_capture_on_commit_callbacks):
    user = world.users["county"]["perf"]
    rows = [(code, 2025, m, f"{m}.5") for code in ("COUNTY-EDU-1", "COUNTY-EDU-2") for m in range(1, 13)]
    with django_capture_on_commit_callbacks(execute=True):
        result = start_import(upload(xlsx_bytes(rows), "big.xlsx"), user, background_rows=5)
    job = Job.objects.get(pk=result.job.pk)
    assert job.status == Job.Status.SUCCEEDED, (job.error, job.result)
    assert (job.total, job.done, job.result["created"]) == (24, 24, 24)
    assert job.params["handler"] == "perfbudget.monitoring.execution.jobs.run_import_job"
    assert not job.file  # the upload is not kept once loaded
    batch = ExecutionBatch.objects.get()
    assert (batch.job, batch.created_by, batch.rows) == (job, user, 24)


def test_background_job_with_errors_writes_nothing(world, immediate_tasks, django_capture_on_commit_callbacks):
    rows = [("COUNTY-EDU-1", 2025, m, "1") for m in range(1, 13)] + [("COUNTY-EDU-1", 2025, 1, "2")]
    with django_capture_on_commit_callbacks(execute=True):
        result = start_import(upload(csv_text(rows)), world.users["county"]["perf"], background_rows=5)
    job = Job.objects.get(pk=result.job.pk)
    assert job.status == Job.Status.FAILED and "未写入任何数据" in job.error
    assert job.result["errors"][0][:3] == [14, "project_code", "COUNTY-EDU-1"]
    assert not ExecutionYear.objects.exists()


def test_batches_are_scoped_to_the_region(world, login):
    for key in ("county", "sibling"):
        start_import(upload(csv_text([(f"{key.upper()}-EDU-1", 2025, 1, "1")]), f"{key}.csv"),
                     world.users[key]["perf"])
    html = login(world.users["county"]["budget"]).get("/monitoring/execution/batches/").content.decode()
    assert "county.csv" in html and "sibling.csv" not in html
    html = login(world.users["city"]["perf"]).get("/monitoring/execution/batches/").content.decode()
    assert "county.csv" in html and "sibling.csv" in html  # the city sees the counties below it
    batch = ExecutionBatch.objects.get(filename="sibling.csv")
    assert login(world.users["county"]["perf"]).get(f"/monitoring/execution/batches/{batch.pk}/").status_code == 404
    assert login(world.users["county"]["unit"]).get("/monitoring/execution/batches/").status_code == 403


def test_batch_page_lists_corrections(world, login):
    user = world.users["county"]["perf"]
    start_import(upload(csv_text([("COUNTY-EDU-1", 2025, 1, "100")])), user)
    result = start_import(upload(csv_text([("COUNTY-EDU-1", 2025, 1, "120")])), user)
    html = login(user).get(f"/monitoring/execution/batches/{result.batch.pk}/").content.decode()
    assert 'id="execution-changes"' in html and "100.00" in html and "120.00" in html
