"""Self-evaluation workbooks: the official 项目支出绩效自评表 of one self-evaluation (财预〔2020〕10号 annex 1
layout) and the export of the list page."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

WAN = Decimal(10000)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEAD = PatternFill("solid", fgColor="DDE6F3")
COLUMNS = 10  # A..J


def wan(amount):
    """元 → 万元 rounded to two places, as a number for the cell."""
    if amount is None:
        return None
    return float((Decimal(amount) / WAN).quantize(Decimal("0.01")))


def _num(value):
    return None if value is None else float(value)


class _Sheet:
    """A worksheet written row by row, every written cell boxed."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 0

    def put(self, col, value, span=1, height=1, head=False, align=CENTER, fmt=None):
        """Write `value` at (current row, col), merged over `span` columns and `height` rows."""
        cell = self.ws.cell(row=self.row, column=col, value=value)
        cell.alignment = align
        if head:
            cell.font = Font(bold=True)
            cell.fill = HEAD
        if fmt:
            cell.number_format = fmt
        last_col, last_row = col + span - 1, self.row + height - 1
        if span > 1 or height > 1:
            self.ws.merge_cells(start_row=self.row, start_column=col, end_row=last_row, end_column=last_col)
        for r in range(self.row, last_row + 1):
            for c in range(col, last_col + 1):
                self.ws.cell(row=r, column=c).border = BOX
        return cell

    def next(self, height=None):
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height


def _runs(values):
    """[(start index, length)] of consecutive equal values (cells merged down a column)."""
    runs, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            runs.append((start, i - start))
            start = i
    return runs


def selfeval_xlsx(se, rows):
    """The official self-evaluation table of `se` (with its `rows`) as .xlsx bytes."""
    py, p = se.project_year, se.project_year.project
    wb = Workbook()
    ws = wb.active
    ws.title = _("绩效自评表")
    s = _Sheet(ws)
    s.next(30)
    s.put(1, _("项目支出绩效自评表"), span=COLUMNS).font = Font(bold=True, size=16)
    s.next()
    s.put(1, _("（%(y)s年度）") % {"y": py.year}, span=COLUMNS)
    s.next()
    s.put(1, _("项目名称"), span=2, head=True)
    s.put(3, p.name, span=8, align=LEFT)
    s.next()
    s.put(1, _("主管部门"), span=2, head=True)
    s.put(3, p.department.name, span=3, align=LEFT)
    s.put(6, _("实施单位"), span=2, head=True)
    s.put(8, p.unit.name, span=3, align=LEFT)
    # Funds block: labels, then the year's figures in 万元.
    s.next()
    s.put(1, _("项目资金（万元）"), span=2, height=2, head=True)
    for col, label in ((3, _("年初预算数")), (4, _("全年预算数")), (5, _("全年执行数")), (6, _("分值")),
                       (7, _("执行率")), (8, _("得分"))):
        s.put(col, label, head=True)
    s.put(9, _("执行率偏低原因"), span=2, head=True)
    s.next()
    from .services import rules_for

    weight = rules_for(se).get("selfeval.execution_weight", 10)
    s.put(3, wan(se.initial_budget), fmt="0.00")
    s.put(4, wan(se.full_budget), fmt="0.00")
    s.put(5, wan(se.executed), fmt="0.00")
    s.put(6, _num(weight))
    s.put(7, _num(se.execution_rate), fmt="0.00%")
    s.put(8, _num(se.execution_score), fmt="0.00")
    s.put(9, se.execution_reason, span=2, align=LEFT)
    # Overall goal.
    s.next()
    s.put(1, _("年度总体目标"), span=2, height=2, head=True)
    s.put(3, _("预期目标"), span=4, head=True)
    s.put(7, _("实际完成情况"), span=4, head=True)
    s.next(60)
    s.put(3, se.overall_goal_expected, span=4, align=LEFT)
    s.put(7, se.overall_goal_actual, span=4, align=LEFT)
    # Indicator rows.
    s.next()
    for col, label in ((1, _("一级指标")), (2, _("二级指标")), (3, _("三级指标")), (4, _("年度指标值")),
                       (5, _("实际完成值")), (6, _("分值")), (7, _("得分"))):
        s.put(col, label, head=True)
    s.put(8, _("偏差原因分析及改进措施"), span=3, head=True)
    first = s.row + 1
    for r in rows:
        s.next()
        s.put(1, r.level1)
        s.put(2, r.level2)
        s.put(3, r.name, align=LEFT)
        s.put(4, r.target)
        s.put(5, r.actual if r.applicable else _("不适用"))
        s.put(6, _num(r.weight))
        s.put(7, _num(r.score), fmt="0.00")
        s.put(8, r.deviation_note, span=3, align=LEFT)
    for col, key in ((1, lambda r: r.level1), (2, lambda r: (r.level1, r.level2))):
        for start, length in _runs([key(r) for r in rows]):
            if length > 1:
                ws.merge_cells(start_row=first + start, start_column=col, end_row=first + start + length - 1,
                               end_column=col)
    s.next()
    s.put(1, _("总分"), span=5, head=True)
    s.put(6, 100)
    s.put(7, _num(se.total_score), fmt="0.00")
    s.put(8, _("自评等级"), head=True)
    s.put(9, se.grade, span=2)
    for col, width in zip(range(1, COLUMNS + 1), (12, 14, 24, 16, 16, 10, 10, 14, 14, 14), strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.page_setup.orientation = "landscape"
    ws.print_options.horizontalCentered = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_list(selfevals):
    """The list page's self-evaluations (in the user's scope, filtered) as .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("单位自评")
    headers = [_("项目编码"), _("项目名称"), _("年度"), _("区划"), _("主管部门"), _("预算单位"), _("全年预算数(万元)"),
               _("全年执行数(万元)"), _("执行率"), _("得分"), pgettext("grade", "等级"), _("审核发现错误数"), _("状态")]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
    for se in selfevals:
        p = se.project_year.project
        ws.append([p.code, p.name, se.project_year.year, p.region.name, p.department.name, p.unit.name,
                   wan(se.full_budget), wan(se.executed), _num(se.execution_rate), _num(se.total_score), se.grade,
                   se.error_count, se.get_status_display()])
    for col, width in zip("ABCDEFGHIJKLM", (16, 30, 8, 12, 20, 24, 14, 14, 10, 8, 6, 12, 14), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
