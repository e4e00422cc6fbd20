"""Documents of 抽评: the exchange sheet (签证单) of one item as Word (.docx), and the batch as Excel (.xlsx) with the
comparison table (自评 vs 复核) and the strata of the draw.

The sheet is what both sides sign: the project, both scores and grades, the difference per indicator row, the
reviewer's and the unit's opinions, and the signature and date lines (filled with the names and dates recorded when
the sheet was signed in the system, blank lines otherwise).
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from perfbudget.core import documents
from perfbudget.core.templatetags.money import wan

from .services_spot import comparison, date_text, default_conclusion


def _plain(value):
    if value in (None, ""):
        return "—"
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _diff(review, own):
    if review in (None, "") or own in (None, ""):
        return "—"
    d = Decimal(str(review)) - Decimal(str(own))
    return ("+" if d > 0 else "") + _plain(d)


def _table(doc, rows, widths=None, header=True, size=10):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.rows[r].cells[c]
            cell.text = str(value)
            if widths:
                cell.width = Cm(widths[c])
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                for run in p.runs:
                    run.font.size = Pt(size)
                    if header and r == 0:
                        run.font.bold = True
    return table


def item_sheet(item):
    """The 签证单 of one `SpotCheckItem` (with its self-evaluation, project and batch loaded) as .docx bytes."""
    se = item.self_evaluation
    py = se.project_year
    p = py.project
    sc = item.spot_check
    doc = documents.official_document()
    documents.add_title(doc, _("项目支出绩效抽评签证单"))
    documents.add_caption(doc, _("%(region)s%(year)s年度绩效抽评　第%(n)s号") % {
        "region": sc.region.name, "year": sc.year, "n": item.position})
    _table(doc, [
        [_("项目名称"), p.name, _("项目编码"), p.code],
        [_("预算单位"), p.unit.name, _("主管部门"), p.department.name],
        [_("全年预算数(万元)"), wan(se.full_budget), _("所在层"), item.stratum],
        [_("复核人"), str(item.reviewer or "—"), _("复核时间"), date_text(item.reviewed_at)],
    ], widths=[3.2, 5.2, 2.8, 4.6], header=False)
    documents.add_heading(doc, _("一、得分对比"), level=1)
    funds = (item.review_result or {}).get("funds", {})
    _table(doc, [
        [_("项目"), _("单位自评"), _("财政复核"), _("差异")],
        [_("全年执行数(元)"), _plain(se.executed), _plain(funds.get("executed", item.review_executed)),
         _diff(funds.get("executed"), se.executed)],
        [_("预算执行率得分"), _plain(se.execution_score), _plain(item.review_execution_score),
         _diff(item.review_execution_score, se.execution_score)],
        [_("总分"), _plain(item.self_total), _plain(item.review_total), _diff(item.review_total, item.self_total)],
        [_("评价等级"), item.self_grade or "—", item.review_grade or "—",
         _("有变化") if item.grade_changed else _("无变化")],
    ], widths=[4, 4, 4, 3.8])
    documents.add_heading(doc, _("二、逐项差异"), level=1)
    rows = [[_("序号"), _("三级指标"), _("年度指标值"), _("分值"), _("自评完成值"), _("自评得分"), _("复核完成值"),
             _("复核得分"), _("差异"), _("复核说明")]]
    for n, r in enumerate(item.review_rows, start=1):
        reviewed = r.get("actual") is not None
        rows.append([n, r["name"], r["target"], _plain(r.get("weight")), r.get("self_actual") or "",
                     _plain(r.get("self_score")), r.get("actual") if reviewed else "—", _plain(r.get("score")),
                     _diff(r.get("score"), r.get("self_score")), r.get("reason") or ""])
    _table(doc, rows, widths=[1, 3, 2, 1.1, 2, 1.3, 2, 1.3, 1.2, 2.4], size=8)
    documents.add_heading(doc, _("三、复核意见"), level=1)
    documents.add_body(doc, item.reviewer_opinion or _("（未填写）"))
    documents.add_heading(doc, _("四、被评价单位意见"), level=1)
    agreed = {True: _("认可复核结果。"), False: _("不认可复核结果。"), None: ""}[item.agreed]
    documents.add_body(doc, (agreed + (item.unit_opinion or "")) or _("（未填写）"))
    if sc.status == "published":
        documents.add_heading(doc, _("五、抽评结论"), level=1)
        documents.add_body(doc, item.conclusion or default_conclusion(item))
    documents.add_body(doc, "")
    _table(doc, [
        [_("复核方（签字）：") + (str(item.reviewer_signed_by) if item.reviewer_signed_by_id else ""),
         _("日期：") + date_text(item.reviewer_signed_at)],
        [_("被评价单位（签字、盖章）：") + (str(item.unit_signed_by) if item.unit_signed_by_id else ""),
         _("日期：") + date_text(item.unit_signed_at)],
    ], widths=[10, 5.8], header=False, size=11)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def batch_workbook(sc, items):
    """The batch as .xlsx: sheets 对比表 (one row per item), 分层抽取 (size, count, drawn ids per stratum) and
    抽取记录 (share, hashes, seed, conclusion)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("对比表")
    ws.append([str(sc)])
    ws["A1"].font = Font(bold=True, size=14)
    headers = [_("序号"), _("项目编码"), _("项目名称"), _("预算单位"), _("主管部门"), _("所在层"), _("复核人"),
               _("自评得分"), _("自评等级"), _("复核得分"), _("复核等级"), _("分差(复核−自评)"), _("等级变化"),
               _("单位是否认可"), _("抽评结论")]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    yes_no = {True: _("认可"), False: _("不认可"), None: ""}
    for r in comparison(items):
        ws.append([r["position"], r["code"], r["name"], r["unit"], r["department"], r["stratum"], r["reviewer"],
                   _num(r["self_total"]), r["self_grade"], _num(r["review_total"]), r["review_grade"],
                   _num(r["difference"]), _("是") if r["grade_changed"] else _("否"), yes_no[r["agreed"]],
                   r["conclusion"]])
    for i, width in enumerate([6, 16, 30, 24, 20, 30, 12, 10, 8, 10, 8, 14, 8, 12, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    strata = wb.create_sheet(_("分层抽取"))
    strata.append([_("层"), _("自评数"), _("抽取数"), _("抽中的自评表编号")])
    for cell in strata[1]:
        cell.font = Font(bold=True)
    for e in sc.strata:
        drawn = (e.get("draw") or {}).get("result", [])
        strata.append([e["stratum"], e["size"], e["count"], "、".join(map(str, drawn))])
    strata.column_dimensions["A"].width = 40
    strata.column_dimensions["D"].width = 40
    info = wb.create_sheet(_("抽取记录"))
    for label, value in ((_("抽评比例"), float(sc.share)), (_("自评总数"), sc.population_size),
                         (_("抽评数量"), sc.sample_size), (_("输入哈希值"), sc.inputs_hash),
                         (_("种子哈希值"), sc.seed_hash), (_("随机种子"), sc.seed or _("（尚未公开）")),
                         (_("所用规则集"), sc.ruleset), (_("抽评结论"), sc.conclusion)):
        info.append([label, value])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 70
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _num(value):
    return None if value is None else float(value)
