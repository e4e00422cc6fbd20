"""Operations on the project library; each is one transaction, scope-checked inside it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from perfbudget.core.scopes import CHANGE, assert_in_scope
from perfbudget.core.workflow import history as workflow_history
from perfbudget.orgs.choices import Role
from perfbudget.rulesets.services import resolve

from .choices import ProjectStatus
from .classification import classify
from .models import Project, ProjectYear

EDITABLE = (ProjectStatus.DRAFT, ProjectStatus.RETURNED)
PROJECT_FIELDS = ("name", "unit", "budget_type", "function_class", "project_class", "special_fund", "key_work",
                  "start_year", "end_year", "description")
YEAR_FIELDS = ("is_new", "initial_budget", "adjusted_budget", "abc_override_reason")


def apply_classification(py, requested_class=""):
    """Compute the A/B/C class by the region's rule set for the year; keep a requested override with its reason."""
    rules = resolve(py.project.region, py.year)
    result = classify(py.budget, py.project.key_work, rules)
    py.abc_computed = result.abc_class
    py.abc_ruleset = rules.label
    py.abc_class = requested_class or result.abc_class
    if py.abc_class == py.abc_computed:
        py.abc_override_reason = ""
    elif not py.abc_override_reason.strip():
        message = _("分级分类调整为%(cls)s类（规则计算为%(auto)s类），必须说明理由。")
        raise ValidationError({"abc_override_reason": message % {"cls": py.abc_class, "auto": py.abc_computed}})
    return result


def can_edit(py, user):
    """Units edit drafts and returned projects; the bureau's budget section may correct any in its own region."""
    if user.is_superuser:
        return True
    if not ProjectYear.objects.visible_to(user, CHANGE).filter(pk=py.pk).exists():
        return False
    if py.status in EDITABLE:
        return True
    return ProjectYear.objects.visible_to(user, CHANGE, roles={Role.BUDGET_SECTION}).filter(pk=py.pk).exists()


@transaction.atomic
def save_project_year(user, data, instance=None):
    """Create or update a project-year from cleaned form data; returns the saved `ProjectYear`."""
    if instance is not None:
        py = ProjectYear.objects.select_for_update().select_related("project").get(pk=instance.pk)
        if not can_edit(py, user):
            raise PermissionDenied(_("当前状态「%(s)s」下您不能修改该项目。") % {"s": py.get_status_display()})
        project = py.project
    else:
        project = Project.objects.select_for_update().filter(code=data["code"]).first() or Project(code=data["code"])
        if project.pk and ProjectYear.objects.filter(project=project, year=data["year"]).exists():
            raise ValidationError({"year": _("项目 %(code)s 在 %(year)s 年度已存在。")
                                   % {"code": project.code, "year": data["year"]}})
        py = ProjectYear(project=project, year=data["year"])
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.full_clean(exclude=["department", "region"])
    project.save()
    for name in YEAR_FIELDS:
        if name in data:
            setattr(py, name, data[name])
    py.abc_override_reason = py.abc_override_reason or ""
    py.project = project
    apply_classification(py, data.get("abc_class") or "")
    py.full_clean(exclude=["project"])
    py.save()
    assert_in_scope(py, user, CHANGE)  # the unit may have moved the row out of the user's scope: roll back
    return py


@transaction.atomic
def delete_project_year(user, py):
    """Delete a draft (never one that entered review); the project goes too when it has no other year."""
    py = ProjectYear.objects.select_for_update().select_related("project").get(pk=py.pk)
    if py.status != ProjectStatus.DRAFT or not can_edit(py, user):
        raise PermissionDenied(_("只能删除本单位尚未提交的草稿项目。"))
    if workflow_history(py).exists():
        raise PermissionDenied(_("该项目已有流转记录，不能删除，可在退回后修改。"))
    project = py.project
    py.delete()
    if not project.years.exists():
        project.delete()
