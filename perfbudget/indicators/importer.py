"""The indicator library table for import and export (指标库批量导入/导出), through core.importexport.

Every row is checked by the library's own form (`IndicatorEntryForm`, as on the add/revise page). A 绩效科
user adds its region's entries and revises them: a new code (or none: numbered automatically) is created by
`services.create_entry`; a code its region owns becomes a new version through `services.revise_entry` when
anything changed (with 「更新已有记录」 ticked, as for projects); an identical row changes nothing; a national or
upper-level code is read-only ("上级指标只读"). Categories are given by their 小类 code or name; 一级/二级指标 by
the frameworks; 指标方向, 指标性质 and 设定依据 by their Chinese labels.
"""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from perfbudget.core.importexport import TEXT_FORMAT, CellError, Column, TableSpec, boolean, choice, code, text
from perfbudget.core.scopes import CHANGE

from .choices import BASIS_BY_LABEL, Basis, Comparator, ValueKind
from .forms import LEVEL1, LEVEL2, IndicatorEntryForm
from .models import IndicatorCategory, IndicatorEntry
from .services import EDITABLE_FIELDS, create_entry, revise_entry

YES_NO = [_("是"), _("否")]
DEFAULT_NOTE = _("通过Excel批量导入修订")


def _subcategories():
    return IndicatorCategory.objects.filter(parent__isnull=False).select_related("parent").order_by("sort", "code")


def category_dropdown(user):
    return [f"{c.code} {c.name}" for c in _subcategories()]


def category(value, ctx):
    """A 小类 by its code ("A01", any case), "A01 学前教育" (the dropdown), or its name; returns its pk."""

    def index():
        by_code, by_name = {}, {}
        for c in _subcategories():
            by_code[c.code.upper()] = c.pk
            by_name.setdefault(c.name, []).append(c.pk)
        return by_code, by_name

    by_code, by_name = ctx.cached("categories", index)
    raw = text(value)
    first = code(raw).upper()
    if first in by_code:
        return str(by_code[first])
    if raw in by_name:
        if len(by_name[raw]) > 1:
            raise CellError(gettext("有多个同名小类，请填写小类编码"))
        return str(by_name[raw][0])
    raise CellError(gettext("没有编码或名称为「%(v)s」的指标小类（分类应填写小类，如 A01 或 学前教育）") % {"v": raw})


def number(value, ctx=None):
    """A reference value: numbers as typed ("95", "1,200", "９５"); the form checks it."""
    return code(text(value).replace(",", "").replace("，", ""))


direction = choice(Comparator.choices, aliases={"正向": Comparator.GE, "反向": Comparator.LE, "≥": Comparator.GE,
                                                "≤": Comparator.LE, "=": Comparator.EQ, "等于": Comparator.EQ,
                                                "区间": Comparator.RANGE, "定性": Comparator.QUAL})
value_kind = choice(ValueKind.choices)
basis = choice(Basis.choices, aliases=BASIS_BY_LABEL)


class EntryRowForm(IndicatorEntryForm):
    """The page's form for one row, bound to the current version of the row's code when there is one (so the
    code is not its own duplicate); a changed row of an entry the user may not change is refused as read-only."""

    def __init__(self, data=None, user=None):
        code_value = str((data or {}).get("code") or "").strip()
        self.current = IndicatorEntry.objects.filter(code=code_value, is_current=True).first() if code_value else None
        self.user = user
        super().__init__(data, instance=self.current)

    def clean(self):
        data = super().clean()
        entry = self.current
        if entry is not None and not self.errors and not unchanged(entry, data) and can_update(entry, self.user):
            self.add_error("code", read_only_reason(entry))
        return data


def read_only_reason(entry):
    if entry.owner_region_id is None:
        reason = gettext("上级指标只读：「%(code)s」是全国通用的系统内置指标，不能通过导入修改；"
                         "如需调整请新增本地区指标")
        return reason % {"code": entry.code}
    return gettext("上级指标只读：「%(code)s」由%(region)s维护，只能修订本地区指标") % {
        "code": entry.code, "region": entry.owner_region.name}


def values_of(data):
    return {f: data[f] for f in EDITABLE_FIELDS if f in data}


def unchanged(entry, data):
    """Whether the row says exactly what the current version says (nothing to write)."""
    for f in EDITABLE_FIELDS:
        if f not in data:
            continue
        current = entry.category_id if f == "category" else getattr(entry, f)
        new = data[f].pk if f == "category" and data[f] is not None else data[f]
        if isinstance(current, str):
            current, new = current.strip(), (new or "").strip()
        if current != new:
            return False
    return True


def lookup(data):
    return IndicatorEntry.objects.filter(code=data["code"], is_current=True).first() if data.get("code") else None


def key(data):
    return (data["code"],) if data.get("code") else (object(),)  # rows without a code are always new


def can_update(entry, user):
    if IndicatorEntry.objects.visible_to(user, CHANGE).filter(pk=entry.pk, is_current=True).exists():
        return None
    return read_only_reason(entry)


def save(user, data, instance):
    values = values_of(data)
    if instance is None:
        return create_entry(user, values | {"code": data.get("code", "")})
    note = (data.get("revision_note") or "").strip() or str(DEFAULT_NOTE)
    return revise_entry(instance, user, values, note)


def _display(entry, field):
    return getattr(entry, f"get_{field}_display")()


