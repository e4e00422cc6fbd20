"""The organisation table (机构导入/导出) for the generic import mechanism.

One row per organisation, validated by `OrganisationForm`, saved by `save_organisation`, in file order. A parent
(or funding section) may be a row earlier in the file; the cross-row check refuses parents that are nowhere, that
come after their children, that sit in another region, and loops of parent links.
"""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from perfbudget.core.importexport import TEXT_FORMAT, Column, TableSpec, boolean, choice, code, text

from .access import managed_organisations, managed_regions
from .choices import OrgKind
from .forms import IMPORT_KINDS, OrganisationForm, kind_choices
from .models import Organisation
from .services import save_organisation
from .tree import find_cycle, funding_section_error, placement_error

YES_NO = [_("是"), _("否")]


def _code_name(rows):
    return [f"{c} {n}" for c, n in rows]


def region_dropdown(user):
    return _code_name(managed_regions(user).values_list("code", "name"))


def section_dropdown(user):
    sections = managed_organisations(user).filter(kind=OrgKind.SECTION).order_by("path")
    return _code_name(sections.values_list("code", "name"))


def kind_dropdown(user):
    return [str(label) for _k, label in kind_choices(user)]


def _code_of(org):
    return org.code if org is not None else ""


ORG_COLUMNS = (
    Column("机构代码", "code", required=True, parse=code, width=20, number_format=TEXT_FORMAT,
           help=_("字母、数字和连字符，全系统唯一，如 640323-JYJ-03；已有的代码表示修改该机构。"),
           example="640323-JYJ-03", export=lambda o: o.code),
    Column("机构名称", "name", required=True, parse=text, width=30, help=_("机构全称。"), example=_("盐池县第三中学"),
           export=lambda o: o.name),
    Column("类型", "kind", required=True, parse=choice([(k, OrgKind(k).label) for k in IMPORT_KINDS]),
           dropdown=kind_dropdown, width=12,
           help=_("主管部门或预算单位（财政局科室仅系统管理员可导入）。"), example=_("预算单位"),
           export=lambda o: o.get_kind_display()),
    Column("上级机构代码", "parent_code", parse=code, width=20, number_format=TEXT_FORMAT,
           help=_("预算单位填所属主管部门（或上级预算单位）的代码；主管部门一般留空；财政局科室填财政局代码。"
                  "上级也可以是本文件中的另一行（顺序不限）。"),
           example="640323-JYJ", export=lambda o: _code_of(o.parent)),
    Column("所属区划代码", "region_code", required=True, parse=code, dropdown=region_dropdown, strict_dropdown=False,
           width=18, number_format=TEXT_FORMAT, help=_("行政区划代码，只能是您所在的区划。"), example="640323",
           export=lambda o: o.region.code),
    Column("归口业务科室代码", "funding_section_code", parse=code, dropdown=section_dropdown, strict_dropdown=False,
           width=24, number_format=TEXT_FORMAT, help=_("仅主管部门填写：归口管理该部门的财政局业务科室代码。"),
           example="", export=lambda o: _code_of(o.funding_section)),
    Column("启用", "is_active", parse=boolean, dropdown=YES_NO, default="True", width=8,
           help=_("是/否，留空为是。"), example=_("是"),
           export=lambda o: gettext("是") if o.is_active else gettext("否")),
)

ORG_EXPORT_ONLY = (
    Column("上级机构名称", "_parent_name", width=26, export=lambda o: o.parent.name if o.parent_id else ""),
    Column("区划名称", "_region_name", width=14, export=lambda o: o.region.name),
)


def save_org(user, data, instance):
    return save_organisation(user, data, instance=instance)


def lookup_org(data):
    return Organisation.objects.select_related("parent", "funding_section").filter(code=data["code"]).first()


