"""The evaluation report from hand-built facts (S003-like: a project scored 92.75, 优): the score table, the
drafted paragraphs, the .docx and the .pdf opened back (python-docx, pypdf), the Word template rebuilt from its script.
"""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from perfbudget.core import documents
from perfbudget.keyevals import report
from perfbudget.keyevals.report_templates import make_template


def _leaf(code, name, weight):
    return {"code": code, "name": name, "weight": weight, "standard": "按评分标准"}


ITEMS = [
    {"code": "A", "name": "决策", "weight": 15, "children": [
        {"code": "A1", "name": "项目立项", "weight": 4, "children": [
            _leaf("A11", "立项依据充分性", 2), _leaf("A12", "立项程序规范性", 2)]},
        {"code": "A2", "name": "绩效目标", "weight": 6, "children": [
            _leaf("A21", "绩效目标合理性", 3), _leaf("A22", "绩效指标明确性", 3)]},
        {"code": "A3", "name": "资金投入", "weight": 5, "children": [
            _leaf("A31", "预算编制科学性", 3), _leaf("A32", "资金分配合理性", 2)]}]},
    {"code": "B", "name": "过程", "weight": 20, "children": [
        {"code": "B1", "name": "资金管理", "weight": 12, "children": [
            _leaf("B11", "资金到位率", 4), _leaf("B12", "预算执行率", 4), _leaf("B13", "资金使用合规性", 4)]},
        {"code": "B2", "name": "组织实施", "weight": 8, "children": [
            _leaf("B21", "管理制度健全性", 4), _leaf("B22", "制度执行有效性", 4)]}]},
    {"code": "C", "name": "产出", "weight": 35, "children": [
        {"code": "C1", "name": "产出数量", "weight": 10, "children": [_leaf("C11", "实际完成率", 10)]},
        {"code": "C2", "name": "产出质量", "weight": 10, "children": [_leaf("C21", "质量达标率", 10)]},
        {"code": "C3", "name": "产出时效", "weight": 5, "children": [_leaf("C31", "完成及时性", 5)]},
        {"code": "C4", "name": "产出成本", "weight": 10, "children": [_leaf("C41", "成本节约率", 10)]}]},
    {"code": "D", "name": "效益", "weight": 30, "children": [
        {"code": "D1", "name": "项目效益", "weight": 20, "children": [
            _leaf("D11", "经济效益", 5), _leaf("D12", "社会效益", 10), _leaf("D13", "可持续影响", 5)]},
        {"code": "D2", "name": "满意度", "weight": 10, "children": [_leaf("D21", "服务对象满意度", 10)]}]},
]

SCORES = {code: Decimal(v) for code, v in {
    "A11": "2", "A12": "2", "A21": "3", "A22": "2.5", "A31": "1.5", "A32": "2",  # 决策 13.00
    "B11": "4", "B12": "3.2", "B13": "4", "B21": "4", "B22": "3.5",  # 过程 18.70
    "C11": "10", "C21": "9.5", "C31": "5", "C41": "8.8",  # 产出 33.30
    "D11": "5", "D12": "9.5", "D13": "4.25", "D21": "9",  # 效益 27.75
}.items()}


def facts(**overrides):
    """The standard facts; keyword arguments replace fields."""
    values = dict(
        subject="城乡居民基本养老保险补助资金", year=2025, region="盐池县", kind="项目", timing="事中", mid_term=True,
        code="ZD-2025-001", items=ITEMS, scores=SCORES, total=Decimal("92.75"), grade="优",
        amount=Decimal("134000000.00"), bodies=["盐池县人力资源和社会保障局", "盐池县社会保险事业管理中心"],
        project_years=["RS-001 城乡居民基本养老保险补助资金（2025年）"], commissioning="盐池县财政局",
        framework="项目支出绩效评价指标体系（财预〔2020〕10号）", agency="宁夏诚信会计师事务所",
        experts=["张明", "李华", "王芳"], started_on=datetime.date(2025, 9, 1), finished_on=datetime.date(2025, 10, 15),
        texts={"basic": "该资金用于城乡居民基本养老保险基础养老金发放。\n\n覆盖参保居民4.2万人。",
               "experience": "资金拨付及时，基础养老金按月足额发放。", "other": ""},
        reasons={"A31": ["预算测算依据不充分，未考虑参保人数增长"], "B12": ["截至8月末执行率偏低"]},
        findings=[{"category": "预算编制", "text": "预算测算依据不充分", "amount": Decimal("1200000")},
                  {"category": "资金管理", "text": "部分资金拨付滞后", "amount": Decimal("3456789.12")},
                  {"category": "绩效管理", "text": "绩效目标细化量化不足", "amount": None}],
        recommendations=[{"text": "科学测算预算，提高预算编制准确性。", "addressee": "盐池县人力资源和社会保障局"},
                         {"text": "加快资金拨付进度。", "addressee": ""}],
        today=datetime.date(2025, 10, 20),
    )
    values.update(overrides)
    return report.ReportFacts(**values)


