"""The import and export pages through the test client: template, upload, result, error report, export."""

from urllib.parse import quote

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perfbudget.core.models import Job
from perfbudget.projects.models import Project, ProjectYear

from .helpers import HEADERS, counts, read, row, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(content, name="项目.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


def test_template_download(world, login):
    c = login(world.users["county"]["unit"])
    r = c.get(reverse("projects:import_template"))
    assert r.status_code == 200 and r["Content-Type"] == XLSX_TYPE
    assert f"filename*=UTF-8''{quote('项目导入模板.xlsx')}" in r["Content-Disposition"]
    assert [c.value for c in read(r.content).active[1]] == HEADERS


def test_read_only_roles_cannot_import(world, login):
    c = login(world.users["county"]["oversight"])
    assert c.get(reverse("projects:import")).status_code == 403
    assert c.get(reverse("projects:import_template")).status_code == 403
    assert c.post(reverse("projects:import"), {"file": _upload(xlsx([row(world)]))}).status_code == 403
    assert not Project.objects.filter(code="IMP-001").exists()


def test_anonymous_is_sent_to_login(client):
    r = client.get(reverse("projects:import"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_upload_good_file_shows_success(world, login):
    c = login(world.users["county"]["unit"])
    assert "下载导入模板" in c.get(reverse("projects:import")).content.decode()
    r = c.post(reverse("projects:import"), {"file": _upload(xlsx([row(world), row(world, 项目编码="IMP-002")]))})
    assert r.status_code == 302
    job = Job.objects.get()
    assert r["Location"] == reverse("projects:import_job", args=[job.pk])
    html = c.get(r["Location"]).content.decode()
    assert "导入成功" in html and "新增 2 条" in html
    assert Project.objects.filter(code__in=["IMP-001", "IMP-002"]).count() == 2
    entry = LogEntry.objects.get_for_object(ProjectYear.objects.get(project__code="IMP-001")).get()
    assert entry.actor == world.users["county"]["unit"] and entry.remote_addr == "127.0.0.1" and entry.cid
    assert "项目.xlsx" in c.get(reverse("projects:import")).content.decode()  # listed under recent imports


def test_upload_bad_rows_shows_errors_and_error_report(world, login):
    c = login(world.users["county"]["unit"])
    before = counts()
    content = xlsx([row(world), row(world, 项目编码="IMP-002", 预算单位="NOPE-9", **{"预算类型": "某预算"})])
    r = c.post(reverse("projects:import"), {"file": _upload(content)}, follow=True)
    html = r.content.decode()
    assert counts() == before
    assert "导入未通过，没有写入任何数据" in html and 'id="import-errors"' in html
    assert "NOPE-9" in html and "预算单位不存在或不在您的管理范围内" in html
    job = Job.objects.get()
    report = c.get(reverse("projects:import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"] == XLSX_TYPE
    ws = read(report.content).active
    assert [c.value for c in ws[1]][:4] == ["行号", "列名", "值", "错误原因"]
    lines = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [3, "预算单位", "NOPE-9", "预算单位不存在或不在您的管理范围内",
            "第3行「预算单位」值「NOPE-9」：预算单位不存在或不在您的管理范围内"] in lines
    assert any(line[1] == "预算类型" and line[2] == "某预算" for line in lines)


def test_upload_not_xlsx_shows_the_reason_on_the_form(world, login):
    c = login(world.users["county"]["unit"])
    before = counts()
    r = c.post(reverse("projects:import"), {"file": _upload("项目编码,项目名称\nP-1,x\n".encode(), "项目.xlsx")})
    assert r.status_code == 200
    html = r.content.decode()
    assert "文件未导入" in html and "文件不是 Excel .xlsx 格式" in html
    assert counts() == before and not Job.objects.exists()
    r = c.post(reverse("projects:import"), {"file": _upload(b"", "empty.xlsx")})
    assert r.status_code == 200 and "文件为空，请使用导入模板填写后再上传" in r.content.decode()
    r = c.post(reverse("projects:import"), {})
    assert r.status_code == 200 and "请选择要导入的 .xlsx 文件" in r.content.decode()
    assert counts() == before and not Job.objects.exists()


def test_job_page_polls_while_queued_and_is_private(world, login):
    user = world.users["county"]["unit"]
    job = Job.objects.create(kind="import:projects", title="导入项目：大文件.xlsx", total=5000, done=1200,
                             status=Job.Status.RUNNING, created_by=user)
    c = login(user)
    fragment = c.get(reverse("projects:import_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'hx-trigger="every 1s"' in fragment and "1200 / 5000" in fragment
    page = c.get(reverse("projects:import_job", args=[job.pk])).content.decode()
    assert "<html" in page and "progress-bar" in page
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, done=5000,
                                         result={"total": 5000, "created": 5000})
    done = c.get(reverse("projects:import_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "导入成功" in done
    other = login(world.users["county"]["dept"])
    assert other.get(reverse("projects:import_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("projects:import_errors", args=[job.pk])).status_code == 404


def test_export_view_applies_filters_and_scope(world, login):
    c = login(world.users["county"]["perf"])
    r = c.get(reverse("projects:export"), {"year": 2025, "q": "农田"})
    assert r.status_code == 200 and r["Content-Type"] == XLSX_TYPE
    assert f"filename*=UTF-8''{quote('项目库_2025.xlsx')}" in r["Content-Disposition"]
    ws = read(r.content).active
    assert [c.value for c in ws["A"]][1:] == ["COUNTY-AGR-1"]
    unit = login(world.users["county"]["unit"])
    ws = read(unit.get(reverse("projects:export")).content).active
    assert [c.value for c in ws["A"]][1:] == ["COUNTY-EDU-1"]
    city = login(world.users["city"]["perf"])
    ws = read(city.get(reverse("projects:export"), {"region": world.county.code}).content).active
    assert sorted(c.value for c in ws["A"][1:]) == ["COUNTY-AGR-1", "COUNTY-EDU-1", "COUNTY-EDU-2"]
