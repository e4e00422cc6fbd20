"""Database work on evaluation frameworks: a region copies a template and edits its copy; each edit is validated,
and editing a framework an evaluation already uses writes a new version (the old one is retired)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.scopes import CHANGE
from perfbudget.rulesets.services import resolve

from . import frameworks
from .choices import FrameworkStatus
from .models import EvaluationFramework
from .services import KeyEvalError, ScoreError, _require_office


class FrameworkError(ScoreError):
    """A framework refused by validation: `errors` lists every problem, each naming the item."""


def floor_for(region):
    """The output/benefit floor (`evaluation.min_output_benefit_weight`) in force for `region` this year."""
    rules = resolve(region, timezone.localdate().year)
    return rules.get("evaluation.min_output_benefit_weight", 60)


def check(items, kind, region):
    """Validation messages of `items` for a framework of `kind` owned by `region` (None: national)."""
    floor = floor_for(region) if region is not None else 60
    return frameworks.validate(items, kind, floor)


def _locked(user, framework):
    # of=self: the default ordering joins the nullable owner region, which PostgreSQL will not lock.
    qs = EvaluationFramework.objects.visible_to(user, CHANGE).select_for_update(of=("self",)).order_by()
    return qs.filter(pk=framework.pk).first()


@transaction.atomic
def copy_framework(user, source, region, name=None):
    """复制: the region's own editable copy of a visible framework (version 1 of a new code)."""
    _require_office(user, region)
    if not EvaluationFramework.objects.visible_to(user).filter(pk=source.pk).exists():
        raise PermissionDenied(_("无权使用该评价指标体系。"))
    taken = EvaluationFramework.objects.filter(code__startswith=f"{region.code}-{source.kind}-").count()
    code = f"{region.code}-{source.kind}-{taken + 1}"
    while EvaluationFramework.objects.filter(code=code).exists():
        taken += 1
        code = f"{region.code}-{source.kind}-{taken + 1}"
    copy = EvaluationFramework(code=code, name=(name or _("%(region)s%(name)s") % {
        "region": region.name, "name": source.name})[:200], kind=source.kind, owner_region=region, version=1,
        items=source.items, basis=source.basis, copied_from=source, created_by=user)
    with acting_as(user):
        copy.save()
    return copy


@transaction.atomic
def save_framework(user, framework, items, name=None, basis=None):
    """Save edited items: validated first (all problems at once); a framework in use by an evaluation is not
    changed but succeeded by version n+1. Returns the framework now holding the items."""
    fw = _locked(user, framework)
    if fw is None:
        raise PermissionDenied(_("只有所属区划的财政局绩效科可以修改该评价指标体系（全国模板请先复制）。"))
    if fw.status != FrameworkStatus.ACTIVE:
        raise KeyEvalError(_("该版本已停用，请修改最新版本。"))
    errors = check(items, fw.kind, fw.owner_region)
    if errors:
        raise FrameworkError(errors)
    name = (name if name is not None else fw.name).strip()
    if not name:
        raise FrameworkError([_("请填写指标体系名称。")])
    basis = fw.basis if basis is None else basis.strip()
    with acting_as(user):
        if fw.evaluations.exists():
            latest = EvaluationFramework.objects.filter(code=fw.code).aggregate(v=Max("version"))["v"] or fw.version
            fw.status = FrameworkStatus.RETIRED
            fw.save(update_fields=["status"])
            fw = EvaluationFramework.objects.create(
                code=fw.code, name=name[:200], kind=fw.kind, owner_region=fw.owner_region, version=latest + 1,
                items=items, basis=basis, copied_from=fw.copied_from, created_by=user)
        else:
            fw.items, fw.name, fw.basis = items, name[:200], basis
            fw.save()
    return fw


@transaction.atomic
def retire_framework(user, framework):
    """停用 a region's framework (evaluations keep their frozen copies)."""
    fw = _locked(user, framework)
    if fw is None:
        raise PermissionDenied(_("只有所属区划的财政局绩效科可以停用该评价指标体系。"))
    fw.status = FrameworkStatus.RETIRED
    with acting_as(user):
        fw.save(update_fields=["status"])
    return fw
