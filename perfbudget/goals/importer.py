"""Batch import of goals (绩效目标批量导入) and the export of approved goals, as one flat sheet: one row per
indicator, keyed by 项目编码 + 年度, through the shared import mechanism (core.importexport).

Each row is checked on its own by `GoalRowForm` (the project year is looked up through the user's change scope;
the indicator goes through `rows.clean_row`, as on the goal page). Rows are then grouped by project year, in file
order: a project year without a goal gets a draft (`services.start_goal`); a draft or returned goal has its rows
replaced (`services.save_goal`); a group identical to the live goal changes nothing, whatever its status; a
changed group of a goal in review or approved is refused on each of its rows. The whole file is written in one
transaction or not at all.

The export of approved goals writes the same columns (so it imports again) plus reference columns that the
import ignores (项目名称, 预算单位, 状态, 版本).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from perfbudget.core.importexport import TEXT_FORMAT, Column, TableSpec, boolean, choice, code, integer
from perfbudget.core.scopes import CHANGE
from perfbudget.indicators import frameworks
from perfbudget.indicators.choices import Basis
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from . import services
from .choices import EDITABLE
from .excel import BASIS_LABEL, BASIS_LABELS, NO, YES, cell_text, indicator_row, keep_existing, same_rows
from .rows import MAX_ROWS, clean_row, clean_rows

# Indicator fields of the row check → the form field (column) an error is shown on.
ERROR_FIELD = {"comparator": "target", "upper": "target", "entry": "name"}
INDICATOR_FIELDS = ("level1", "level2", "name", "target", "unit", "weight", "basis", "is_core", "note")


def _project_years(user):
    return ProjectYear.objects.visible_to(user, CHANGE)


def project_dropdown(user):
    """The user's project codes with their names ("EDU-1 校舍维修"), newest first."""
    seen = {}
    for c, n in _project_years(user).order_by("project__code").values_list("project__code", "project__name"):
        seen.setdefault(c, f"{c} {n}")
    return list(seen.values())


def _layouts(user):
    """The layouts of the rule sets over the user's project years (the default one when there are none)."""
    from perfbudget.orgs.models import Region

    names = []
    pairs = list(_project_years(user).order_by().values_list("project__region", "year").distinct()[:50])
    regions = Region.objects.in_bulk({r for r, _y in pairs})
    for region_id, year in pairs:
        name = resolve(regions.get(region_id), year).get("goals.layout", frameworks.DEFAULT_LAYOUT)
        if name not in names:
            names.append(name)
    return names or [frameworks.DEFAULT_LAYOUT]


def level1_dropdown(user):
    return list(dict.fromkeys(l1 for name in _layouts(user) for l1 in frameworks.layout(name)))


def level2_dropdown(user):
    return list(dict.fromkeys(l2 for name in _layouts(user) for l2s in frameworks.layout(name).values()
                              for l2 in l2s))


def target_cell(value, ctx=None):
    """A printed target as typed (numbers lose a spurious ".0"; a date cell becomes "2025年8月31日")."""
    return cell_text(value)


basis_cell = choice(Basis.choices, aliases={label: key for key, label in BASIS_LABEL.items()} | {
    "计划": Basis.PLAN, "行业": Basis.INDUSTRY, "历史": Basis.HISTORY, "其他": Basis.OTHER, "支出标准": Basis.OTHER})


class GoalRowForm(forms.Form):
    """One indicator row of the batch sheet: its project year (in the user's change scope) and the indicator,
    checked by `rows.clean_row` against the layout of the project's rule set."""

    code = forms.CharField(max_length=40)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    overall_goal = forms.CharField(required=False, max_length=2000)
    annual_goal = forms.CharField(required=False, max_length=2000)
    level1 = forms.CharField(required=False, max_length=300)
    level2 = forms.CharField(required=False, max_length=300)
    name = forms.CharField(required=False, max_length=300)
    target = forms.CharField(required=False, max_length=300)
    unit = forms.CharField(required=False, max_length=300)
    weight = forms.CharField(required=False, max_length=300)
    basis = forms.CharField(required=False, max_length=20)
    is_core = forms.CharField(required=False, max_length=10)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        py = self._project_year(data)
        layout_name = services.layout_for(py) if py is not None else frameworks.DEFAULT_LAYOUT
        read = {f: data.get(f) or "" for f in INDICATOR_FIELDS} | {"printed": data.get("target") or ""}
        raw = indicator_row(read, layout_name)
        row, problems = clean_row(raw, layout_name)
        for problem in problems:
            field = ERROR_FIELD.get(problem.field, problem.field)
            if field not in self.errors:
                self.add_error(field, problem.message)
        row["printed"], row["unit_cell"] = read["printed"], read["unit"]
        data.update(project_year=py, row=row, layout=layout_name)
        return data

    def _project_year(self, data):
        project_code, year = data.get("code"), data.get("year")
        if not project_code or not year:
            return None
        user = self.user
        if not (user.is_superuser or user.has_role("unit")):
            self.add_error("code", gettext("只有预算单位可以申报绩效目标"))
            return None
        py = _project_years(user).select_related("project__region").filter(
            project__code__iexact=project_code, year=year).first()
        if py is not None:
            return py
        visible = ProjectYear.objects.visible_to(user).filter(project__code__iexact=project_code)
        if not visible.exists():
            self.add_error("code", gettext("系统中没有项目编码「%(code)s」，或该项目不属于您的单位")
                           % {"code": project_code})
        elif not visible.filter(year=year).exists():
            self.add_error("year", gettext("项目「%(code)s」没有%(year)s年度的预算")
                           % {"code": project_code, "year": year})
        else:
            self.add_error("code", gettext("您无权为项目「%(code)s」申报绩效目标") % {"code": project_code})
        return None


