"""Write perfbudget/monitoring/report_templates/monitoring_report.docx, the Word template of the monitoring report.

Run once (`.venv/bin/python scripts/make_monitoring_report_template.py`) and commit the result; afterwards a
bureau edits the .docx in Word (wording, fonts, letterhead, order of sections) and keeps the Jinja tags:

  {{ title }} {{ issuer }} {{ generated_on }} {{ time_progress }}
  {{ round.label }} {{ round.name }} {{ round.year }} {{ round.through }} {{ round.due_on }} {{ round.report_due_on }}
  {{ totals.projects }} {{ totals.budget }} {{ totals.executed }} {{ totals.rate }} {{ totals.late }} …
  {{ paragraphs.basic }} {{ paragraphs.execution }} {{ paragraphs.goals }} {{ paragraphs.problems }}
  {{ paragraphs.measures }} {{ paragraphs.next }}
  {{ chart_curve }} {{ chart_departments }} {{ chart_warnings }}  (pictures; alone in their paragraph)
  table rows: {%tr for d in departments %} … {%tr endfor %}, likewise gaps, warnings, indicators, actions
  whole blocks: {%p if warnings %} … {%p endif %}

See perfbudget/monitoring/report.py (build_context) for every name.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "perfbudget" / "monitoring" / "report_templates" / \
    "monitoring_report.docx"
BODY_FONT, HEAD_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"


def set_font(style_or_run, east_asia, latin="Times New Roman", size=None, bold=None):
    font = style_or_run.font
    font.name = latin
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def body(doc, text, indent=True, align=None, size=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    return p


def heading(doc, text, level=1):
    return doc.add_paragraph(text, style=f"Heading {level}")


def tag(doc, text):
    """A paragraph holding only a {%p … %} tag (docxtpl removes it on rendering)."""
    return doc.add_paragraph(text)


def picture(doc, name, caption):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{{ " + name + " }}")
    c = doc.add_paragraph()
    c.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = c.add_run(caption)
    run.font.size = Pt(10)


def loop_table(doc, headers, loop, fields, total=None, widths=None):
    """A table: header row, {%tr for %} row, the row of fields, {%tr endfor %} row, an optional total row."""
    rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = h
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    var = loop.split()[0]
    for i, f in enumerate(fields):
        table.rows[2].cells[i].text = "{{ " + f"{var}.{f}" + " }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    if total:
        for i, f in enumerate(fields):
            table.rows[4].cells[i].text = "{{ " + f"{total}.{f}" + " }}" if f != "no" else ""
            for run in table.rows[4].cells[i].paragraphs[0].runs:
                run.font.bold = True
    # The header row repeats on every page.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            if widths:
                cell.width = Cm(widths[i])
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                for run in p.runs:
                    run.font.size = Pt(9)
    return table


def build():
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, size=14)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for level, size in ((1, 16), (2, 14)):
        style = doc.styles[f"Heading {level}"]
        set_font(style, HEAD_FONT if level == 1 else "楷体", size=size, bold=level == 1)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = Pt(28)
        style.paragraph_format.line_spacing = Pt(28)
    table_grid = doc.styles["Table Grid"]
    set_font(table_grid, BODY_FONT, size=9)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = Pt(36)
    run = title.add_run("{{ title }}")
    set_font(run, TITLE_FONT, size=22, bold=True)
    body(doc, "{{ issuer }}　{{ generated_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "监控轮次：{{ round.label }}（{{ round.scope }}），数据截至{{ round.through }}；"
              "填报截止{{ round.due_on }}，报告截止{{ round.report_due_on }}（填报截止后10个工作日内）。",
         size=12)

    heading(doc, "一、基本情况")
    body(doc, "{{ paragraphs.basic }}")

    heading(doc, "二、预算执行进度")
    body(doc, "{{ paragraphs.execution }}")
    picture(doc, "chart_curve", "图1 累计执行率与序时进度")
    body(doc, "表1 各主管部门预算执行情况", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    loop_table(doc, ["序号", "主管部门", "项目数", "全年预算(万元)", "已执行(万元)", "执行率", "落后序时(万元)",
                     "红色", "黄色", "逾期"],
               "d in departments", ["no", "name", "projects", "budget", "executed", "rate", "gap", "red", "yellow",
                                    "late"],
               total="department_total", widths=[1, 4, 1.2, 2.2, 2.2, 1.5, 2.2, 1, 1, 1])
    picture(doc, "chart_departments", "图2 各主管部门执行率（红色为低于序时进度）")
    tag(doc, "{%p if gaps %}")
    body(doc, "表2 落后序时进度金额最大的项目", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    loop_table(doc, ["序号", "项目名称", "主管部门", "全年预算(万元)", "已执行(万元)", "执行率", "落后金额(万元)"],
               "g in gaps", ["no", "name", "department", "budget", "executed", "rate", "gap"],
               widths=[1, 4.5, 3.5, 2.2, 2.2, 1.5, 2.2])
    tag(doc, "{%p endif %}")

    heading(doc, "三、绩效目标完成情况")
    body(doc, "{{ paragraphs.goals }}")
    tag(doc, "{%p if indicators %}")
    body(doc, "表3 预计难以完成的绩效指标", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    loop_table(doc, ["序号", "项目", "指标", "年度指标值", "预计全年", "完成可能性", "偏差原因", "纠偏措施"],
               "i in indicators", ["no", "project", "name", "target", "forecast", "likelihood", "cause", "measure"],
               widths=[1, 3, 3, 2, 2, 1.6, 1.8, 3])
    tag(doc, "{%p if indicators_more %}")
    body(doc, "另有{{ indicators_more }}个指标未列出。", size=10)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    heading(doc, "四、发现的问题")
    body(doc, "{{ paragraphs.problems }}")
    picture(doc, "chart_warnings", "图3 预警情况")
    tag(doc, "{%p if warnings %}")
    body(doc, "表4 预警项目", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    loop_table(doc, ["序号", "项目名称", "主管部门", "等级", "预警类型", "预警说明"],
               "w in warnings", ["no", "project", "department", "level", "type", "message"],
               widths=[1, 3.5, 3, 1.6, 2.4, 5])
    tag(doc, "{%p if warnings_more %}")
    body(doc, "另有{{ warnings_more }}条预警未列出，详见系统监控看板。", size=10)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    heading(doc, "五、处置措施")
    body(doc, "{{ paragraphs.measures }}")
    tag(doc, "{%p if actions %}")
    body(doc, "表5 处置情况", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    loop_table(doc, ["序号", "项目名称", "主管部门", "处置方式", "金额(万元)", "理由", "日期"],
               "a in actions", ["no", "project", "department", "kind", "amount", "reason", "date"],
               widths=[1, 3.5, 3, 2, 2, 4, 2.5])
    tag(doc, "{%p if actions_more %}")
    body(doc, "另有{{ actions_more }}项处置未列出。", size=10)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    heading(doc, "六、下一步工作")
    body(doc, "{{ paragraphs.next }}")

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    return doc


def _page_number(paragraph):
    """"— N —" with a PAGE field."""
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._r.append(el)
    paragraph.add_run(" —")


def main(path=OUT):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build().save(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
