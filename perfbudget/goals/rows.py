"""Validating and normalising goal indicator rows: one function for the page, the `.xlsx` upload and the API.

A row is a plain dict with the keys of `FIELDS`. `clean_rows` returns the cleaned rows and a list of
`RowError`s naming the row (1-based), the field and the reason, in Chinese; nothing is saved here.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from perfbudget.indicators import frameworks
from perfbudget.indicators.choices import BASIS_BY_LABEL, Basis, Comparator
from perfbudget.indicators.values import parse_value

FIELDS = ("level1", "level2", "name", "comparator", "target", "upper", "unit", "basis", "weight", "is_core",
          "entry", "note")
FIELD_LABELS = {
    "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "comparator": "比较方式", "target": "指标值",
    "upper": "区间上限", "unit": "计量单位", "basis": "设定依据", "weight": "分值", "is_core": "核心指标",
    "entry": "指标库来源", "note": "备注",
}
COMPARATOR_BY_OP = {"≥": Comparator.GE, ">": Comparator.GE, "≤": Comparator.LE, "<": Comparator.LE,
                    "=": Comparator.EQ, "interval": Comparator.RANGE}
COMPARATOR_BY_LABEL = {str(label): value for value, label in Comparator.choices} | {
    "≥": Comparator.GE, "≤": Comparator.LE, "=": Comparator.EQ, "＝": Comparator.EQ, "区间": Comparator.RANGE,
    "定性": Comparator.QUAL, "正向": Comparator.GE, "反向": Comparator.LE}
MAX_ROWS = 200


@dataclass(frozen=True)
class RowError:
    row: int | None  # 1-based row of the indicator table, None for the whole table
    field: str
    message: str

    def __str__(self):
        where = _("第%(row)s行") % {"row": self.row} if self.row else _("指标表")
        label = FIELD_LABELS.get(self.field, self.field)
        return f"{where}「{label}」：{self.message}" if label else f"{where}：{self.message}"


def _text(value, limit):
    return ("" if value is None else str(value)).strip()[:limit]


def _weight(value):
    text = _text(value, 30).replace("分", "").replace("，", "").replace(",", "")
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not text:
        return None, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("「%(v)s」不是数字。") % {"v": value}
    if number < 0 or number > 100:
        return None, _("分值应在0到100之间。")
    return number.quantize(Decimal("0.01")), None


def _bool(value):
    return str(value).strip().lower() in ("1", "true", "on", "yes", "是", "√", "✓", "y")


def number_of(text):
    """The numeric value of a typed target ('38', '１，２００', '95%'), or None (a date or a word)."""
    v = parse_value(text)
    return v.value if v.kind in ("number", "percent") and v.value is not None else None


def clean_row(raw, layout_name, index=None):
    """Clean one row dict; returns (row, [RowError])."""
    errors = []

    def err(field, message):
        errors.append(RowError(index, field, message))

    row = {f: _text(raw.get(f), 300) for f in ("level1", "level2", "name", "target", "upper", "unit", "note")}
    layout = frameworks.layout(layout_name)
    if not row["name"]:
        err("name", _("请填写三级指标名称。"))
    if len(row["name"]) > 100:
        err("name", _("指标名称不超过100个字。"))
    if row["level1"] not in layout:
        err("level1", _("「%(v)s」不是本地区指标体系的一级指标，可选：%(c)s。")
            % {"v": row["level1"] or "空", "c": "、".join(layout)})
    elif row["level2"] and row["level2"] not in layout[row["level1"]]:
        err("level2", _("「%(v)s」不属于「%(l1)s」，可选：%(c)s。")
            % {"v": row["level2"], "l1": row["level1"], "c": "、".join(layout[row["level1"]])})
    elif not row["level2"]:
        err("level2", _("请选择二级指标。"))
    comparator = COMPARATOR_BY_LABEL.get(_text(raw.get("comparator"), 20), _text(raw.get("comparator"), 20))
    if comparator not in Comparator.values:
        err("comparator", _("比较方式应为 ≥、≤、＝、区间 或 定性。"))
        comparator = Comparator.GE
    row["comparator"] = comparator
    if not row["target"]:
        err("target", _("请填写指标值。"))
    elif comparator != Comparator.QUAL:
        parsed = parse_value(row["target"])
        if parsed.kind in ("qualitative", "empty") and parsed.date is None:
            err("target", _("「%(v)s」不是数值或日期；定性指标请把比较方式选为「定性」。") % {"v": row["target"]})
    if comparator == Comparator.RANGE:
        low, high = number_of(row["target"]), number_of(row["upper"])
        if high is None:
            err("upper", _("区间指标须填写上限数值。"))
        elif low is not None and high < low:
            err("upper", _("区间上限不能小于下限。"))
    else:
        row["upper"] = ""
    if len(row["unit"]) > 20:
        err("unit", _("计量单位不超过20个字。"))
    basis = _text(raw.get("basis"), 20)
    row["basis"] = BASIS_BY_LABEL.get(basis, basis) if basis else Basis.PLAN
    if row["basis"] not in Basis.values:
        err("basis", _("设定依据应为计划标准、行业标准、历史标准或其他标准。"))
        row["basis"] = Basis.PLAN
    row["weight"], problem = _weight(raw.get("weight"))
    if problem:
        err("weight", problem)
    row["is_core"] = _bool(raw.get("is_core"))
    entry = raw.get("entry")
    row["entry"] = int(entry) if str(entry or "").strip().isdigit() else None
    row["note"] = row["note"][:200]
    return row, errors


def clean_rows(raw_rows, layout_name):
    """Clean every row; returns (rows, errors). An empty table is an error."""
    rows, errors = [], []
    if not raw_rows:
        errors.append(RowError(None, "", _("至少填写一个绩效指标。")))
    if len(raw_rows) > MAX_ROWS:
        errors.append(RowError(None, "", _("指标不超过%(n)s行。") % {"n": MAX_ROWS}))
    for i, raw in enumerate(raw_rows, start=1):
        row, problems = clean_row(raw, layout_name, i)
        rows.append(row)
        errors.extend(problems)
    return rows, errors


def row_from_printed(printed, **fields):
    """A row dict from a printed target cell ('≥38公里', '90%-100%', '良好'): the import path."""
    v = parse_value(printed)
    row = dict(fields)
    if v.kind == "qualitative":
        row.update(comparator=Comparator.QUAL, target=v.text, unit="")
    elif v.kind == "date" or v.date is not None:
        # A deadline is stored as printed, without a leading symbol: "≤2025年11月30日前" → "2025年11月30日前".
        row.update(comparator=Comparator.GE if v.op in ("≥", ">") else Comparator.LE,
                   target=v.text.lstrip("≥≤=<>＜＞＝≧≦ ").strip(), unit="")
    elif v.op == "interval":
        row.update(comparator=Comparator.RANGE, target=_plain(v.value), upper=_plain(v.upper), unit=v.unit)
    elif v.value is not None:
        comparator = COMPARATOR_BY_OP.get(v.op)
        if comparator is None:
            comparator = Comparator.GE
            row["note"] = (row.get("note") or "") or _("原表未标注比较符号，按正向（≥）处理。")
        unit, value = row.get("unit") or v.unit, v.value
        scale = {"万": 10_000, "亿": 100_000_000}.get(unit[:1]) if unit != v.unit and unit[1:] == v.unit else None
        if scale:  # the parser multiplied "50万次" out; the row keeps the unit 万次, so keep 50
            value = value / scale
        row.update(comparator=comparator, target=_plain(value), unit=unit)
    else:
        row.update(comparator=Comparator.QUAL, target=v.text)
    return row


def _plain(number):
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_weights(rows, block_weights):
    """Spread each level-one block's points evenly over its rows that have no weight (0.5-point steps)."""
    by_block = {}
    for i, row in enumerate(rows):
        by_block.setdefault(row["level1"], []).append(i)
    out = [dict(r) for r in rows]
    for level1, indexes in by_block.items():
        total = Decimal(str(block_weights.get(level1, 0)))
        fixed = sum((out[i]["weight"] or Decimal(0)) for i in indexes if out[i].get("weight") is not None)
        empty = [i for i in indexes if out[i].get("weight") is None]
        if not empty or total <= fixed:
            continue
        share = ((total - fixed) / len(empty) * 2).to_integral_value(rounding="ROUND_FLOOR") / 2
        for i in empty:
            out[i]["weight"] = share
        out[empty[0]]["weight"] += total - fixed - share * len(empty)
    return out
