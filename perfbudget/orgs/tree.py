"""The shape rules of the organisation tree (used by the form, the import's cross-row check and the save path
alike): where each kind may hang, whether a set of parent links loops, when a kind may change."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import OrgKind

# kind → kinds its parent may be (None: no parent allowed); whether a parent is required.
PARENT_KINDS = {
    OrgKind.UNIT: ((OrgKind.DEPARTMENT, OrgKind.UNIT), True),
    OrgKind.DEPARTMENT: ((OrgKind.DEPARTMENT,), False),
    OrgKind.SECTION: ((OrgKind.BUREAU,), True),
    OrgKind.BUREAU: ((), False),
}


def _labels(kinds):
    return "、".join(str(OrgKind(k).label) for k in kinds)


def missing_parent_error(kind):
    """Why an organisation of `kind` without a parent is refused, or None when it may stand alone."""
    allowed, required = PARENT_KINDS.get(kind, ((), False))
    if required:
        return _("「%(kind)s」必须填写上级机构代码（上级应为%(allowed)s）") % {
            "kind": OrgKind(kind).label, "allowed": _labels(allowed)}
    return None


def placement_error(kind, region, parent_code, parent_kind, parent_region):
    """Why an organisation of `kind` in `region` may not hang under the given parent, or None.

    A unit may sit in its parent's region or in a region below it (a township school under the county's
    education bureau); every other kind sits in its parent's region.
    """
    allowed, _required = PARENT_KINDS.get(kind, ((), False))
    if parent_kind not in allowed:
        if not allowed:
            return _("「%(kind)s」不能有上级机构，请将上级机构代码留空") % {"kind": OrgKind(kind).label}
        return _("「%(kind)s」的上级机构应为%(allowed)s，「%(parent)s」是%(parent_kind)s") % {
            "kind": OrgKind(kind).label, "allowed": _labels(allowed), "parent": parent_code,
            "parent_kind": OrgKind(parent_kind).label}
    same = parent_region.path == region.path
    below = kind == OrgKind.UNIT and region.path.startswith(parent_region.path)
    if not (same or below):
        return _("上级机构「%(parent)s」属于其他区划（%(parent_region)s %(parent_region_code)s），"
                 "与本机构所属区划（%(region)s %(region_code)s）不一致") % {
            "parent": parent_code, "parent_region": parent_region.name, "parent_region_code": parent_region.code,
            "region": region.name, "region_code": region.code}
    return None


def funding_section_error(kind, region, section_code, section_kind, section_region):
    """Why `section_code` may not be the funding section (归口业务科室) of this organisation, or None."""
    if kind != OrgKind.DEPARTMENT:
        return _("只有主管部门填写归口业务科室，请留空")
    if section_kind != OrgKind.SECTION:
        return _("「%(code)s」不是财政局科室") % {"code": section_code}
    if section_region.path != region.path:
        return _("归口业务科室「%(code)s」属于其他区划（%(section_region)s），应为本区划财政局的科室") % {
            "code": section_code, "section_region": section_region.name}
    return None


def find_cycle(code, parent_of):
    """The loop of parent links through `code` (["A", "B", "A"]), or None. `parent_of(code)` gives a code or None."""
    chain, seen = [code], {code}
    current = parent_of(code)
    while current is not None:
        chain.append(current)
        if current == code:
            return chain
        if current in seen:  # a loop further up, not through `code`: reported on its own rows
            return None
        seen.add(current)
        current = parent_of(current)
    return None


def kind_change_error(org, kind):
    """Why `org` may not change to `kind` (the tree or its projects would break), or None."""
    if OrgKind.BUREAU in (org.kind, kind):
        return _("不能修改财政局的类型")
    parts = [text % {"n": n} for text, n in (
        (_("%(n)s个下级机构"), org.children.count()),
        (_("%(n)s个项目"), org.projects.count()),
        (_("归口的%(n)s个主管部门"), org.overseen_departments.count()),
    ) if n]
    if not parts:
        return None
    return _("机构「%(code)s」已有%(what)s，不能将类型由「%(old)s」改为「%(new)s」") % {
        "code": org.code, "what": pgettext("list separator", "、").join(parts), "old": org.get_kind_display(),
        "new": OrgKind(kind).label}


def move_error(org, parent):
    """Why `org` may not move under `parent` (None: to the top), or None.

    Projects keep the department of their unit (Project.department), so a unit with projects in its subtree
    keeps its department: moving it under another department would leave those projects behind.
    """
    if org.kind != OrgKind.UNIT or org.parent_id == (parent.pk if parent else None):
        return None
    new_department = None
    if parent is not None:
        new_department = parent.pk if parent.kind == OrgKind.DEPARTMENT else parent.department_id
    if new_department == org.department_id:
        return None
    count = type(org).objects.filter(path__startswith=org.path).aggregate(n=Count("projects"))["n"]
    if not count:
        return None
    message = _("预算单位「%(code)s」及其下级已有%(count)s个项目，不能改到其他主管部门之下（项目的主管部门不随之改变）")
    return message % {"code": org.code, "count": count}
