"""The evaluation report of a stored key evaluation: gathered from the models (drawn agency and experts, their
scores averaged, findings, recommendations), downloaded as .docx and .pdf, scoped like the evaluation."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from perfbudget.keyevals import report, services
from perfbudget.keyevals.models import (
    EvaluationFramework,
    Evaluator,
    EvaluatorScore,
    KeyEvaluation,
    KeyFinding,
    Recommendation,
)
from perfbudget.pools import services as pool_services
from tests.pools import helpers as pools

from .test_report import docx_text, pdf_text_and_fonts

TODAY = datetime.date(2025, 11, 3)
# item code → scores of (agency, expert 1, expert 2) where they differ from the full weight
OFF = {"A31": ("1.5", "2", "1.5"), "B12": ("4", "4", "4.5"), "D21": ("7", "7.2", "7.4")}
EVIDENCE = {"A31": "预算测算依据不充分，未细化到具体学校"}


def _draw(perf, kind, count, ev, subject):
    draw = pool_services.commit_draw(perf, kind, count, ev.region, "课后服务项目重点评价", subject_orgs=[subject],
                                     commissioning_org=ev.commissioning_org, target=ev)
    return pool_services.reveal_draw(perf, draw)


def build_evaluation(world, status="finished"):
    """A finished ex-post evaluation of county课后服务 (the 10号 project framework), one agency and two experts."""
    perf = world.users["county"]["perf"]
    framework = EvaluationFramework.objects.get(code="national-project", owner_region__isnull=True, version=1)
    subject = world.orgs["county"]["school2"]
    ev = KeyEvaluation.objects.create(
        region=world.county, year=2025, title="county课后服务项目", object_kind="project", timing="ex_post",
        amount=Decimal("42090000.00"), commissioning_org=world.orgs["county"]["perf"], framework=framework,
        framework_name=framework.name, items=framework.items, status=status, planned_by=perf,
        background="课后服务覆盖全县义务教育阶段学校。", experience="建立了课后服务经费保障机制。",
        finished_at=timezone.make_aware(datetime.datetime(2025, 10, 31, 10)))
    ev.subjects.set([subject])
    ev.project_years.set([world.projects["county"]["school2"]])
    pools.agency(world.county, name="宁夏诚信会计师事务所")
    pools.expert(world.county, name="张明")
    pools.expert(world.county, name="李华")
    agency_draw = _draw(perf, "agency", 1, ev, subject)
    expert_draw = _draw(perf, "expert", 2, ev, subject)
    ev.agency_draw, ev.expert_draw = agency_draw, expert_draw
    columns = [Evaluator.objects.create(evaluation=ev, kind="agency", agency=a, organisation=a.organisation,
                                        name=a.name, draw=agency_draw) for a in agency_draw.selected()]
    columns += [Evaluator.objects.create(evaluation=ev, kind="expert", expert=e, name=e.name, draw=expert_draw,
                                         position=i) for i, e in enumerate(expert_draw.selected(), start=1)]
    for leaf in ev.leaves:
        for i, column in enumerate(columns):
            score = Decimal(OFF[leaf.code][i]) if leaf.code in OFF else leaf.weight
            EvaluatorScore.objects.create(evaluation=ev, evaluator=column, item_code=leaf.code, score=score,
                                          evidence=EVIDENCE.get(leaf.code, "") if i == 0 else "", entered_by=perf)
    # item means rounded to cents (1.67, 4.17, 7.20), then summed: 100 − 1.33 − 0.83 − 0.80 = 97.04
    services.compute_result(ev)
    ev.save()
    KeyFinding.objects.create(evaluation=ev, category="budget", description="预算编制不够精细",
                              amount=Decimal("850000"), created_by=perf)
    KeyFinding.objects.create(evaluation=ev, category="goals", description="绩效指标未细化量化", created_by=perf)
    Recommendation.objects.create(evaluation=ev, text="细化预算测算，按学校和学生人数编制预算。",
                                  addressee="county教育局", created_by=perf)
    return ev


@pytest.fixture
def evaluation(world):
    return build_evaluation(world)


def test_gathered_facts_and_context(world, evaluation, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        facts = report.gather(evaluation, TODAY)
    assert facts.agency == "宁夏诚信会计师事务所" and sorted(facts.experts) == ["张明", "李华"]
    assert facts.bodies == ["盐池县实验小学"] and facts.commissioning == "盐池县财政局"
    assert facts.scores["A31"] == Decimal("1.67") and facts.scores["A11"] == Decimal(3)
    assert facts.total == Decimal("97.04") and facts.grade == "优"
    assert facts.reasons == {"A31": ["预算测算依据不充分，未细化到具体学校"]}
    ctx = report.assemble(facts, with_charts=False)
    assert ctx["title"] == "county课后服务项目2025年度绩效评价报告"
    assert ctx["total"] == "97.04" and ctx["grade"] == "优" and ctx["evaluation"]["amount"] == "4,209.00"
    rows = {r["code"]: r for r in ctx["score_rows"]}
    assert (rows["A31"]["score"], rows["A31"]["rate"]) == ("1.67", "55.7%")
    assert (rows["A"]["score"], rows["B"]["score"], rows["C"]["score"], rows["D"]["score"]) == (
        "13.67", "19.17", "35.00", "29.20")
    assert ctx["score_total"] == {"l1": "合计", "l2": "", "l3": "", "weight": "100", "score": "97.04",
                                  "rate": "97.0%"}
    s = ctx["sections"]
    assert "涉及资金4,209.00万元" in s["basic"][0] and "盐池县实验小学" in s["basic"][0]
    assert s["basic"][1] == "课后服务覆盖全县义务教育阶段学校。"
    assert "宁夏诚信会计师事务所" in s["work"][0] and "2025年10月31日完成" in s["work"][0]
    assert "绩效评价得分为97.04分，评价等级为“优”" in s["conclusion"][0]
    assert "扣分原因：预算编制科学性，预算测算依据不充分" in ctx["blocks"][0]["paragraphs"][0]
    assert s["problems"][0] == "评价发现问题2个，涉及金额85.00万元，具体如下："
    assert [f["category"] for f in ctx["findings"]] == ["预算编制与执行", "绩效目标"]
    assert ctx["recommendations"][0]["addressee"] == "county教育局"


def test_docx_download(world, evaluation, login):
    response = login(world.users["county"]["perf"]).get(reverse("keyevals:report_docx", args=[evaluation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    # county课后服务项目2025年度绩效评价报告.docx, RFC 5987
    assert "filename*=UTF-8''county%E8%AF%BE%E5%90%8E" in response["Content-Disposition"]
    assert "%E7%BB%A9%E6%95%88%E8%AF%84%E4%BB%B7%E6%8A%A5%E5%91%8A.docx" in response["Content-Disposition"]
    text, doc = docx_text(response.content)
    assert "county课后服务项目2025年度绩效评价报告" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert ["决策", "", "", "15", "13.67", "91.1%"] in rows and rows[-1] == ["合计", "", "", "100", "97.04", "97.0%"]
    assert ["", "", "服务对象满意度", "8", "7.20", "90.0%"] in rows
    assert len(doc.inline_shapes) == 2


def test_pdf_download(world, evaluation, login):
    response = login(world.users["county"]["oversight"]).get(reverse("keyevals:report_pdf", args=[evaluation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, fonts, images = pdf_text_and_fonts(response.content)
    for needle in ("county课后服务项目2025年度绩效评价报告", "评价得分：97.04分", "评价等级：优",
                   "宁夏诚信会计师事务所"):
        assert needle in text, needle
    assert any("CJK" in f for f in fonts) and len(images) == 2


def test_report_scope(world, evaluation, login):
    docx = reverse("keyevals:report_docx", args=[evaluation.pk])
    pdf = reverse("keyevals:report_pdf", args=[evaluation.pk])
    assert login(world.users["city"]["perf"]).get(pdf).status_code == 200  # the level above
    assert login(world.users["county"]["unit"]).get(docx).status_code == 404  # another school of the county
    for user in (world.users["sibling"]["perf"], world.users["sibling"]["oversight"], world.users["county"]["agency"]):
        client = login(user)
        assert client.get(docx).status_code == 404 and client.get(pdf).status_code == 404
    assert login(world.users["county"]["perf"]).get(reverse("keyevals:report_pdf", args=[999999])).status_code == 404


def test_evaluated_unit_reads_its_report_once_released(world, login):
    ev = build_evaluation(world, status="review")
    url = reverse("keyevals:report_docx", args=[ev.pk])
    from perfbudget.orgs.models import RoleGrant, User

    unit = User.objects.create_user(username="county_school2_unit", password="x", display_name="实验小学")
    RoleGrant.objects.create(user=unit, role="unit", organisation=world.orgs["county"]["school2"])
    assert login(unit).get(url).status_code == 404
    ev.status = "finished"
    ev.save()
    assert login(unit).get(url).status_code == 200


def test_anonymous_is_sent_to_login(client, evaluation):
    response = client.get(reverse("keyevals:report_pdf", args=[evaluation.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unscored_evaluation_still_renders(world, login):
    perf = world.users["county"]["perf"]
    framework = EvaluationFramework.objects.get(code="national-project", owner_region__isnull=True, version=1)
    ev = KeyEvaluation.objects.create(region=world.county, year=2026, title="county学校校舍维修", object_kind="project",
                                      timing="mid_term", commissioning_org=world.orgs["county"]["perf"],
                                      framework=framework, items=framework.items, planned_by=perf)
    ctx = report.build_context(ev, TODAY, with_charts=False)
    assert ctx["title"] == "county学校校舍维修2026年度事中绩效评价报告" and ctx["total"] == "—"
    assert ctx["sections"]["conclusion"] == ["本次评价尚未完成评分。"]
    response = login(perf).get(reverse("keyevals:report_pdf", args=[ev.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