# --- groups: the rows of one project year ----------------------------------------------------------------

@dataclass
class Plan:
    """What importing one project year's rows does: create | update | unchanged | locked."""

    project_year: ProjectYear
    goal: object
    action: str
    header: dict
    rows: list


def group_rows(rows):
    """[(row_no, data)] → {project year pk: [(row_no, data)]}, in file order."""
    groups = {}
    for row_no, data in rows:
        groups.setdefault(data["project_year"].pk, []).append((row_no, data))
    return groups


def _header(group):
    header = {}
    for key in ("overall_goal", "annual_goal"):
        values = [d.get(key, "").strip() for _r, d in group if d.get(key, "").strip()]
        if values:
            header[key] = values[0]
    return header


def plan(group):
    """The plan for one project year's rows (`group`: [(row_no, data)]), against its live goal."""
    py = group[0][1]["project_year"]
    goal = services.live_goal(py)
    header = _header(group)
    rows = [dict(d["row"]) for _r, d in group]
    if goal is None:
        return Plan(py, None, "create", header, rows)
    current = services.goal_rows(goal)
    rows = keep_existing(rows, current)
    cleaned, _errors = clean_rows(rows, services.layout_for(py))
    same = same_rows(cleaned, current) and all(getattr(goal, k) == v for k, v in header.items())
    if same:
        return Plan(py, goal, "unchanged", header, cleaned)
    return Plan(py, goal, "update" if goal.status in EDITABLE else "locked", header, cleaned)


def locked_reason(p):
    return gettext("项目「%(code)s」%(year)s年度的绩效目标当前为「%(status)s」，不能通过导入修改"
                   "（已批复的目标请在系统中申请目标调整）") % {
        "code": p.project_year.project.code, "year": p.project_year.year, "status": p.goal.get_status_display()}


def check_rows(rows):
    """Across rows: one 总体目标/年度目标 per project year, at most MAX_ROWS indicators, and no change to a goal
    in review or approved."""
    for group in group_rows(rows).values():
        for key in ("overall_goal", "annual_goal"):
            first = None
            for row_no, data in group:
                value = data.get(key, "").strip()
                if not value:
                    continue
                if first is None:
                    first = (row_no, value)
                elif value != first[1]:
                    reason = gettext("同一项目年度的「%(column)s」与第%(row)s行不一致（只需在该项目的第一行填写）")
                    yield row_no, key, reason % {"column": COLUMN_HEADERS[key], "row": first[0]}
        if len(group) > MAX_ROWS:
            yield group[0][0], "code", gettext("同一项目年度的指标不超过%(n)s行") % {"n": MAX_ROWS}
        p = plan(group)
        if p.action == "locked":
            for row_no, _data in group:
                yield row_no, "code", locked_reason(p)


def save_order(rows):
    """File order; the first row of each project year carries its whole group (saved at once), the others
    are marked as saved with it."""
    for group in group_rows(rows).values():
        group[0][1]["_group"] = group
        for _row_no, data in group[1:]:
            data["_group"] = None
    return rows


def save(user, data, instance):
    """Write one project year's goal when called with the first row of its group; the others are no-ops."""
    group = data.get("_group")
    if group is None:
        return None
    p = plan(group)
    if p.action == "unchanged":
        return p.goal
    if p.action == "locked":
        raise ValidationError({"code": locked_reason(p)})
    goal = p.goal or services.start_goal(p.project_year, user)
    try:
        return services.save_goal(goal, user, p.header, p.rows)
    except services.GoalError as exc:
        messages = [f"{gettext('第%(row)s行') % {'row': group[e.row - 1][0]}}：{e.message}"
                    if e.row and e.row <= len(group) else e.message for e in exc.errors] or [str(exc)]
        raise ValidationError({"": messages})


# --- columns ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlatRow:
    """One exported indicator row: the goal, the row, and whether it is the goal's first row."""

    goal: object
    row: object
    first: bool


def _py(r):
    return r.goal.project_year


