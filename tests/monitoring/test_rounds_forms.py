"""Rounds from the rule set, opening a round (prefilled forms, to-dos), filling, the review flow and scopes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from perfbudget.core.models import TodoItem
from perfbudget.core.workflow import WorkflowError
from perfbudget.monitoring import services_forms, services_rounds
from perfbudget.monitoring.models import MonitoringForm, MonitoringRound
from perfbudget.monitoring.plan import PlanError, add_working_days, plan_rounds
from perfbudget.rulesets.services import revise

from .helpers import fill_form, open_round, pay

pytestmark = pytest.mark.django_db

DEFAULT_PLAN = [{"code": "m07", "name": "1-7月集中监控", "through_month": 7, "opens": "08-01", "due": "08-20",
                 "scope": "all"}]


@pytest.mark.parametrize("entries, message", [
    ([], "非空列表"),
    (["x"], "第1轮应为对象"),
    ([{"code": "a", "through_month": 7, "opens": "08-01", "due": "08-20"}], "缺少代码"),
    ([{**DEFAULT_PLAN[0], "through_month": 13}], "1-12"),
    ([{**DEFAULT_PLAN[0], "opens": "8月1日"}], "月-日"),
    ([{**DEFAULT_PLAN[0], "due": "07-01"}], "早于开始日期"),
    ([{**DEFAULT_PLAN[0], "scope": "some"}], "范围「some」无效"),
    ([DEFAULT_PLAN[0], DEFAULT_PLAN[0]], "代码「m07」重复"),
])
def test_plan_errors_name_the_entry_and_reason(entries, message):
    with pytest.raises(PlanError, match=message):
        plan_rounds(entries, 2025)


def test_plan_reads_dates_in_the_year():
    (r,) = plan_rounds(DEFAULT_PLAN, 2025)
    assert (r.code, r.through_month, r.opens_on, r.due_on, r.scope) == (
        "m07", 7, datetime.date(2025, 8, 1), datetime.date(2025, 8, 20), "all")


@pytest.mark.parametrize("start, days, expected", [
    (datetime.date(2025, 8, 20), 10, datetime.date(2025, 9, 3)),  # Wednesday + 10 working days
    (datetime.date(2025, 8, 22), 1, datetime.date(2025, 8, 25)),  # Friday → Monday
])
def test_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_plan_year_from_national_defaults_then_idempotent(world):
    perf = world.users["county"]["perf"]
    created = services_rounds.plan_year(world.county, 2025, perf)
    assert [(r.code, r.through_month, r.scope) for r in created] == [("m07", 7, "all"), ("m10", 10, "key"),
                                                                      ("m12", 11, "key")]
    assert created[0].key_min_amount == Decimal(5_000_000)
    assert services_rounds.plan_year(world.county, 2025, perf) == []


def test_region_rule_set_overrides_the_plan(world):
    perf = world.users["county"]["perf"]
    revise(world.county, 2025, {"monitoring.rounds": [{**DEFAULT_PLAN[0], "code": "q2", "name": "二季度监控",
                                                       "through_month": 6, "opens": "07-01", "due": "07-15"}]},
           perf)
    (r,) = services_rounds.plan_year(world.county, 2025, perf)
    assert (r.code, r.name, r.through_month) == ("q2", "二季度监控", 6)


def test_opening_prefills_forms_and_opens_one_todo_per_unit(world):
    school = world.projects["county"]["school"]
    pay(school, {1: 100000, 3: 50000, 7: 80000, 8: 999999})  # August is after the round's cut-off
    rnd = open_round(world)
    forms = {f.project_year_id: f for f in MonitoringForm.objects.filter(round=rnd)}
    assert len(forms) == 3  # every executing project of the county, none of the sibling county
    f = forms[school.pk]
    assert (f.initial_budget, f.full_budget, f.executed) == (Decimal("1200000.00"), Decimal("1200000.00"),
                                                             Decimal("230000.00"))
    assert f.goal is not None and f.goal.status == "approved"
    assert [i.name for i in f.indicators.all()][:2] == ["维修校舍面积", "更换课桌椅套数"]
    assert f.indicators.first().target == "≥3200平方米"
    assert forms[world.projects["county"]["farm"].pk].indicators.count() == 0  # no approved goal
    todos = TodoItem.objects.filter(workflow="monitoring_round", object_id=rnd.pk, closed_at__isnull=True)
    assert sorted(t.organisation.code for t in todos) == ["640323-JYJ-01", "640323-JYJ-02", "640323-NYJ-01"]
    assert all(t.due_date == rnd.due_on for t in todos)
    with pytest.raises(services_rounds.RoundError):
        services_rounds.open_round(rnd, world.users["county"]["perf"])


def test_key_round_takes_only_projects_over_the_amount(world):
    rnd = open_round(world, code="m10", goals=())
    assert [f.project_year.project.code for f in rnd.forms.all()] == ["COUNTY-AGR-1"]  # 600万 ≥ 500万


def test_fill_submit_and_review_through_every_step(world):
    rnd = open_round(world)
    users = world.users["county"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    assert "请填写全年预计执行数" in services_forms.submission_problems(form)
    with pytest.raises(WorkflowError, match="全年预计执行数"):
        services_forms.submit(form, users["unit"])
    fill_form(form, users["unit"])
    form.refresh_from_db()
    assert form.forecast_amount == Decimal("1100000.00")
    assert services_forms.submission_problems(form) == []
    services_forms.submit(form, users["unit"])
    form.refresh_from_db()
    assert form.status == "dept_review" and form.submitted_at is not None
    for role, state in (("dept", "section_review"), ("funding", "office_review"), ("perf", "approved")):
        services_forms.review(form, users[role], "approve")
        form.refresh_from_db()
        assert form.status == state
    assert form.approved_at is not None


def test_unit_todo_closes_when_all_its_forms_are_submitted(world):
    rnd = open_round(world)
    users = world.users["county"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    fill_form(form, users["unit"])
    services_forms.submit(form, users["unit"])
    todo = TodoItem.objects.get(workflow="monitoring_round", object_id=rnd.pk, organisation__code="640323-JYJ-01")
    assert todo.closed_at is not None


def test_return_needs_comment_and_reopens_for_the_unit(world):
    rnd = open_round(world)
    users = world.users["county"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    fill_form(form, users["unit"])
    services_forms.submit(form, users["unit"])
    with pytest.raises(WorkflowError, match="必须填写意见"):
        services_forms.review(form, users["dept"], "return")
    services_forms.review(form, users["dept"], "return", comment="预计执行数偏高，请核实")
    form.refresh_from_db()
    assert form.status == "returned"
    services_forms.save_form(form, users["unit"], {"forecast_amount": "1000000"})


@pytest.mark.parametrize("data, rows, field, reason", [
    ({"forecast_amount": "很多"}, {}, "全年预计执行数", "金额应为数字"),
    ({"forecast_amount": "-5"}, {}, "全年预计执行数", "负数"),
    ({"forecast_amount": "1"}, {}, "全年预计执行数", "不能小于截至目前已执行数"),
    ({"forecast_amount": "9000000"}, {}, "全年预计执行数", "两倍"),
    ({}, {"first": {"likelihood": "maybe"}}, "完成可能性", "确定能"),
    ({}, {"first": {"cause": "weather"}}, "偏差原因", "经费保障"),
    ({}, {"999999": {"actual": "1"}}, "指标", "不属于本监控表"),
])
def test_bad_entries_are_refused_with_row_field_and_reason_and_nothing_saved(world, data, rows, field, reason):
    rnd = open_round(world)
    unit = world.users["county"]["unit"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    pay(form.project_year, {1: 100000})
    form.executed = Decimal(100000)
    form.save()
    first = form.indicators.first()
    rows = {(first.pk if k == "first" else k): v for k, v in rows.items()}
    rows.setdefault(first.pk, {})["actual"] = "should not be saved"
    with pytest.raises(services_forms.FormError) as exc:
        services_forms.save_form(form, unit, data, rows)
    assert any(f == field and reason in r for _row, f, r in exc.value.errors), exc.value.errors
    first.refresh_from_db()
    assert first.actual == ""


def test_stale_save_is_refused(world):
    rnd = open_round(world)
    unit = world.users["county"]["unit"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    seen = form.row_version
    services_forms.save_form(form, unit, {"forecast_amount": "1000000"})
    with pytest.raises(services_forms.FormError, match="已被他人修改"):
        services_forms.save_form(form, unit, {"forecast_amount": "900000"}, expected_version=seen)


@pytest.mark.parametrize("who", [("county", "unit2"), ("sibling", "unit"), ("county", "dept")])
def test_others_cannot_fill_the_units_form(world, who):
    rnd = open_round(world)
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    if who[1] == "unit2":
        from perfbudget.orgs.models import RoleGrant, User

        user = User.objects.create(username="other-unit")
        RoleGrant.objects.create(user=user, role="unit", organisation=world.orgs["county"]["school2"])
    else:
        user = world.users[who[0]][who[1]]
    if who[1] == "dept":  # the department sees the form but fills nothing, and cannot submit it
        with pytest.raises(WorkflowError):
            services_forms.submit(form, user)
        return
    with pytest.raises(PermissionDenied):
        services_forms.save_form(form, user, {"forecast_amount": "1000000"})


def test_form_lists_are_scoped(world):
    rnd = open_round(world)
    visible = {k: set(MonitoringForm.objects.visible_to(world.users[lvl][role]).filter(round=rnd)
                      .values_list("project_year__project__code", flat=True))
               for k, (lvl, role) in {"unit": ("county", "unit"), "dept": ("county", "dept"),
                                      "funding": ("county", "funding"), "perf": ("county", "perf"),
                                      "sibling": ("sibling", "perf"), "city": ("city", "perf")}.items()}
    assert visible["unit"] == {"COUNTY-EDU-1"}
    assert visible["dept"] == visible["funding"] == {"COUNTY-EDU-1", "COUNTY-EDU-2"}
    assert visible["perf"] == visible["city"] == {"COUNTY-EDU-1", "COUNTY-EDU-2", "COUNTY-AGR-1"}
    assert visible["sibling"] == set()
    assert set(MonitoringRound.objects.visible_to(world.users["sibling"]["perf"])) == set()


def test_late_flag(world):
    rnd = open_round(world)
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    assert form.is_late  # due in August 2025, long past, never submitted
    form.due_on = datetime.date.today() + datetime.timedelta(days=3)
    assert not form.is_late


def test_closing_ends_filling(world):
    rnd = open_round(world)
    users = world.users["county"]
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    fill_form(form, users["unit"])
    services_forms.submit(form, users["unit"])
    services_forms.review(form, users["dept"], "return", comment="请补充")  # opens a to-do for the unit
    services_rounds.close_round(rnd, users["perf"])
    assert not TodoItem.objects.filter(workflow="monitoring_form", object_id=form.pk, closed_at__isnull=True).exists()
    form.refresh_from_db()
    with pytest.raises(services_forms.FormError, match="已结束"):
        services_forms.save_form(form, world.users["county"]["unit"], {"forecast_amount": "1000000"})
    assert not TodoItem.objects.filter(workflow="monitoring_round", object_id=rnd.pk, closed_at__isnull=True).exists()


def test_refresh_execution_after_a_new_import(world):
    rnd = open_round(world)
    school = world.projects["county"]["school"]
    pay(school, {2: 300000})
    assert services_rounds.refresh_execution(rnd, world.users["county"]["perf"]) == 1
    assert MonitoringForm.objects.get(round=rnd, project_year=school).executed == Decimal("300000.00")


def test_rule_set_refuses_a_malformed_round_plan(world):
    from django.core.exceptions import ValidationError

    from perfbudget.rulesets.definitions import BY_KEY
    from perfbudget.rulesets.validation import clean_value

    definition = BY_KEY["monitoring.rounds"]
    with pytest.raises(ValidationError, match="监控轮次安排」有误：第1轮的数据截至月份应为1-12"):
        clean_value(definition, [{**DEFAULT_PLAN[0], "through_month": 0}])
    assert clean_value(definition, DEFAULT_PLAN) == DEFAULT_PLAN


def test_labels_are_accepted_for_choices(world):
    rnd = open_round(world)
    form = MonitoringForm.objects.get(round=rnd, project_year=world.projects["county"]["school"])
    first = form.indicators.first()
    services_forms.save_form(form, world.users["county"]["unit"], {},
                             {first.pk: {"likelihood": "有可能", "cause": "硬件条件保障"}})
    first.refresh_from_db()
    assert (first.likelihood, first.cause) == ("possible", "hardware")


def test_a_form_added_to_an_open_round_gets_its_units_todo(world):
    from perfbudget.projects.models import ProjectYear

    rnd = open_round(world, code="m10", goals=())  # the key round: only the farm project
    school = ProjectYear.objects.get(pk=world.projects["county"]["school"].pk)
    assert services_rounds.create_forms(rnd, [school]) == 1
    units = TodoItem.objects.filter(workflow="monitoring_round", object_id=rnd.pk).values_list(
        "organisation__code", flat=True)
    assert sorted(units) == ["640323-JYJ-01", "640323-NYJ-01"]
    assert services_rounds.create_forms(rnd, [school]) == 0  # already there: nothing twice