def org_unchanged(org, data):
    return (org.name == data["name"] and org.kind == data["kind"] and org.region_id == data["region"].pk
            and _code_of(org.parent) == data["parent_code"] and org.is_active == data["is_active"]
            and _code_of(org.funding_section) == data["funding_section_code"])


def can_update_org(org, user):
    if managed_organisations(user).filter(pk=org.pk).exists():
        return None
    return gettext("机构「%(code)s」不在您的管理范围内，不能修改") % {"code": org.code}


def check_org_rows(rows):
    """Parents and funding sections named by rows of the file, and loops of parent links across rows."""
    in_file = {data["code"]: (row_no, data) for row_no, data in rows}
    parents = {}

    def parent_of(code):
        if code in in_file:
            return in_file[code][1]["parent_code"] or None
        if code not in parents:
            parents[code] = Organisation.objects.filter(code=code).values_list("parent__code", flat=True).first()
        return parents[code]

    linked = any(data["parent_code"] in in_file for _r, data in rows)
    for row_no, data in rows:
        cycle = find_cycle(data["code"], parent_of) if linked else None
        if cycle:
            yield row_no, "parent_code", gettext("上级机构形成循环：%(chain)s") % {"chain": " → ".join(cycle)}
            continue
        if data["parent_code"] and data["parent"] is None:
            yield from _file_reference(row_no, data, "parent_code", in_file, gettext("上级机构代码"))
        if data["funding_section_code"] and data["funding_section"] is None:
            yield from _file_reference(row_no, data, "funding_section_code", in_file, gettext("归口业务科室代码"))


def parents_first(rows):
    """Rows ordered so that a parent or funding section named by another row of the file is written before it
    (check_org_rows has already refused loops); otherwise file order."""
    in_file = {data["code"]: data for _row, data in rows}
    depth = {}

    def depth_of(code):
        if code not in depth:
            data = in_file[code]
            refs = [c for c in (data["parent_code"], data["funding_section_code"]) if c in in_file and c != code]
            depth[code] = 1 + max((depth_of(c) for c in refs), default=-1)
        return depth[code]

    return sorted(rows, key=lambda item: (depth_of(item[1]["code"]), item[0]))


def _file_reference(row_no, data, field, in_file, label):
    """A code not in the system must be a row of the file, fit to be referred to."""
    code = data[field]
    if code not in in_file:
        message = gettext("%(label)s「%(code)s」不存在：系统中没有该机构，本文件中也没有校验通过的该机构行")
        yield row_no, field, message % {"label": label, "code": code}
        return
    _ref_row, ref = in_file[code]
    if field == "parent_code":
        error = placement_error(data["kind"], data["region"], code, ref["kind"], ref["region"])
    else:
        error = funding_section_error(data["kind"], data["region"], code, ref["kind"], ref["region"])
    if error:
        yield row_no, field, error


ORG_SPEC = TableSpec(
    name="organisations",
    path="perfbudget.orgs.importers.ORG_SPEC",
    title=pgettext_lazy("import title", "机构"),
    sheet_title="机构导入",
    columns=ORG_COLUMNS,
    form_class=OrganisationForm,
    save=save_org,
    key=lambda data: (data["code"],),
    key_label=_("机构代码"),
    key_field="code",
    lookup=lookup_org,
    unchanged=org_unchanged,
    can_update=can_update_org,
    check_rows=check_org_rows,
    save_order=parents_first,
    export_only=ORG_EXPORT_ONLY,
    instructions=(
        _("4. 上级机构须已在系统中，或是本文件中的另一行（行的先后顺序不限，系统先写入上级）。"),
        _("5. 系统中已有的机构代码默认视为重复；勾选「更新已有记录」后按文件修改名称、上级机构、"
          "归口业务科室和启用状态。已有下级机构或项目的机构不能修改类型，所属区划不能通过导入修改。"),
        _("6. 从机构列表导出的文件可直接修改后重新导入；灰色表头的列仅供参考，导入时忽略。"),
    ),
)