COLUMNS = (
    Column("项目编码", "code", required=True, parse=code, dropdown=project_dropdown, strict_dropdown=False, width=26,
           number_format=TEXT_FORMAT,
           help=_("填写项目编码（或从下拉列表选择）；只能是本单位可申报的项目。同一项目的各指标各占一行。"),
           example="YC-JY-2025-001", export=lambda r: _py(r).project.code),
    Column("年度", "year", required=True, parse=integer, width=8,
           help=_("预算年度，如 2025；该项目须已有该年度的预算。"),
           example="2025", export=lambda r: _py(r).year),
    Column("总体目标", "overall_goal", width=36, help=_("项目的总体目标，只需在该项目的第一行填写；留空则不修改。"),
           example=_("完成校舍维修，消除安全隐患。"),
           export=lambda r: r.goal.overall_goal if r.first else None),
    Column("年度目标", "annual_goal", width=36, example="",
           help=_("本年度目标，只需在该项目的第一行填写；留空则不修改。"),
           export=lambda r: r.goal.annual_goal if r.first else None),
    Column("一级指标", "level1", required=True, dropdown=level1_dropdown, strict_dropdown=False, width=12,
           help=_("产出指标、效益指标、满意度指标（101号体系另有成本指标）。"), example="产出指标",
           export=lambda r: r.row.level1),
    Column("二级指标", "level2", required=True, dropdown=level2_dropdown, strict_dropdown=False, width=16,
           help=_("须属于所填一级指标，如 数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标。"),
           example="数量指标",
           export=lambda r: r.row.level2),
    Column("三级指标", "name", required=True, width=30, help=_("指标名称，不超过100个字。"), example=_("维修校舍面积"),
           export=lambda r: r.row.name),
    Column("指标值", "target", required=True, parse=target_cell, width=18,
           help=_("连同比较符号填写：≥38公里、≤350元、=1个、90%-100%、2025年11月30日前；定性指标直接填写，如 良好。"),
           example="≥3200平方米", export=lambda r: r.row.printed),
    Column("计量单位", "unit", width=10, number_format=TEXT_FORMAT,
           help=_("如 平方米、%、人；可留空（从指标值中读取）。"),
           example="平方米", export=lambda r: r.row.unit),
    Column("分值", "weight", parse=target_cell, width=8, help=_("该指标的分值，如 15 或 15分。"), example="15",
           export=lambda r: r.row.weight),
    Column("设定依据", "basis", parse=basis_cell, dropdown=BASIS_LABELS, width=12,
           help=_("计划标准、行业标准、历史标准或其他标准；留空为计划标准。"), example="计划标准",
           aliases=("指标值设定依据",), export=lambda r: BASIS_LABEL.get(r.row.basis, r.row.basis)),
    Column("核心指标", "is_core", parse=boolean, dropdown=[YES, NO], width=10, help=_("是/否，留空为否。"), example=NO,
           export=lambda r: YES if r.row.is_core else NO),
    Column("备注", "note", width=24, help=_("选填。"), example="", export=lambda r: r.row.note),
)
COLUMN_HEADERS = {c.field: c.header for c in COLUMNS}

EXPORT_ONLY = (
    Column("项目名称", "_project_name", width=28, export=lambda r: _py(r).project.name),
    Column("预算单位", "_unit", width=26, export=lambda r: _py(r).project.unit.name),
    Column("状态", "_status", width=12, export=lambda r: r.goal.get_status_display()),
    Column("版本", "_version", width=8, export=lambda r: r.goal.version),
)

GOAL_SPEC = TableSpec(
    name="goals",
    path="perfbudget.goals.importer.GOAL_SPEC",
    title=pgettext_lazy("import title", "绩效目标"),
    sheet_title="绩效目标导入",
    columns=COLUMNS,
    form_class=GoalRowForm,
    save=save,
    check_rows=check_rows,
    save_order=save_order,
    export_only=EXPORT_ONLY,
    instructions=(
        _("4. 每行一个三级指标；同一项目年度的指标按顺序连续填写，「项目编码」和「年度」每行都要填，"
          "「总体目标」「年度目标」只需在该项目的第一行填写。"),
        _("5. 项目尚无绩效目标的，导入后生成草稿；已有草稿或已退回的目标，其全部指标按文件替换；"
          "与系统一致的项目不作改动；审核中或已批复的目标不能通过导入修改。"),
        _("6. 导出的已批复绩效目标可直接修改后导入；灰色表头的列（项目名称、状态、版本等）仅供参考，导入时忽略。"),
    ),
)


def flat_rows(goals):
    """The export rows of `goals`: each goal's indicators in order, the goal texts on its first row."""
    for goal in goals:
        for i, row in enumerate(goal.rows.all()):
            yield FlatRow(goal, row, i == 0)


def export_goals(queryset):
    """Approved goals (already limited to the user's scope and filters) as `.xlsx` bytes."""
    from perfbudget.core.importexport import write_table

    from .choices import GoalStatus

    goals = (queryset.filter(status=GoalStatus.APPROVED).with_related().prefetch_related("rows")
             .order_by("-project_year__year", "project_year__project__code", "-version"))
    return write_table(GOAL_SPEC, flat_rows(goals), sheet_title=gettext("已批复绩效目标"))
