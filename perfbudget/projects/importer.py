"""The project table for import and export (项目批量导入/导出): its columns, validated by `ProjectYearForm`
and saved by `save_project_year`, exactly as the project edit page does.

Documented behaviour of a re-import: a project code with a year not yet in the library adds that year to the
project (延续项目). A row whose project code and year already exist is refused as a duplicate, unless the user
ticks 「更新已有记录」: then rows identical to the library are left alone, changed rows update drafts and
returned projects, and changed rows of projects under review or accepted are refused.
"""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from perfbudget.core.importexport import (
    MONEY_FORMAT,
    TEXT_FORMAT,
    CellError,
    Column,
    TableSpec,
    amount,
    boolean,
    choice,
    code,
    integer,
    text,
)
from perfbudget.orgs.choices import OrgKind
from perfbudget.orgs.models import Organisation

from .choices import AbcClass, BudgetType, ProjectClass
from .forms import ProjectYearForm
from .models import FunctionClass, ProjectYear
from .services import PROJECT_FIELDS, YEAR_FIELDS, can_edit, save_project_year

YES_NO = [_("是"), _("否")]


def _units(user):
    return Organisation.objects.visible_to(user, "change").filter(kind=OrgKind.UNIT).order_by("path")


def unit_dropdown(user):
    return [f"{code} {name}" for code, name in _units(user).values_list("code", "name")]


def function_dropdown(user):
    return [f"{c} {n}" for c, n in FunctionClass.objects.order_by("code").values_list("code", "name")]


def unit(value, ctx):
    """A unit by its code (any case), by its exact name among the user's units, or as "code name"."""

    def index():
        by_code, by_name = {}, {}
        for c, n in _units(ctx.user).values_list("code", "name"):
            by_code[c.upper()] = c
            by_name.setdefault(n, []).append(c)
        return by_code, by_name

    by_code, by_name = ctx.cached("units", index)
    raw = text(value)
    if raw.upper() in by_code:
        return by_code[raw.upper()]
    if raw in by_name:
        if len(by_name[raw]) > 1:
            raise CellError(gettext("有多个同名预算单位，请填写预算单位编码"))
        return by_name[raw][0]
    first = code(raw)
    return by_code.get(first.upper(), first)


def function_class(value, ctx):
    """A function classification code: 2050201, 2050201.0 (a number cell), "2050201 学前教育"."""
    result = code(value)
    if not result.isdigit():
        raise CellError(gettext("功能分类科目应填写3、5或7位数字编码（如 2050201）"))
    return result


# An A/B/C override: "A", "A类", "A类(重点管理)"; an empty cell means "computed by the rule set".
abc = choice(AbcClass.choices, aliases={"A类": "A", "B类": "B", "C类": "C"})


def _yes_no(flag):
    return gettext("是") if flag else gettext("否")


COLUMNS = (
    Column("项目编码", "code", required=True, parse=code, width=18, number_format=TEXT_FORMAT,
           help=_("字母、数字和连字符；同一项目跨年度使用同一编码。"), example="YC-JY-2025-001",
           export=lambda py: py.project.code),
    Column("项目名称", "name", required=True, width=32, help=_("项目全称。"), example=_("校舍维修改造"),
           export=lambda py: py.project.name),
    Column("预算单位", "unit", required=True, parse=unit, dropdown=unit_dropdown, strict_dropdown=False, width=34,
           number_format=TEXT_FORMAT, help=_("填写预算单位编码（或从下拉列表选择）；只能是您管理范围内的单位。"),
           example="640323-JYJ-01", export=lambda py: py.project.unit.code),
    Column("预算年度", "year", required=True, parse=integer, width=10, help=_("如 2025；须是系统中已设立的财政年度。"),
           example="2025", export=lambda py: py.year,
           messages={"invalid_choice": _("系统中没有该财政年度")}),
    Column("预算类型", "budget_type", required=True, parse=choice(BudgetType.choices), dropdown=BudgetType.labels,
           width=16, help=_("一般公共预算、政府性基金预算、国有资本经营预算、社会保险基金预算或政府债务。"),
           example=_("一般公共预算"), export=lambda py: py.project.get_budget_type_display()),
    Column("功能分类科目", "function_class", required=True, parse=function_class, dropdown=function_dropdown,
           strict_dropdown=False, width=26, number_format=TEXT_FORMAT,
           help=_("支出功能分类科目编码（类3位、款5位、项7位），如 2050201。"), example="2050201",
           export=lambda py: py.project.function_class_id),
    Column("项目类别", "project_class", required=True, parse=choice(ProjectClass.choices),
           dropdown=ProjectClass.labels, width=12, help=_("人员类、运转类或特定目标类。"), example=_("特定目标类"),
           export=lambda py: py.project.get_project_class_display()),
    Column("专项资金", "special_fund", parse=boolean, dropdown=YES_NO, default="False", width=10,
           help=_("是/否，留空为否。"), example=_("否"), export=lambda py: _yes_no(py.project.special_fund)),
    Column("重点工作", "key_work", parse=boolean, dropdown=YES_NO, default="False", width=10,
           help=_("与党委政府重点工作直接相关的填「是」（分级分类列为A类），留空为否。"), example=_("否"),
           export=lambda py: _yes_no(py.project.key_work)),
    Column("新增项目", "is_new", parse=boolean, dropdown=YES_NO, default="True", width=10,
           help=_("「是」为新增项目，「否」为延续项目；留空为是。"), example=_("是"),
           export=lambda py: _yes_no(py.is_new)),
    Column("起始年度", "start_year", required=True, parse=integer, width=10, help=_("项目实施起始年度。"),
           example="2025", export=lambda py: py.project.start_year),
    Column("终止年度", "end_year", required=True, parse=integer, width=10,
           help=_("不早于起始年度，且预算年度在起止年度之内。"), example="2027", export=lambda py: py.project.end_year),
    Column("年初预算数(元)", "initial_budget", required=True, parse=amount, width=18, number_format=MONEY_FORMAT,
           help=_("以元为单位，最多两位小数；可写 1200000、1,200,000.00 或 120万。"), example="1200000.00",
           export=lambda py: py.initial_budget),
    Column("调整后预算数(元)", "adjusted_budget", parse=amount, width=18, number_format=MONEY_FORMAT,
           help=_("预算调整后的金额（元），未调整的留空。"), example="",
           export=lambda py: py.adjusted_budget),
    Column("指定分类", "abc_class", parse=abc, dropdown=[c for c, _label in AbcClass.choices], width=10,
           help=_("留空时按本地区规则集自动计算A/B/C类；填写与计算结果不同的类别时须填写调整分类理由。"), example="",
           export=lambda py: py.abc_class if py.abc_overridden else ""),
    Column("调整分类理由", "abc_override_reason", width=24, help=_("指定分类与规则计算结果不同时必填。"), example="",
           export=lambda py: py.abc_override_reason if py.abc_overridden else ""),
    Column("项目概况", "description", width=40, help=_("项目内容简介。"), example="",
           export=lambda py: py.project.description),
)

