"""The monitoring report: context figures and paragraphs, the .docx and .pdf read back, who may download it."""

import io
import time
import zipfile

import pytest
from django.urls import reverse

from perfbudget.core import documents
from perfbudget.monitoring import report

from .test_dashboard import TODAY, build_round


@pytest.fixture
def rnd(world):
    return build_round(world)


def _docx_text(content):
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts), doc


def _pdf_fonts(reader):
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts") or []:
                d = descendant.get_object()
                descriptor = d.get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in
                                                  ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add("embedded:" + str(d.get("/BaseFont")))
    return fonts


def test_context_figures_and_paragraphs(world, rnd):
    ctx = report.build_context(rnd, world.users["county"]["perf"], today=TODAY, with_charts=False)
    assert ctx["title"] == "2025年第一轮绩效运行监控报告"
    assert ctx["totals"]["projects"] == "3" and ctx["totals"]["budget"] == "840.00"
    assert ctx["totals"]["executed"] == "264.00" and ctx["totals"]["rate"] == "31.4%"
    assert ctx["time_progress"] == "58.3%"
    p = ctx["paragraphs"]
    assert "2个主管部门、3个预算单位的3个项目" in p["basic"] and "全年预算840.00万元" in p["basic"]
    assert "逾期提交或逾期未报2份" in p["basic"] and "2025年9月3日" in p["basic"] and "10个工作日" in p["basic"]
    assert "累计执行264.00万元" in p["execution"] and "落后序时进度26.9个百分点" in p["execution"]
    assert "10月底执行率应达到60.0%" in p["execution"]
    assert "完全不可能完成的1个" in p["goals"] and "经费保障1个" in p["goals"]
    assert "红色预警项目1个、黄色预警项目1个，共3条预警" in p["problems"]
    assert "核减预算1个项目、50.00万元" in p["measures"] and "督促整改1个项目" in p["measures"]
    assert [d["name"] for d in ctx["departments"]] == ["盐池县教育局", "盐池县农业农村局"]
    assert ctx["department_total"]["executed"] == "264.00"
    assert [g["name"] for g in ctx["gaps"]] == ["county高标准农田建设", "county课后服务"]
    assert ctx["gaps"][0]["gap"] == "200.00"
    assert [w["level"] for w in ctx["warnings"]] == ["红色预警", "红色预警", "黄色预警"]
    assert ctx["indicators"][0]["name"] == "课后服务覆盖率"


def test_round_ordinal_and_due_date(world, rnd):
    from perfbudget.monitoring.models import MonitoringRound

    later = MonitoringRound.objects.create(region=rnd.region, year=2025, code="m10", name="10月节点监控",
                                           through_month=10, opens_on=rnd.opens_on, due_on=rnd.due_on)
    assert report.report_title(later) == "2025年第二轮绩效运行监控报告"
    # Without its own report deadline: 10 working days after the fill deadline (Wed 20 Aug → Wed 3 Sep).
    assert report.report_due(later).isoformat() == "2025-09-03"
    assert report.chinese_number(12) == "十二" and report.chinese_number(20) == "二十"


def test_docx(world, rnd):
    started = time.monotonic()
    ctx = report.build_context(rnd, world.users["county"]["perf"], today=TODAY)
    content = report.render_docx(ctx)
    seconds = time.monotonic() - started
    text, doc = _docx_text(content)
    assert "2025年第一轮绩效运行监控报告" in text and "1-7月集中监控" in text
    assert "{{" not in text and "{%" not in text
    for needle in ("一、基本情况", "六、下一步工作", "盐池县农业农村局", "county高标准农田建设", "county课后服务",
                   "840.00", "264.00", "31.4%", "200.00", "执行缓慢，核减部分预算", "课后服务覆盖率"):
        assert needle in text, needle
    # Department table: the edu row carries its own figures.
    assert any("盐池县教育局 | 2 | 240.00 | 114.00 | 47.5%" in line for line in text.splitlines())
    assert len(doc.inline_shapes) == 3
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sum(n.startswith("word/media/") and n.endswith(".png") for n in names) == 3
    assert seconds < 20


def test_pdf(world, rnd):
    from pypdf import PdfReader

    ctx = report.build_context(rnd, world.users["county"]["perf"], today=TODAY)
    content = report.render_pdf(ctx)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    squeezed = "".join(text.split())
    for needle in ("2025年第一轮绩效运行监控报告", "1-7月集中监控", "盐池县农业农村局", "county高标准农田建设",
                   "840.00", "264.00", "31.4%", "200.00"):
        assert needle in squeezed, needle
    fonts = _pdf_fonts(reader)
    assert any("embedded:" in f and "CJK" in f for f in fonts), fonts
    # WeasyPrint may share one resource dictionary between pages: count distinct pictures.
    images = {img.data for page in reader.pages for img in page.images}
    assert len(images) == 3


def test_views(world, rnd, login):
    docx_url = reverse("monitoring:report_docx", args=[rnd.pk])
    pdf_url = reverse("monitoring:report_pdf", args=[rnd.pk])
    response = login(world.users["county"]["perf"]).get(docx_url)
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert "%E7%AC%AC%E4%B8%80%E8%BD%AE" in response["Content-Disposition"]  # 第一轮 in the file name
    response = login(world.users["county"]["oversight"]).get(pdf_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert login(world.users["city"]["perf"]).get(docx_url).status_code == 200  # the level above
    for user in (world.users["county"]["unit"], world.users["county"]["dept"], world.users["county"]["budget"]):
        assert login(user).get(pdf_url).status_code == 403
    assert login(world.users["sibling"]["perf"]).get(pdf_url).status_code == 404


def test_missing_cjk_font_is_refused_in_chinese(world, rnd, monkeypatch):
    from matplotlib import font_manager

    documents.cjk_font_name.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])
    # a rebuilt font list (tried once when the cached one has no CJK font) has none either
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda **_kw: font_manager.fontManager)
    try:
        with pytest.raises(report.ReportError, match="未找到中文字体"):
            report.build_context(rnd, world.users["county"]["perf"], today=TODAY)
    finally:
        documents.cjk_font_name.cache_clear()


def test_empty_round(world, login):
    """A round not opened yet (no forms): the dashboard and both reports still render."""
    import datetime

    from perfbudget.monitoring.models import MonitoringRound

    empty = MonitoringRound.objects.create(region=world.county, year=2025, code="m10", name="10月节点监控",
                                           through_month=10, opens_on=datetime.date(2025, 11, 1),
                                           due_on=datetime.date(2025, 11, 10))
    perf = world.users["county"]["perf"]
    assert login(perf).get(reverse("monitoring:dashboard", args=[empty.pk])).status_code == 200
    ctx = report.build_context(empty, perf, today=TODAY)
    assert ctx["paragraphs"]["execution"] == "本轮没有监控项目。"
    assert "2025年11月24日" in ctx["paragraphs"]["basic"]  # 10 working days after 10 November
    text, _doc = _docx_text(report.render_docx(ctx))
    assert "2025年第一轮绩效运行监控报告" in text
    assert report.render_pdf(ctx).startswith(b"%PDF")