OUTLINE = ("一、基本情况", "二、评价工作开展情况", "三、综合评价及结论", "四、指标分析", "五、经验、问题及原因",
           "六、建议", "七、其他")


def docx_text(content):
    """(all text of the paragraphs and the table rows, the python-docx Document)."""
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts), doc


def pdf_text_and_fonts(content):
    """(the PDF's text without white space, the embedded font names) read back with pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts") or []:
                d = descendant.get_object()
                descriptor = d.get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                           "/FontFile3")):
                    fonts.add(str(d.get("/BaseFont")))
    images = {img.data for page in reader.pages for img in page.images}
    return text, fonts, images


@pytest.fixture(scope="module")
def context():
    return report.assemble(facts())


# --- plain functions --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("subject", "year", "mid", "expected"), [
    ("城乡居民基本养老保险补助资金", 2025, False, "城乡居民基本养老保险补助资金2025年度绩效评价报告"),
    ("学校校舍维修项目", 2024, True, "学校校舍维修项目2024年度事中绩效评价报告"),
    ("高标准农田建设重点绩效评价", 2025, False, "高标准农田建设2025年度绩效评价报告"),
    ("某政策绩效评价报告", 2025, False, "某政策2025年度绩效评价报告"),
    ("绩效评价", 2025, False, "绩效评价2025年度绩效评价报告"),
])
def test_report_title(subject, year, mid, expected):
    assert report.report_title(subject, year, mid) == expected


@pytest.mark.parametrize(("value", "points", "score"), [
    (Decimal("15"), "15", "15.00"), (Decimal("2.50"), "2.5", "2.50"), (Decimal("13.005"), "13.005", "13.01"),
    (Decimal("8.8333333"), "8.8333333", "8.83"), (None, "—", "—"), (Decimal("0"), "0", "0.00"),
])
def test_number_formats(value, points, score):
    assert report.points(value) == points
    assert report.score_text(value) == score


@pytest.mark.parametrize(("score", "weight", "rate"), [
    (Decimal("13"), Decimal("15"), "86.7%"), (Decimal("4"), Decimal("4"), "100.0%"), (Decimal("0"), 3, "0.0%"),
    (None, 3, "—"), (Decimal("1"), 0, "—"), (Decimal("92.75"), 100, "92.8%"),
])
def test_rate_text(score, weight, rate):
    assert report.rate_text(score, weight) == rate


@pytest.mark.parametrize(("amount", "text"), [
    (Decimal("134000000"), "13,400.00"), (Decimal("42090000"), "4,209.00"), (Decimal("3456789.12"), "345.68"),
    (Decimal("49"), "0.00"), (Decimal("50"), "0.01"), (None, "—"),
])
def test_amounts_in_wan(amount, text):
    assert report.wan(amount) == text


def test_score_table_sums_each_level_exactly():
    rows, blocks, leaves, totals = report.score_table(ITEMS, SCORES)
    assert [(b["name"], b["weight"], b["score"]) for b in blocks] == [
        ("决策", 15, Decimal("13.00")), ("过程", 20, Decimal("18.70")), ("产出", 35, Decimal("33.30")),
        ("效益", 30, Decimal("27.75"))]
    assert totals == {"weight": Decimal(100), "score": Decimal("92.75")}
    assert len(leaves) == 19 and [r["level"] for r in rows].count(2) == 11
    funds = next(r for r in rows if r["code"] == "A3")
    assert funds["score"] == Decimal("3.50") and [r["code"] for r in funds["leaves"]] == ["A31", "A32"]


def test_score_table_sums_exactly_and_rounds_only_when_printed():
    items = [{"code": "A", "name": "产出", "weight": 10, "children": [
        {"code": "A1", "name": "数量", "weight": 10, "children": [
            {"code": "a", "name": "甲", "weight": 5}, {"code": "b", "name": "乙", "weight": 3},
            {"code": "c", "name": "丙", "weight": 2}]}]}]
    # means of three experts: 4/3 and 4/3 print as 1.33 each, their exact sum 8/3 as 2.67 (尾差, as recorded)
    rows, blocks, leaves, totals = report.score_table(items, {"a": Decimal(4) / 3, "b": Decimal(4) / 3})
    assert [report.score_text(r["score"]) for r in leaves] == ["1.33", "1.33", "—"]
    assert report.score_text(blocks[0]["score"]) == "2.67" and report.score_text(totals["score"]) == "2.67"
    assert report.score_table(items, {})[3] == {"weight": Decimal(10), "score": None}


def test_parent_weight_missing_is_the_sum_of_its_children():
    items = [{"code": "A", "name": "产出", "children": [{"code": "a", "name": "甲", "weight": "2.5"},
                                                        {"code": "b", "name": "乙", "weight": 7.5}]}]
    _rows, blocks, _leaves, totals = report.score_table(items, {"a": Decimal("2.5")})
    assert blocks[0]["weight"] == Decimal(10) and totals["score"] == Decimal("2.50")


@pytest.mark.parametrize(("scores", "expected"), [
    ({"a": "5", "b": "3", "c": "2"}, "产出指标分值10分，得分10.00分，得分率100.0%。该部分3项指标均得满分。"),
    ({"a": "5", "b": "1.5", "c": "1"},
     "产出指标分值10分，得分7.50分，得分率75.0%。其中，甲得满分；扣分较多的是乙（分值3分，得分1.50分，得分率50.0%）、"
     "丙（分值2分，得分1.00分，得分率50.0%）。扣分原因：乙，台账不全。"),
    ({"a": "4", "b": "2", "c": "1"},
     "产出指标分值10分，得分7.00分，得分率70.0%。其中，扣分较多的是丙（分值2分，得分1.00分，得分率50.0%）、"
     "乙（分值3分，得分2.00分，得分率66.7%）、甲（分值5分，得分4.00分，得分率80.0%）。扣分原因：乙，台账不全；甲，验收资料缺失。"),
    ({}, "产出指标分值10分，尚未评分。"),
])
def test_block_paragraph(scores, expected):
    items = [{"code": "A", "name": "产出", "weight": 10, "children": [
        {"code": "a", "name": "甲", "weight": 5}, {"code": "b", "name": "乙", "weight": 3},
        {"code": "c", "name": "丙", "weight": 2}]}]
    _rows, blocks, _leaves, _t = report.score_table(items, {k: Decimal(v) for k, v in scores.items()})
    assert report.block_paragraph(blocks[0], {"b": ["台账不全。"], "a": ["验收资料缺失"]}) == expected


# --- the context ------------------------------------------------------------------------------------------

def test_context_paragraphs(context):
    s = context["sections"]
    assert context["title"] == "城乡居民基本养老保险补助资金2025年度事中绩效评价报告"
    assert context["total"] == "92.75" and context["grade"] == "优"
    assert "涉及资金13,400.00万元" in s["basic"][0]
    assert "盐池县人力资源和社会保障局、盐池县社会保险事业管理中心" in s["basic"][0]
    assert s["basic"][1:] == ["该资金用于城乡居民基本养老保险基础养老金发放。", "覆盖参保居民4.2万人。"]
    assert "宁夏诚信会计师事务所" in s["work"][0] and "张明、李华、王芳共3名专家" in s["work"][0]
    assert "一级指标4个、二级指标11个、三级指标19个，总分100分" in s["work"][0]
    assert "2025年9月1日" in s["work"][0] and "2025年10月15日完成" in s["work"][0]
    assert s["conclusion"][0].startswith(
        "经综合评价，城乡居民基本养老保险补助资金2025年度绩效评价得分为92.75分，评价等级为“优”。")
    assert "决策指标得分13.00分（分值15分，得分率86.7%）" in s["conclusion"][0]
    assert s["problems"][0] == "评价发现问题3个，涉及金额465.68万元，具体如下："
    assert "预算编制科学性（分值3分，得分1.50分，得分率50.0%）" in context["blocks"][0]["paragraphs"][0]
    assert "扣分原因：预算编制科学性，预算测算依据不充分" in context["blocks"][0]["paragraphs"][0]
    assert s["other"] == [report.paragraph_other()] and s["suggestions"] == []
    assert [f["amount"] for f in context["findings"]] == ["120.00", "345.68", ""]
    assert context["findings_total"]["amount"] == "465.68"
    assert [r["no"] for r in context["recommendations"]] == ["（一）", "（二）"]


def test_context_of_an_unscored_evaluation():
    ctx = report.assemble(facts(scores={}, total=None, grade="", findings=[], recommendations=[], agency="",
                                experts=[], amount=None, started_on=None), with_charts=False)
    assert ctx["total"] == "—" and ctx["grade"] == "—"
    assert ctx["sections"]["conclusion"][0] == "本次评价尚未完成评分。"
    assert ctx["sections"]["problems"][0] == "本次评价未发现需要单独列示的问题。"
    assert ctx["sections"]["suggestions"] == ["（无）"]
    assert "涉及资金" not in ctx["sections"]["basic"][0]
    assert all(r["score"] == "—" for r in ctx["score_rows"])


# --- rendered and opened back -----------------------------------------------------------------------------

def test_docx(context):
    content = report.render_docx(context)
    text, doc = docx_text(content)
    assert "{{" not in text and "{%" not in text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == list(OUTLINE)
    assert doc.paragraphs[0].text == "城乡居民基本养老保险补助资金2025年度事中绩效评价报告"
    scores, findings = doc.tables
    rows = [[c.text for c in row.cells] for row in scores.rows]
    assert rows[0] == ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率"]
    assert rows[1] == ["决策", "", "", "15", "13.00", "86.7%"]
    assert ["", "资金投入", "", "5", "3.50", "70.0%"] in rows
    assert ["", "", "预算编制科学性", "3", "1.50", "50.0%"] in rows
    assert ["", "", "可持续影响", "5", "4.25", "85.0%"] in rows
    assert rows[-1] == ["合计", "", "", "100", "92.75", "92.8%"]
    assert len(rows) == 1 + 4 + 11 + 19 + 1
    assert any(run.bold for run in scores.rows[1].cells[0].paragraphs[0].runs)  # level-one rows in bold
    assert not any(run.bold for run in scores.rows[2].cells[1].paragraphs[0].runs)
    assert [[c.text for c in row.cells] for row in findings.rows][-1] == ["", "合计", "共3个问题", "465.68"]
    for needle in ("（一）决策指标", "（四）效益指标", "资金拨付及时", "（二）加快资金拨付进度。", "评价等级：优",
                   "（一）科学测算预算，提高预算编制准确性。（责任单位：盐池县人力资源和社会保障局）"):
        assert needle in text, needle
    assert len(doc.inline_shapes) == 2
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sum(n.startswith("word/media/") and n.endswith(".png") for n in names) == 2


def test_pdf(context):
    content = report.render_pdf(context)
    assert content.startswith(b"%PDF")
    text, fonts, images = pdf_text_and_fonts(content)
    for needle in ("城乡居民基本养老保险补助资金2025年度事中绩效评价报告", "评价得分：92.75分", "评价等级：优",
                   *OUTLINE, "预算编制科学性", "13,400.00万元", "465.68"):
        assert needle in text, needle
    assert any("CJK" in f for f in fonts), fonts  # Chinese text extractable: the CJK font is embedded
    assert len(images) == 2


def test_docx_without_charts_and_a_missing_template():
    ctx = report.assemble(facts(), with_charts=False)
    _text, doc = docx_text(report.render_docx(ctx))
    assert len(doc.inline_shapes) == 0
    with pytest.raises(report.ReportError, match="绩效评价报告模板文件不存在"):
        report.render_docx(ctx, template_path="/nonexistent/key_evaluation_report.docx")


def test_shipped_template_is_what_the_script_builds(tmp_path):
    """The committed .docx renders the same text as one freshly written by make_template.py."""
    fresh = tmp_path / "fresh.docx"
    make_template.main(fresh)
    ctx = report.assemble(facts(), with_charts=False)
    assert docx_text(report.render_docx(ctx, fresh))[0] == docx_text(report.render_docx(ctx))[0]


def test_missing_cjk_font_is_refused_in_chinese(monkeypatch):
    from matplotlib import font_manager

    documents.cjk_font_name.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist",
                        [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda **_kw: font_manager.fontManager)
    try:
        with pytest.raises(report.ReportError, match="未找到中文字体"):
            report.assemble(facts())
        with pytest.raises(report.ReportError, match="未找到中文字体"):
            report.render_pdf(report.assemble(facts(), with_charts=False))
    finally:
        documents.cjk_font_name.cache_clear()


def test_markup_in_texts_is_printed_literally_and_odd_trees_do_not_crash():
    items = [{"code": "A", "name": "产出&效益", "weight": "abc", "children": [
        {"code": "a", "name": "<数量>", "weight": 60}, {"code": "b", "name": "质量", "weight": 40}]},
        {"code": "B", "name": "空指标"}]
    ctx = report.assemble(facts(items=items, scores={"a": Decimal(50), "b": Decimal(40)}, total=None,
                                findings=[{"category": "其他", "text": "资金<100万&未公示", "amount": "1000.5"}],
                                texts={"other": "注：{{ 不是标签 }}"}))
    assert ctx["score_total"]["score"] == "90.00" and ctx["score_total"]["weight"] == "100"
    assert [r["weight"] for r in ctx["score_rows"]] == ["100", "60", "40", "0"]
    text, doc = docx_text(report.render_docx(ctx))
    assert "资金<100万&未公示" in text and "<数量>" in text and "注：{{ 不是标签 }}" in text
    assert "0.10" in text  # 1000.5 元 → 0.10 万元
    pdf_text, _fonts, _images = pdf_text_and_fonts(report.render_pdf(ctx))
    assert "资金<100万&未公示" in pdf_text and "产出&效益" in pdf_text