EXPORT_ONLY = (
    Column("单位名称", "_unit_name", width=26, export=lambda py: py.project.unit.name),
    Column("主管部门", "_department", width=22, export=lambda py: py.project.department.name),
    Column("区划", "_region", width=12, export=lambda py: py.project.region.name),
    Column("分级分类", "_abc", width=10, export=lambda py: py.abc_class),
    Column("规则计算分类", "_abc_computed", width=12, export=lambda py: py.abc_computed),
    Column("分类所用规则集", "_ruleset", width=28, export=lambda py: py.abc_ruleset),
    Column("状态", "_status", width=14, export=lambda py: py.get_status_display()),
)


def save(user, data, instance):
    return save_project_year(user, data, instance=instance)


def lookup(data):
    return ProjectYear.objects.filter(project__code=data["code"], year=data["year"]).select_related(
        "project").first()


def unchanged(py, data):
    """Whether saving `data` over `py` would change nothing (so identical rows of any status are accepted)."""
    project = py.project
    for name in PROJECT_FIELDS:
        current = getattr(project, name)
        if name in ("unit", "function_class"):
            current, new = getattr(project, f"{name}_id"), data[name].pk
        else:
            new = data[name]
        if current != new:
            return False
    for name in YEAR_FIELDS:
        if name != "abc_override_reason" and getattr(py, name) != data[name]:
            return False
    requested = data.get("abc_class") or ""
    if py.abc_overridden:
        return requested == py.abc_class and data["abc_override_reason"] == py.abc_override_reason
    return requested in ("", py.abc_class)


def can_update(py, user):
    if can_edit(py, user):
        return None
    return gettext("项目 %(code)s 在 %(year)s 年度当前状态为「%(status)s」，不能通过导入修改") % {
        "code": py.project.code, "year": py.year, "status": py.get_status_display()}


def check_rows(rows):
    """Rows of one project (same code, several years) must agree on the project's own fields."""
    first = {}
    for row_no, data in rows:
        if data["code"] not in first:
            first[data["code"]] = (row_no, data)
            continue
        ref_row, ref = first[data["code"]]
        for name in PROJECT_FIELDS:
            if name in data and data[name] != ref.get(name):
                label = next(c.header for c in COLUMNS if c.field == name)
                yield row_no, name, gettext("同一项目编码的「%(column)s」与第%(row)s行不一致（项目信息各年度共用）") % {
                    "column": label, "row": ref_row}


PROJECT_SPEC = TableSpec(
    name="projects",
    path="perfbudget.projects.importer.PROJECT_SPEC",
    title=pgettext_lazy("import title", "项目"),
    sheet_title="项目导入",
    columns=COLUMNS,
    form_class=ProjectYearForm,
    save=save,
    key=lambda data: (data["code"], data["year"]),
    key_label=_("项目编码+预算年度"),
    key_field="code",
    lookup=lookup,
    unchanged=unchanged,
    can_update=can_update,
    check_rows=check_rows,
    export_only=EXPORT_ONLY,
    instructions=(
        _("4. 同一项目的不同年度使用同一项目编码，各占一行；项目名称、预算单位等项目信息各行应一致。"),
        _("5. 系统中已有的「项目编码+预算年度」默认视为重复；勾选「更新已有记录」后，草稿和已退回的项目按文件更新，"
          "与系统一致的行不作改动，审核中或已入库的项目不能通过导入修改。"),
        _("6. 从项目库导出的文件可直接修改后重新导入；灰色表头的列（单位名称、状态等）仅供参考，导入时忽略。"),
    ),
)
