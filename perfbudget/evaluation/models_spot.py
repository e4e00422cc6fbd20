"""Models of 抽评 (spot re-evaluation of self-evaluations, DOMAIN.md §4.6): a batch drawn at random and stratified
from a region's submitted self-evaluations (`SpotCheck`), and one re-evaluation per drawn self-evaluation
(`SpotCheckItem`) with its re-scored rows, the comparison with the unit's own score and the signed exchange of
opinions (签证单)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import VIEW, ScopedQuerySet

__all__ = ["SpotCheck", "SpotCheckItem", "SpotCheckStatus", "register_auditlog"]


class SpotCheckStatus(models.TextChoices):
    """抽评批次的状态: committed (seed hash published) → drawn (sample revealed) → reviewing → exchanging
    (签证单 with the units) → published (conclusions made public)."""

    COMMITTED = "committed", _("已承诺待公开")
    DRAWN = "drawn", _("已抽取")
    REVIEWING = "reviewing", _("复核中")
    EXCHANGING = "exchanging", _("意见交换")
    PUBLISHED = "published", _("已公开")


SCORE = {"max_digits": 6, "decimal_places": 2}
# The unit and its department see a batch's items only once the bureau opens the exchange of opinions.
EXCHANGED = (SpotCheckStatus.EXCHANGING, SpotCheckStatus.PUBLISHED)


class _ExchangedOnlyForOwners(ScopedQuerySet):
    """The core scope, except that departments and units see rows only once the batch is in exchange or
    published (`status_lookup` names the batch status)."""

    status_lookup = "status"

    def visible_to(self, user, action=VIEW, roles=None):
        from perfbudget.orgs.choices import Role

        owners = {Role.DEPARTMENT, Role.UNIT}
        wanted = set(Role.values) if roles is None else set(roles)
        others = super().visible_to(user, action, roles=wanted - owners)
        if not wanted & owners or user is None or not user.is_authenticated or user.is_superuser:
            return others
        mine = super().visible_to(user, action, roles=wanted & owners).filter(
            **{f"{self.status_lookup}__in": EXCHANGED})
        return others | mine


class SpotCheckQuerySet(_ExchangedOnlyForOwners):
    status_lookup = "status"


class SpotCheckItemQuerySet(_ExchangedOnlyForOwners):
    status_lookup = "spot_check__status"

    def with_related(self):
        return self.select_related("spot_check__region", "self_evaluation__project_year__project__unit",
                                   "self_evaluation__project_year__project__department", "reviewer")


class SpotCheck(BusinessModel):
    """抽评批次: the self-evaluations of a region and year re-evaluated by the bureau (≥ the rule set's share), drawn
    at random per stratum. The draw is committed (inputs, inputs hash, seed hash) before it is revealed (seed and
    sample); `record()` is the public record `evaluation.sampling.verify` replays."""

    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("评价年度"))
    share = models.DecimalField(_("抽评比例"), max_digits=5, decimal_places=4)
    strata_keys = models.JSONField(_("分层依据"), default=list)
    amount_bounds = models.JSONField(_("金额分档界限(元)"), default=list, blank=True)
    population_size = models.PositiveIntegerField(_("自评总数"), default=0)
    sample_size = models.PositiveIntegerField(_("抽评数量"), default=0)
    inputs = models.JSONField(_("抽取输入"), default=dict)
    inputs_hash = models.CharField(_("输入哈希值"), max_length=64)
    seed_hash = models.CharField(_("种子哈希值"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    # Kept out of the record, the API and the change log until the reveal copies it into `seed`.
    sealed_seed = models.CharField(max_length=64, editable=False)
    strata = models.JSONField(_("分层抽取记录"), default=list)
    result = models.JSONField(_("抽评样本"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SpotCheckStatus.choices,
                              default=SpotCheckStatus.COMMITTED)
    conclusion = models.TextField(_("抽评结论"), blank=True)
    ruleset = models.CharField(_("所用规则集"), max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("抽取人"))
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("公开人"))
    revealed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("结论公开人"))
    published_at = models.DateTimeField(_("结论公开时间"), null=True, blank=True)

    objects = SpotCheckQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        verbose_name = _("抽评批次")
        verbose_name_plural = _("抽评批次")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="spotcheck_region_year_unique",
                                    violation_error_message=_("该区划该年度已有抽评批次。")),
        ]

    def __str__(self):
        return f"{self.region.name}{self.year}年度抽评"

    @staticmethod
    def scope_assignments(grant, action):
        """Agencies see the batches in which they re-evaluate an item."""
        from perfbudget.orgs.choices import Role

        if grant.role != Role.AGENCY:
            return None
        return Q(pk__in=SpotCheckItem.objects.filter(reviewer_id=grant.user_id).values("spot_check_id"))

    @property
    def is_revealed(self):
        return bool(self.seed)

    def record(self):
        """The public record of the draw (perfbudget.spotcheck/1), as `sampling.verify` reads it."""
        return {"format": "perfbudget.spotcheck/1", "id": self.pk, "region": self.region.code, "year": self.year,
                "inputs": self.inputs, "inputs_hash": self.inputs_hash, "seed_hash": self.seed_hash,
                "seed": self.seed, "strata": self.strata, "result": self.result}


class SpotCheckItem(BusinessModel):
    """抽评项目: one drawn self-evaluation, re-evaluated by a bureau user or an agency (复核), scored by the same
    engine, compared with the unit's score, its opinions exchanged and signed by both sides (签证单), concluded."""

    spot_check = models.ForeignKey(SpotCheck, models.CASCADE, related_name="items", verbose_name=_("抽评批次"))
    self_evaluation = models.ForeignKey("evaluation.SelfEvaluation", models.PROTECT, related_name="spot_check_items",
                                        verbose_name=_("单位自评表"))
    position = models.PositiveIntegerField(_("序号"), default=0)
    stratum = models.CharField(_("所在层"), max_length=200)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("复核人"))
    self_total = models.DecimalField(_("自评得分"), **SCORE, null=True, blank=True)
    self_grade = models.CharField(_("自评等级"), max_length=2, blank=True)
    claimed_total = models.DecimalField(_("单位自报总分"), **SCORE, null=True, blank=True)
    review_rows = models.JSONField(_("复核指标"), default=list, blank=True)
    review_executed = models.DecimalField(_("复核全年执行数(元)"), max_digits=16, decimal_places=2, null=True,
                                          blank=True)
    review_result = models.JSONField(_("复核评分结果"), default=dict, blank=True, editable=False)
    review_execution_score = models.DecimalField(_("复核执行率得分"), **SCORE, null=True, blank=True)
    review_total = models.DecimalField(_("复核得分"), **SCORE, null=True, blank=True)
    review_grade = models.CharField(_("复核等级"), max_length=2, blank=True)
    difference = models.DecimalField(_("分差(复核−自评)"), **SCORE, null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("评分人"))
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reviewer_opinion = models.TextField(_("复核意见"), blank=True)
    unit_opinion = models.TextField(_("被评价单位意见"), blank=True)
    agreed = models.BooleanField(_("单位是否认可"), null=True, blank=True)
    reviewer_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("复核方签字人"))
    reviewer_signed_at = models.DateTimeField(_("复核方签字时间"), null=True, blank=True)
    unit_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("单位签字人"))
    unit_signed_at = models.DateTimeField(_("单位签字时间"), null=True, blank=True)
    conclusion = models.TextField(_("抽评结论"), blank=True)

    objects = SpotCheckItemQuerySet.as_manager()
    scope_region = "self_evaluation__project_year__project__region"
    scope_org = "self_evaluation__project_year__project__unit"

    class Meta:
        verbose_name = _("抽评项目")
        verbose_name_plural = _("抽评项目")
        ordering = ["spot_check", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "self_evaluation"], name="spotcheckitem_unique",
                                    violation_error_message=_("该自评表已在本批次中。")),
        ]

    def __str__(self):
        return f"{self.self_evaluation.project_year} 抽评"

    @staticmethod
    def scope_assignments(grant, action):
        """Agencies see (and re-score) only the items assigned to them."""
        from perfbudget.orgs.choices import Role

        if grant.role != Role.AGENCY:
            return None
        return Q(reviewer_id=grant.user_id)

    @property
    def is_reviewed(self):
        return self.review_total is not None and self.reviewer_signed_at is not None

    @property
    def is_signed(self):
        return self.reviewer_signed_at is not None and self.unit_signed_at is not None

    @property
    def grade_changed(self):
        return bool(self.review_grade) and self.review_grade != self.self_grade


def register_auditlog():
    """Register the spot-check models with the change log (call from the app's `ready`)."""
    from auditlog.registry import auditlog

    auditlog.register(SpotCheck, serialize_data=True,
                      exclude_fields=["row_version", "updated_at", "sealed_seed", "inputs", "strata"])
    auditlog.register(SpotCheckItem, serialize_data=True, exclude_fields=["row_version", "updated_at",
                                                                          "review_result"])
