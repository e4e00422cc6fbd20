"""The columns of an execution file and how a header row maps onto them (English names or Chinese aliases)."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from perfbudget.core.importexport import ImportFileError, display, normalize_header

from . import cells

HEADER_SCAN_ROWS = 10  # title lines above the header row are tolerated


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the Chinese header of our templates
    required: bool
    parse: object  # cells.parse_* : text -> (value, Problem | None)
    aliases: tuple = ()
    help: str = ""


COLUMNS = (
    Column("project_code", gettext_lazy("项目编码"), True, cells.parse_code,
           ("项目代码", "项目编号", "code"), gettext_lazy("项目库中的项目编码")),
    Column("fiscal_year", gettext_lazy("预算年度"), True, cells.parse_year,
           ("年度", "年份", "财政年度", "预算年份", "year"), gettext_lazy("四位数字，如 2025")),
    Column("month", gettext_lazy("月份"), True, cells.parse_month,
           ("月", "支付月份", "月度"), gettext_lazy("1–12，当月支付数所属月份")),
    Column("paid_amount", gettext_lazy("支付金额(元)"), True, cells.parse_amount,
           ("支付金额", "支付数", "支付数(元)", "金额", "金额(元)", "本月支付", "本月支付数", "本月支付金额",
            "实际支付金额", "paid", "amount"),
           gettext_lazy("当月支付数（不是累计数），单位元，最多两位小数")),
    Column("budget_type", gettext_lazy("预算类型"), False, cells.parse_budget_type, ("预算类别",),
           gettext_lazy("选填，如 一般公共预算")),
    Column("function_code", gettext_lazy("功能分类科目"), False, cells.parse_function_code,
           ("功能科目", "功能分类科目编码", "功能科目编码", "科目编码"), gettext_lazy("选填，3、5 或 7 位科目编码")),
    Column("source", gettext_lazy("数据来源"), False, cells.parse_source, ("来源", "数据源"),
           gettext_lazy("选填，如 国库集中支付系统")),
)
FIELDS = tuple(c.field for c in COLUMNS)
BY_FIELD = {c.field: c for c in COLUMNS}
AMOUNT_KEYS = {normalize_header(n) for n in ("paid_amount", "支付金额", "支付数", "金额", "本月支付")}


def _keys():
    """Every accepted header: field names, aliases, and the labels in Chinese and in the current language (a
    template downloaded in English imports in a Chinese session, and the other way round)."""
    keys = {}
    with translation.override("zh-hans"):
        chinese = {col.field: str(col.label) for col in COLUMNS}
    for col in COLUMNS:
        for name in (col.field, str(col.label), chinese[col.field], *col.aliases):
            keys[normalize_header(name)] = col
    return keys


@dataclass
class Header:
    """Where the header is (1-based record number), how many cells it has, and {field: cell index}."""

    row: int
    width: int
    index: dict
    labels: dict  # {field: header text as in the file}, for error reports

    def label(self, field):
        return self.labels.get(field) or str(BY_FIELD[field].label)

    def pick(self, cells_):
        """{field: text} of one record (missing cells are None)."""
        return {f: (cells_[i] if i < len(cells_) else None) for f, i in self.index.items()}


def find_header(records):
    """The header among the first records [(record number, [cell text])]; raises `ImportFileError`."""
    keys = _keys()
    records = list(records)
    if not any(any(not cells.is_blank(c) for c in r) for _n, r in records):
        raise ImportFileError(_("文件中没有任何内容，请按导入模板填写后再上传。"))
    chosen = next(((n, r) for n, r in records if sum(normalize_header(c or "") in keys for c in r) >= 2), None)
    if chosen is None:
        chosen = next((n, r) for n, r in records if any(not cells.is_blank(c) for c in r))
    number, row = chosen
    index, labels, problems = {}, {}, []
    for i, value in enumerate(row):
        if cells.is_blank(value):
            continue
        key = normalize_header(value)
        col = keys.get(key)
        if col is None:
            if key.endswith("(万元)") and key.removesuffix("(万元)") in AMOUNT_KEYS:
                problems.append(_("列「%(column)s」以万元为单位，执行数据要求以元为单位：请将金额换算为元，"
                                  "并将列名改为「支付金额(元)」。") % {"column": display(value)})
            continue  # other columns of a treasury export (项目名称, 单位 …) are ignored
        if col.field in index:
            problems.append(_("列「%(column)s」出现了两次（第%(first)s列和第%(second)s列）。")
                            % {"column": col.label, "first": index[col.field] + 1, "second": i + 1})
            continue
        index[col.field] = i
        labels[col.field] = display(value)
    missing = [str(c.label) for c in COLUMNS if c.required and c.field not in index]
    if missing:
        names = pgettext("list separator", "、").join(_("「%(column)s」") % {"column": h} for h in missing)
        problems.insert(0, _("缺少必填列：%(columns)s。表头应为 project_code,fiscal_year,month,paid_amount"
                             "（或 项目编码、预算年度、月份、支付金额）。") % {"columns": names})
    if problems:
        raise ImportFileError(*problems)
    return Header(row=number, width=len(row), index=index, labels=labels)
