"""Generic pieces of the generated reports: CJK font, chart styling, Word (docxtpl) and PDF (WeasyPrint) rendering,
and the helpers that write a bureau-editable Word template with python-docx.

A report is one context of text values (figures already formatted) plus charts as PNG bytes. `render_docx` turns
the chart keys into InlineImage objects of the Word template, `render_pdf` into data URIs of an HTML template, so
both outputs read the same names. Charts are drawn with matplotlib's Agg backend on private `Figure` objects (no
pyplot global state, safe in threads) in a Noto CJK face from Debian's `fonts-noto-cjk`; without one the labels
would print as empty boxes, so we refuse with a Chinese message instead.

Used by the monitoring report (monitoring/report.py, monitoring/charts.py, scripts/make_monitoring_report_template.py)
and the key-evaluation report (keyevals/report.py, keyevals/charts.py, keyevals/report_templates/make_template.py).
"""

import base64
import io
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

CJK_PREFERRED = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK TC", "Noto Serif CJK TC",
                 "Noto Sans CJK JP", "Noto Serif CJK JP")
CHART_DPI = 150
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"


class DocumentError(RuntimeError):
    """A document or chart cannot be produced (message in Chinese, shown to the user)."""


# --- fonts and charts ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def cjk_font_name():
    """The family name of an installed Noto CJK font matplotlib can use, or DocumentError."""
    from matplotlib import font_manager

    name = _cjk_name({f.name for f in font_manager.fontManager.ttflist})
    if name is None:
        # matplotlib keeps its font list in a cache file; fonts installed after it was written are not in it
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        name = _cjk_name({f.name for f in font_manager.fontManager.ttflist})
    if name is not None:
        return name
    raise DocumentError(_("未找到中文字体（Noto Sans CJK 或 Noto Serif CJK），无法生成报告图表。"
                          "请系统管理员安装 fonts-noto-cjk（见 scripts/ensure_browser.sh）后重试。"))


def _cjk_name(names):
    for name in CJK_PREFERRED:
        if name in names:
            return name
    return next((n for n in sorted(names) if n.startswith(("Noto Sans CJK", "Noto Serif CJK")) and "Mono" not in n),
                None)


def chart_figure(width_cm=16, height_cm=7):
    """A matplotlib Figure on its own Agg canvas (constrained layout), sized in centimetres."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def chart_png(fig):
    """The figure as PNG bytes."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=CHART_DPI)
    return out.getvalue()


def chart_style():
    """A matplotlib rc context with the CJK font and the reports' sober styling (DocumentError without the font)."""
    import matplotlib

    return matplotlib.rc_context({"font.family": [cjk_font_name()], "axes.unicode_minus": False,
                                  "font.size": 8, "axes.spines.top": False, "axes.spines.right": False})


def percent_axis(ax, axis="y"):
    """Format an axis holding ratios (0–1) as whole percentages."""
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0, decimals=0))


def data_uri(png):
    """PNG bytes as a data: URI (the PDF renderer may fetch nothing else)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --- rendering -------------------------------------------------------------------------------------------

def render_docx(template_path, context, images=(), image_width_mm=160, missing_message=None):
    """Render a docxtpl Word template with `context`; the keys in `images` (PNG bytes) become pictures.

    An empty or missing picture renders as nothing. A missing template raises DocumentError with
    `missing_message` (or a generic Chinese message).
    """
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = Path(template_path)
    if not path.exists():
        raise DocumentError(missing_message or _("报告模板文件不存在：%(path)s") % {"path": path})
    doc = DocxTemplate(str(path))
    values = dict(context)
    for key in images:
        png = values.get(key)
        values[key] = InlineImage(doc, io.BytesIO(png), width=Mm(image_width_mm)) if png else ""
    doc.render(values, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_pdf(template_name, context, images=()):
    """Render a Django HTML template to PDF with WeasyPrint; the keys in `images` (PNG bytes) become data URIs.

    Refuses (DocumentError) when no CJK font is installed, since the PDF would show empty boxes.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    cjk_font_name()
    values = dict(context)
    for key in images:
        values[key] = data_uri(values[key]) if values.get(key) else ""
    html = render_to_string(template_name, values)
    # Data URIs only: nothing may reach the network (or the file system) while rendering.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


# --- writing a Word template (python-docx; used by the scripts that build the bureau-editable templates) ---

BODY_FONT, HEAD_FONT, SUBHEAD_FONT, TITLE_FONT = "仿宋", "黑体", "楷体", "宋体"


def set_font(style_or_run, east_asia, latin="Times New Roman", size=None, bold=None):
    """Set a style's or run's East Asian and Latin fonts (Word ignores `font.name` for Chinese text)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

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


def official_document():
    """A new python-docx Document laid out as a Chinese official report (A4, 仿宋 body, 黑体/楷体 headings)."""
    from docx import Document
    from docx.shared import Cm, Pt

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
        set_font(style, HEAD_FONT if level == 1 else SUBHEAD_FONT, size=size, bold=level == 1)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = Pt(28)
        style.paragraph_format.line_spacing = Pt(28)
    set_font(doc.styles["Table Grid"], BODY_FONT, size=9)
    return doc


def add_title(doc, text):
    """The centred 二号 title line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = Pt(36)
    set_font(title.add_run(text), TITLE_FONT, size=22, bold=True)
    return title


def add_body(doc, text, indent=True, align=None, size=None):
    """A body paragraph (first line indented two characters unless told otherwise)."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    return p


def add_caption(doc, text):
    """A centred table or figure caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return add_body(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)


def add_heading(doc, text, level=1):
    """A heading paragraph in the document's Heading style."""
    return doc.add_paragraph(text, style=f"Heading {level}")


def add_tag(doc, text):
    """A paragraph holding only a {%p … %} tag (docxtpl removes it on rendering)."""
    return doc.add_paragraph(text)


def add_picture(doc, name, caption):
    """A centred `{{ name }}` picture placeholder (alone in its paragraph, as docxtpl needs) and its caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("{{ " + name + " }}")
    c = doc.add_paragraph()
    c.alignment = WD_ALIGN_PARAGRAPH.CENTER
    c.add_run(caption).font.size = Pt(10)
    return p


def add_loop_table(doc, headers, loop, fields, total=None, widths=None, bold_field=None):
    """A table: header row, {%tr for %} row, the row of fields, {%tr endfor %} row, an optional total row.

    `loop` is "x in rows"; `fields` the attributes of x per column; `total` the name of a dict with the same
    fields for a bold last row. `bold_field` names a boolean attribute of x: its rows are set in bold (docxtpl
    cannot switch formatting inside a run, so the field text is doubled in two runs with a condition).
    """
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=4 + (1 if total else 0), cols=len(headers))
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
        paragraph = table.rows[2].cells[i].paragraphs[0]
        if bold_field:
            paragraph.add_run("{% if " + f"{var}.{bold_field}" + " %}")
            paragraph.add_run("{{ " + f"{var}.{f}" + " }}").font.bold = True
            paragraph.add_run("{% else %}{{ " + f"{var}.{f}" + " }}{% endif %}")
        else:
            paragraph.add_run("{{ " + f"{var}.{f}" + " }}")
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


def add_page_number(doc):
    """"— N —" with a PAGE field, centred in the footer of the first section."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
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
    return paragraph
