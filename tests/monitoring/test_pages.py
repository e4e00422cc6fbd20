"""Monitoring pages through the real views: rounds, forms, warnings, actions, negative list, candidates."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from perfbudget.monitoring.models import MonitoringAction, MonitoringForm, MonitoringRound, NegativeListEntry

from .helpers import fill_form, open_round, pay

pytestmark = pytest.mark.django_db


def test_perf_plans_and_opens_a_round_from_the_pages(world, login):
    perf = world.users["county"]["perf"]
    for py in world.projects["county"].values():
        py.status = "accepted"
        py.save()
    client = login(perf)
    page = client.get(reverse("monitoring:rounds"))
    assert page.status_code == 200 and "按规则集生成本年度监控轮次" in page.content.decode()
    client.post(reverse("monitoring:round_plan"), {"region": world.county.pk, "year": 2025})
    rnd = MonitoringRound.objects.get(region=world.county, year=2025, code="m07")
    response = client.post(reverse("monitoring:round_action", args=[rnd.pk]), {"action": "open"}, follow=True)
    text = response.content.decode()
    assert "已开启本轮监控，生成3张监控表" in text and "预警扫描完成" in text
    rnd.refresh_from_db()
    assert rnd.status == "open" and rnd.sweeps.count() == 1


@pytest.mark.parametrize("level, role", [("county", "unit"), ("sibling", "perf"), ("county", "dept")])
def test_only_the_regions_perf_office_runs_rounds(world, login, level, role):
    rnd = open_round(world)
    client = login(world.users[level][role])
    client.post(reverse("monitoring:round_action", args=[rnd.pk]), {"action": "close"})
    rnd.refresh_from_db()
    assert rnd.status == "open"


def test_unit_fills_and_submits_its_form_on_the_page(world, login):
    rnd = open_round(world)
    unit = world.users["county"]["unit"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    client = login(unit)
    page = client.get(reverse("monitoring:form", args=[form.pk])).content.decode()
    assert 'name="forecast_amount"' in page and "≥3200平方米" in page
    post = {"row_version": form.row_version, "forecast_amount": "115万", "execution_note": "",
            "overall_progress": "校舍维修主体完工", "submit": "1"}
    for i in form.indicators.all():
        post.update({f"ind-{i.pk}-actual": "完成70%", f"ind-{i.pk}-forecast": i.target,
                     f"ind-{i.pk}-likelihood": "certain"})
    text = client.post(reverse("monitoring:form_save", args=[form.pk]), post, follow=True).content.decode()
    assert "已保存，但未能提交：执行进度落后序时进度，请填写执行偏差原因及纠偏措施" in text  # nothing paid by July
    post.update(execution_note="设备采购合同9月签订后集中支付", row_version=form.row_version + 1)
    text = client.post(reverse("monitoring:form_save", args=[form.pk]), post, follow=True).content.decode()
    assert "监控表已提交审核" in text
    form.refresh_from_db()
    assert form.status == "dept_review" and form.forecast_amount == Decimal("1150000.00")


def test_bad_entries_show_the_row_and_reason(world, login):
    rnd = open_round(world)
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    first = form.indicators.first()
    client = login(world.users["county"]["unit"])
    text = client.post(reverse("monitoring:form_save", args=[form.pk]),
                       {"forecast_amount": "abc", f"ind-{first.pk}-likelihood": "maybe"}, follow=True).content.decode()
    assert "金额应为数字" in text and "第1项指标「完成可能性」" in text


def test_department_reviews_on_the_page(world, login):
    rnd = open_round(world)
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    from perfbudget.monitoring import services_forms

    unit = world.users["county"]["unit"]
    fill_form(form, unit)
    services_forms.submit(form, unit)
    client = login(world.users["county"]["dept"])
    text = client.post(reverse("monitoring:form_transition", args=[form.pk]),
                       {"decision": "return", "comment": ""}, follow=True).content.decode()
    assert "必须填写意见" in text
    client.post(reverse("monitoring:form_transition", args=[form.pk]), {"decision": "approve"})
    form.refresh_from_db()
    assert form.status == "section_review"


def test_forms_list_is_scoped_and_exports(world, login):
    rnd = open_round(world)
    client = login(world.users["county"]["unit"])
    text = client.get(reverse("monitoring:round_forms", args=[rnd.pk])).content.decode()
    assert "COUNTY-EDU-1" in text and "COUNTY-EDU-2" not in text
    perf = login(world.users["county"]["perf"])
    response = perf.get(reverse("monitoring:round_forms", args=[rnd.pk]) + "?export=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("项目编码", "项目名称") and sorted(r[0] for r in rows[1:]) == [
        "COUNTY-AGR-1", "COUNTY-EDU-1", "COUNTY-EDU-2"]
    assert login(world.users["sibling"]["perf"]).get(reverse("monitoring:round_forms", args=[rnd.pk])).status_code \
        == 404
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    assert login(world.users["sibling"]["unit"]).get(reverse("monitoring:form", args=[form.pk])).status_code == 404


def test_warnings_page_lists_the_sweeps_findings(world, login):
    school = world.projects["county"]["school"]
    pay(school, {1: 10000})
    rnd = open_round(world)
    from perfbudget.monitoring.sweep import run_sweep

    run_sweep(rnd)
    text = login(world.users["county"]["perf"]).get(reverse("monitoring:round_warnings", args=[rnd.pk])
                                                    + "?level=red").content.decode()
    # 10,000 of 1,200,000 paid by July: 0.8% against a time progress of 58.3%
    assert "county学校校舍维修" in text and "截至7月底预算执行率 0.8%，序时进度 58.3%，落后 57.5个百分点" in text


def test_bureau_reduces_a_budget_from_the_form_page(world, login):
    school = world.projects["county"]["school"]
    pay(school, {1: 100000})
    rnd = open_round(world)
    client = login(world.users["county"]["perf"])
    page = client.get(reverse("monitoring:action_create") + f"?project_year={school.pk}&round={rnd.pk}&kind=reduce")
    assert page.status_code == 200
    too_much = client.post(reverse("monitoring:action_create"), {
        "project_year": school.pk, "round": rnd.pk, "kind": "reduce", "reason": "进度严重滞后", "amount": "200万"})
    assert "超过未支付预算" in too_much.content.decode()
    response = client.post(reverse("monitoring:action_create"), {
        "project_year": school.pk, "round": rnd.pk, "kind": "reduce", "reason": "进度严重滞后", "amount": "30万"},
        follow=True)
    assert "已记录处置" in response.content.decode()
    action = MonitoringAction.objects.get()
    assert action.amount == Decimal("300000") and action.round_id == rnd.pk
    school.refresh_from_db()
    assert school.budget == Decimal("900000.00")
    totals = client.get(reverse("monitoring:actions")).content.decode()
    assert "盐池县教育局" in totals and "30.00" in totals


@pytest.mark.parametrize("level, role, status", [("county", "unit", 403), ("sibling", "perf", 404),
                                                 ("county", "oversight", 403)])
def test_others_cannot_act(world, login, level, role, status):
    school = world.projects["county"]["school"]
    response = login(world.users[level][role]).get(reverse("monitoring:action_create") + f"?project_year={school.pk}")
    assert response.status_code == status


def test_negative_list_add_show_and_lift(world, login):
    perf = login(world.users["county"]["perf"])
    perf.post(reverse("monitoring:listing_add"), {"subject": "project", "project_code": "COUNTY-EDU-1",
                                                  "reason": "审计发现虚列支出", "source": "audit"})
    entry = NegativeListEntry.objects.get()
    assert entry.project.code == "COUNTY-EDU-1" and entry.unit.code == "640323-JYJ-01"
    text = perf.get(reverse("projects:detail", args=[world.projects["county"]["school"].pk])).content.decode()
    assert "审计发现虚列支出" in text and 'id="negative-list-banner"' in text
    unknown = perf.post(reverse("monitoring:listing_add"), {"subject": "project", "project_code": "SIBLING-EDU-1",
                                                            "reason": "x", "source": "audit"}, follow=True)
    assert "不存在或不在您的管辖范围内" in unknown.content.decode()
    perf.post(reverse("monitoring:listing_lift", args=[entry.pk]), {"reason": "已整改"})
    entry.refresh_from_db()
    assert entry.lifted_reason == "已整改"
    assert "审计发现虚列支出" not in login(world.users["sibling"]["perf"]).get(  # the one client, now another user
        reverse("monitoring:negative_list")).content.decode()


def test_candidates_page_and_export(world, login):
    from perfbudget.projects.models import ProjectYear

    school = world.projects["county"]["school"]
    earlier = ProjectYear.objects.create(project=school.project, year=2024, initial_budget=Decimal(1000000),
                                         status="accepted")
    pay(earlier, {12: 500000})  # 50%
    pay(school, {6: 600000})  # 50% of 1,200,000
    client = login(world.users["county"]["perf"])
    text = client.get(reverse("monitoring:candidates") + "?year=2025").content.decode()
    assert "COUNTY-EDU-1" in text and "50.0%" in text and "COUNTY-EDU-2" not in text
    export = client.get(reverse("monitoring:candidates") + "?year=2025&export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["COUNTY-EDU-1"]
    assert login(world.users["county"]["unit"]).get(reverse("monitoring:candidates")).status_code == 403


def test_large_rounds_sweep_in_the_background(world, login, monkeypatch, settings):
    from perfbudget.core.models import Job
    from perfbudget.core.tasks import run_job
    from perfbudget.monitoring import views_rounds

    rnd = open_round(world)
    monkeypatch.setattr(views_rounds, "SWEEP_INLINE_FORMS", 2)  # the round has 3 forms
    client = login(world.users["county"]["perf"])
    text = client.post(reverse("monitoring:round_action", args=[rnd.pk]), {"action": "sweep"},
                       follow=True).content.decode()
    assert "本轮共3张监控表，预警扫描已转入后台进行" in text and 'id="sweep-running"' in text
    client.post(reverse("monitoring:round_action", args=[rnd.pk]), {"action": "sweep"})  # not queued twice
    (job,) = Job.objects.filter(kind="monitoring:sweep")
    assert not rnd.sweeps.exists()
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and rnd.sweeps.count() == 1 and job.result["projects"] == 3
    assert 'id="sweep-running"' not in client.get(reverse("monitoring:round", args=[rnd.pk])).content.decode()


def test_yes_no_filters_read_all_yes_no(world, login):
    from perfbudget.monitoring import services_actions as svc

    school = world.projects["county"]["school"]
    entry = svc.add_listing(world.users["county"]["perf"], "unit", school.project.unit, "问题", "audit")
    client = login(world.users["county"]["perf"])
    page = client.get(reverse("monitoring:negative_list")).content.decode()
    assert "未知" not in page and "已移出或到期" in page
    assert "问题" in client.get(reverse("monitoring:negative_list") + "?active=true").content.decode()
    svc.lift_listing(entry, world.users["county"]["perf"], "已整改")
    assert "已整改" not in client.get(reverse("monitoring:negative_list") + "?active=true").content.decode()
    assert 'title="已整改"' in client.get(reverse("monitoring:negative_list") + "?active=false").content.decode()
