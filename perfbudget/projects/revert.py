"""Undo by history: put back the values one change-log entry replaced, through the edit page's form and save."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from perfbudget.orgs.models import Organisation

from .forms import ProjectYearForm, form_values
from .models import Project, ProjectYear
from .services import save_project_year

# Fields a revert may put back (as the form names them); the rest (status, computed class) follow the rules.
REVERTIBLE = {"name", "unit", "budget_type", "function_class", "project_class", "special_fund", "key_work",
              "start_year", "end_year", "description", "is_new", "initial_budget", "adjusted_budget",
              "abc_override_reason"}


def entry_for(py, entry_id):
    """The update entry `entry_id` of the project-year or of its project, else None."""
    cts = ContentType.objects.get_for_models(ProjectYear, Project)
    mine = Q(content_type=cts[ProjectYear], object_pk=str(py.pk)) | Q(content_type=cts[Project],
                                                                     object_pk=str(py.project_id))
    return LogEntry.objects.filter(mine, pk=entry_id, action=LogEntry.Action.UPDATE).first()


def _form_value(name, before):
    """A logged "before" value (auditlog stores text) as the form takes it."""
    if before in (None, "None"):
        return ""
    if name == "unit":
        unit = Organisation.objects.filter(pk=before).first()
        return unit.code if unit else before
    return before


def revert_entry(user, py, entry):
    """Restore the values `entry` changed on `py` (or its project); returns the saved project-year."""
    values = form_values(py)
    changed = []
    for name, (before, _after) in entry.changes_dict.items():
        if name in REVERTIBLE or name == "abc_class":
            values[name] = _form_value(name, before)
            changed.append(name)
    if not changed:
        raise ValidationError(_("这条记录没有可以撤销的字段。"))
    form = ProjectYearForm(values, initial=values, user=user, instance=py)  # initial: the disabled code field
    if not form.is_valid():
        reasons = "；".join((f"{form.fields[f].label}：" if f in form.fields else "") + "，".join(errs)
                           for f, errs in form.errors.items())
        raise ValidationError(_("不能撤销：%(reasons)s") % {"reasons": reasons})
    return save_project_year(user, dict(form.cleaned_data, code=py.project.code, year=py.year), instance=py)
