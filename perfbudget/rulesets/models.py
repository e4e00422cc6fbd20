"""Versioned rule sets per region and fiscal year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from perfbudget.core.scopes import ScopedQuerySet


class RuleSet(models.Model):
    """规则集: one immutable version of a region's overrides for a fiscal year.

    An edit never changes a row: it adds the next version. The effective rules of (region, year) are the
    national defaults overlaid by the newest version of each ancestor region's rule set, top down.
    """

    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="rulesets", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    values = models.JSONField(_("覆盖的规则值"), default=dict)
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("修订人"))
    created_at = models.DateTimeField(_("修订时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region = "region"

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["region__path", "-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "version"], name="ruleset_version_unique")]

    def __str__(self):
        return f"{self.region.code}/{self.year}/v{self.version}"
