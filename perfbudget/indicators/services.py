"""Library operations: search, suggestions for a project, usage statistics, add / revise / retire."""

import statistics
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.scopes import CHANGE

from .choices import EntryStatus
from .models import IndicatorEntry
from .search import code_match_length, initials, looks_like_initials

EDITABLE_FIELDS = ("category", "is_common", "level1", "level2", "name", "definition", "unit", "direction",
                   "value_kind", "formula", "basis", "suggested_target", "range_low", "range_high", "sectors",
                   "function_codes")


def search(queryset, q):
    """Chinese text, code, or pinyin initials ("yjjy" finds 义务教育…); every term must match."""
    for term in (q or "").split():
        cond = Q(name__icontains=term) | Q(code__istartswith=term) | Q(definition__icontains=term) \
            | Q(sectors__icontains=term)
        if looks_like_initials(term):
            cond |= Q(pinyin__contains=term.lower())
        queryset = queryset.filter(cond)
    return queryset


def _function_prefixes(entry):
    return entry.function_codes or (entry.category.function_codes if entry.category_id else "")


def suggest(project_year, user, q="", limit=20):
    """Active entries ranked for a project: function-code match first, then use by similar projects
    (same 款 of the function classification), then common indicators; a search text narrows the list."""
    from perfbudget.goals.models import GoalIndicator

    project = project_year.project
    code = project.function_class_id or ""
    entries = search(IndicatorEntry.objects.visible_to(user).active().select_related("category"), q)
    used = dict(GoalIndicator.objects.filter(entry__isnull=False,
                                            goal__project_year__project__function_class__code__startswith=code[:5])
                .values_list("entry__code").annotate(n=Count("id")).values_list("entry__code", "n"))
    ranked = []
    for e in entries:
        match = code_match_length(code, _function_prefixes(e))
        score = match * 10 + min(used.get(e.code, 0), 20) + (5 if e.is_common else 0)
        if q or match or e.is_common or e.code in used:
            ranked.append((-score, e.code, e))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [e for _s, _c, e in ranked[:limit]]


def usage_stats(entry):
    """How many goals use an entry (any version) and the spread of their numeric targets."""
    from perfbudget.goals.models import GoalIndicator

    rows = GoalIndicator.objects.filter(entry__code=entry.code).exclude(goal__status="superseded")
    by_status = dict(rows.values_list("goal__status").annotate(n=Count("id")).values_list("goal__status", "n"))
    targets = sorted(v for v in rows.exclude(target_number__isnull=True).values_list("target_number", flat=True))
    spread = None
    if targets:
        floats = [float(v) for v in targets]
        quartiles = statistics.quantiles(floats, n=4) if len(floats) > 1 else [floats[0]] * 3
        spread = {"min": floats[0], "p25": quartiles[0], "median": statistics.median(floats), "p75": quartiles[2],
                  "max": floats[-1], "n": len(floats)}
    return {"goals": sum(by_status.values()), "by_status": by_status, "targets": spread,
            "actuals": None}  # actual values arrive with monitoring and self-evaluation


def usage_counts(codes):
    from perfbudget.goals.models import GoalIndicator

    return dict(GoalIndicator.objects.filter(entry__code__in=codes).exclude(goal__status="superseded")
                .values_list("entry__code").annotate(n=Count("id")).values_list("entry__code", "n"))


def _region_for(user):
    grant = next((g for g in user.grants if g.role == "performance_office"), None)
    if grant is None:
        raise PermissionDenied(_("只有财政局绩效科可以维护指标库。"))
    return grant.effective_region


def _check_range(values):
    low, high = values.get("range_low"), values.get("range_high")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        raise ValidationError({"range_high": _("参考值上限不能小于下限。")})


@transaction.atomic
def create_entry(user, values):
    """A region's own entry, coded <region code>-<n> unless a code is given."""
    region = _region_for(user)
    _check_range(values)
    code = (values.pop("code", "") or "").strip()
    if not code:
        n = IndicatorEntry.objects.filter(code__startswith=f"{region.code}-").values("code").distinct().count()
        code = f"{region.code}-{n + 1:04d}"
    if IndicatorEntry.objects.filter(code=code).exists():
        raise ValidationError({"code": _("指标编码「%(c)s」已被使用。") % {"c": code}})
    entry = IndicatorEntry(code=code, owner_region=region, **values)
    entry.full_clean()
    with acting_as(user):
        entry.save()
    return entry


@transaction.atomic
def revise_entry(entry, user, values, note):
    """Write a new version; the old one stays (goals that used it keep pointing at it)."""
    locked = IndicatorEntry.objects.visible_to(user, CHANGE).select_for_update().filter(pk=entry.pk,
                                                                                       is_current=True).first()
    if locked is None:
        raise PermissionDenied(_("上级或其他地区维护的指标只读；只能修订本地区指标的现行版本。"))
    if not (note or "").strip():
        raise ValidationError({"revision_note": _("请填写修订说明。")})
    _check_range(values)
    fields = {f: getattr(locked, f) for f in EDITABLE_FIELDS} | values
    new = IndicatorEntry(code=locked.code, version=locked.version + 1, owner_region=locked.owner_region,
                         status=locked.status, revision_note=note.strip(), **fields)
    new.full_clean(exclude=["code"], validate_constraints=False)
    with acting_as(user):
        locked.is_current = False
        locked.save(update_fields=["is_current"])
        new.save()
    return new


@transaction.atomic
def set_status(entry, user, status, note=""):
    """Retire (or bring back) an entry; retired entries are no longer offered but old goals keep them."""
    locked = IndicatorEntry.objects.visible_to(user, CHANGE).select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise PermissionDenied(_("上级或其他地区维护的指标只读。"))
    if status not in EntryStatus.values:
        raise ValidationError({"status": _("未知状态。")})
    with acting_as(user):
        locked.status = status
        if note:
            locked.revision_note = note[:300]
        locked.save()
    return locked


__all__ = ["search", "suggest", "usage_stats", "usage_counts", "create_entry", "revise_entry", "set_status",
           "initials"]
