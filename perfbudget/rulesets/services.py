"""Resolving and revising rule sets."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from perfbudget.orgs.choices import Role

from .definitions import BY_KEY, NATIONAL_DEFAULTS
from .models import RuleSet
from .validation import clean_value


@dataclass(frozen=True)
class Rules:
    """The effective rules of one region and year, and where each value came from."""

    region_code: str
    year: int
    values: dict
    sources: dict = field(default_factory=dict)  # key -> "640300/2025/v2" or "全国默认"
    versions: tuple = ()  # ("640000/2025/v1", "640300/2025/v2"): the rows that were overlaid

    def __getitem__(self, key):
        return self.values[key]

    def get(self, key, default=None):
        return self.values.get(key, default)

    @property
    def label(self):
        """What a computed value records as the rule-set version it used."""
        return " + ".join(("全国默认",) + self.versions)


def resolve(region, year):
    """Effective rules for (region, year): national defaults, then each ancestor's newest version, top down."""
    values = dict(NATIONAL_DEFAULTS)
    sources = dict.fromkeys(values, "全国默认")
    versions = []
    chain = region.ancestors(include_self=True) if region is not None else []
    newest = {}
    if chain:
        rows = (RuleSet.objects.filter(region__in=chain, year=year).select_related("region")
                .order_by("region__path", "-version"))
        for rs in rows:
            newest.setdefault(rs.region_id, rs)
    for r in chain:
        rs = newest.get(r.pk)
        if rs is None:
            continue
        tag = f"{r.code}/{year}/v{rs.version}"
        versions.append(tag)
        for key, value in rs.values.items():
            if key in BY_KEY:
                values[key] = value
                sources[key] = tag
    return Rules(region.code if region else "", int(year), values, sources, tuple(versions))


def revise(region, year, overrides, user, note=""):
    """Save a new version of the region's rule set for `year`; returns it. Only the region's 绩效科 may."""
    if not (user.is_superuser or any(
        g.role == Role.PERFORMANCE_OFFICE and g.effective_region.pk == region.pk for g in user.grants
    )):
        raise PermissionDenied(_("只有本级财政局绩效科可以修订本级规则集。"))
    cleaned, errors = {}, {}
    for key, raw in overrides.items():
        if key not in BY_KEY:
            errors[key] = _("未知规则：%(key)s") % {"key": key}
            continue
        try:
            cleaned[key] = clean_value(BY_KEY[key], raw)
        except ValidationError as exc:
            errors[key] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the region's versions so that two editors cannot both write version N+1.
        list(RuleSet.objects.select_for_update().filter(region=region, year=year).values_list("pk", flat=True))
        current = RuleSet.objects.filter(region=region, year=year).aggregate(v=Max("version"))["v"] or 0
        return RuleSet.objects.create(region=region, year=year, version=current + 1, values=cleaned,
                                      note=note, created_by=user)