def _decimal(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


COLUMNS = (
    Column("指标编码", "code", parse=code, width=14, number_format=TEXT_FORMAT,
           help=_("留空则按本地区编码自动编号；填写已有的本地区指标编码则修订该指标（生成新版本）。"), example="",
           export=lambda e: e.code),
    Column("指标分类", "category", required=True, parse=category, dropdown=category_dropdown, strict_dropdown=False,
           width=20, help=_("指标小类的编码或名称，如 A01 或 学前教育。"), example="A01 学前教育",
           aliases=("分类", "小类"), export=lambda e: f"{e.category.code} {e.category.name}"),
    Column("共性指标", "is_common", parse=boolean, dropdown=YES_NO, default="False", width=10,
           help=_("是/否，留空为否。"), example="否", export=lambda e: gettext("是") if e.is_common else gettext("否")),
    Column("一级指标", "level1", required=True, dropdown=[k for k, _v in LEVEL1], width=12,
           help=_("产出指标、效益指标、满意度指标或成本指标。"), example="产出指标", export=lambda e: e.level1),
    Column("二级指标", "level2", required=True, dropdown=[k for k, _v in LEVEL2], width=16,
           help=_("须属于所填一级指标，如 数量指标、社会效益指标。"), example="数量指标", export=lambda e: e.level2),
    Column("三级指标名称", "name", required=True, width=30, aliases=("三级指标", "指标名称"), help=_("不超过100个字。"),
           example=_("新增普惠性学前教育学位数"), export=lambda e: e.name),
    Column("指标解释", "definition", width=36, help=_("指标的含义和口径。"), example="",
           export=lambda e: e.definition),
    Column("计量单位", "unit", width=10, number_format=TEXT_FORMAT, help=_("如 个、%、人次。"), example="个",
           export=lambda e: e.unit),
    Column("指标方向", "direction", parse=direction, dropdown=Comparator.labels, default=Comparator.GE, width=12,
           help=_("≥（正向）、≤（反向）、＝（等于）、区间或定性；留空为正向。"), example="≥（正向）",
           export=lambda e: _display(e, "direction")),
    Column("指标性质", "value_kind", parse=value_kind, dropdown=ValueKind.labels, default=ValueKind.QUANTITATIVE,
           width=10, help=_("定量或定性；留空为定量。"), example="定量", export=lambda e: _display(e, "value_kind")),
    Column("计算公式或数据来源", "formula", width=30, help=_("不超过300个字。"), example="",
           export=lambda e: e.formula),
    Column("建议设定依据", "basis", parse=basis, dropdown=Basis.labels, default=Basis.PLAN, width=12,
           aliases=("设定依据",), example="计划标准",
           help=_("计划标准、行业标准、历史标准或其他标准；留空为计划标准。"),
           export=lambda e: _display(e, "basis")),
    Column("建议指标值", "suggested_target", width=14,
           help=_("连同比较符号填写，如 ≥600个、≥95%。"), example="≥600个",
           export=lambda e: e.suggested_target),
    Column("参考值下限", "range_low", parse=number, width=12, help=_("数字，可留空。"), example="",
           export=lambda e: _decimal(e.range_low)),
    Column("参考值上限", "range_high", parse=number, width=12, help=_("数字，不小于下限，可留空。"), example="",
           export=lambda e: _decimal(e.range_high)),
    Column("适用行业领域", "sectors", width=20, help=_("以空格分隔。"), example="",
           export=lambda e: e.sectors),
    Column("适用功能分类科目", "function_codes", width=18, number_format=TEXT_FORMAT,
           help=_("以空格分隔的科目编码前缀，如 205 20502。"), example="20502", export=lambda e: e.function_codes),
    Column("本次修订说明", "revision_note", width=24,
           help=_("修订已有指标时填写修订原因；留空时记为「通过Excel批量导入修订」。新增指标可留空。"), example="",
           export=lambda e: ""),
)

EXPORT_ONLY = (
    Column("版本号", "_version", width=8, export=lambda e: e.version),
    Column("状态", "_status", width=8, export=lambda e: e.get_status_display()),
    Column("维护区划", "_owner", width=14,
           export=lambda e: e.owner_region.name if e.owner_region_id else gettext("全国")),
    Column("当前版本修订说明", "_revision_note", width=24, export=lambda e: e.revision_note),
)

INDICATOR_SPEC = TableSpec(
    name="indicators",
    path="perfbudget.indicators.importer.INDICATOR_SPEC",
    title=pgettext_lazy("import title", "指标库指标"),
    sheet_title="指标库导入",
    columns=COLUMNS,
    form_class=EntryRowForm,
    save=save,
    key=key,
    key_label=_("指标编码"),
    key_field="code",
    lookup=lookup,
    unchanged=unchanged,
    can_update=can_update,
    export_only=EXPORT_ONLY,
    instructions=(
        _("4. 「指标编码」留空的行作为本地区新指标导入，按本地区编码自动编号；系统中已有的指标编码默认视为重复，"
          "勾选「更新已有记录」后按文件修订本地区指标（生成新版本，旧版本保留），与系统一致的行不作改动。"),
        _("5. 全国通用和上级地区维护的指标只读，不能通过导入修改；导出文件中的这些行保持原样即可。"),
        _("6. 从指标库导出的文件可直接修改后导入；灰色表头的列（版本号、状态、维护区划等）仅供参考，导入时忽略。"),
    ),
)
