"""Models of 第三方机构库与专家库: agencies, experts, their records, ratings and the random draws.

Scope: the pools belong to a region's finance bureau (`region` = the owner region). Region roles (绩效科, 预算科,
oversight) read their region and the regions below; a funding section reads its own region's pool (the generic rule
for models without an organisation); only the owning region's 绩效科 writes. Departments and units see nothing of the
pools. An agency user sees its own Agency record (grant on the agency's organisation), an expert its own Expert
record (`Expert.user`) — through `scope_assignments`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from perfbudget.core.models import BusinessModel
from perfbudget.core.scopes import CHANGE, ScopedQuerySet

from .choices import DrawKind, DrawStatus, PoolStatus, field_labels
from .creditcode import validate_credit_code

# Roles that may read the pools at all; the generic scope rule of each role applies on top.
VIEW_ROLES = frozenset({"performance_office", "budget_section", "funding_section", "oversight", "agency", "expert"})
CHANGE_ROLES = frozenset({"performance_office"})


class PoolQuerySet(ScopedQuerySet):
    """The pools are the finance bureau's: department and unit grants reach nothing here, and only 绩效科 writes."""

    def visible_to(self, user, action="view", roles=None):
        allowed = CHANGE_ROLES if action == CHANGE else VIEW_ROLES
        roles = allowed if roles is None else allowed & set(roles)
        return super().visible_to(user, action, roles=roles)


class PoolEntry(BusinessModel):
    """What agencies and experts share: owner region, fields, status with its reason."""

    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    name = models.CharField(_("名称"), max_length=200)
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    regions_served = models.ManyToManyField("orgs.Region", blank=True, related_name="+",
                                            verbose_name=_("服务区划"))
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    status = models.CharField(_("入库状态"), max_length=16, choices=PoolStatus.choices, default=PoolStatus.PENDING)
    status_reason = models.CharField(_("状态说明"), max_length=500, blank=True)

    objects = PoolQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def field_labels(self):
        return field_labels(self.fields)

    @property
    def fields_display(self):
        return "、".join(self.field_labels)


class Agency(PoolEntry):
    """第三方机构: an organisation of kind agency, vetted into the pool, drawn for key evaluations."""

    organisation = models.OneToOneField("orgs.Organisation", models.PROTECT, related_name="agency",
                                        verbose_name=_("机构账户"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    qualifications = models.TextField(_("资质"), blank=True)
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)
    certified_staff = models.PositiveIntegerField(_("持证人员数"), default=0)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    ties = models.ManyToManyField("orgs.Organisation", blank=True, related_name="tied_agencies",
                                  verbose_name=_("关联单位"),
                                  help_text=_("例如为其审计账目、提供咨询的单位：抽取时回避。"))

    class Meta:
        verbose_name = _("第三方机构")
        verbose_name_plural = _("第三方机构")
        ordering = ["region__path", "name", "id"]

    @staticmethod
    def scope_assignments(grant, action):
        """An agency user sees its own record (read-only)."""
        if grant.role != "agency" or action == CHANGE or not grant.organisation_id:
            return None
        return Q(organisation_id=grant.organisation_id)

    def clean(self):
        if self.certified_staff > self.staff_count:
            raise ValidationError({"certified_staff": gettext("持证人员数不能多于从业人员数。")})


class Expert(PoolEntry):
    """专家: a person in the pool, optionally with an account; the employer is a tie for conflict checks."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="expert", verbose_name=_("专家账户"))
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    employer_org = models.ForeignKey("orgs.Organisation", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("工作单位（系统内机构）"))
    title = models.CharField(_("职称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["region__path", "name", "id"]

    @staticmethod
    def scope_assignments(grant, action):
        """An expert sees its own record (read-only)."""
        if grant.role != "expert" or action == CHANGE:
            return None
        return Q(user_id=grant.user_id)


class SubjectRecord(BusinessModel):
    """A record about one agency or one expert; the region follows the subject."""

    agency = models.ForeignKey(Agency, models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("第三方机构"))
    expert = models.ForeignKey(Expert, models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("专家"))
    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", editable=False,
                               verbose_name=_("所属区划"))

    objects = PoolQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.agency or self.expert

    @subject.setter
    def subject(self, value):
        self.agency, self.expert = (value, None) if isinstance(value, Agency) else (None, value)

    def clean(self):
        if (self.agency_id is None) == (self.expert_id is None):
            raise ValidationError(gettext("必须且只能指定一个第三方机构或一位专家。"))

    def save(self, *args, **kwargs):
        self.region_id = self.subject.region_id
        super().save(*args, **kwargs)

    @staticmethod
    def scope_assignments(grant, action):
        """Agencies and experts read the records about themselves."""
        if action == CHANGE:
            return None
        if grant.role == "agency" and grant.organisation_id:
            return Q(agency__organisation_id=grant.organisation_id)
        if grant.role == "expert":
            return Q(expert__user_id=grant.user_id)
        return None


def _one_subject():
    return [models.CheckConstraint(condition=Q(agency__isnull=False, expert__isnull=True)
                                   | Q(agency__isnull=True, expert__isnull=False),
                                   name="%(class)s_one_subject")]


class ViolationRecord(SubjectRecord):
    """违规记录: a major one within `pools.violation_years` keeps the subject out of draws."""

    date = models.DateField(_("日期"))
    description = models.TextField(_("情况"))
    major = models.BooleanField(_("重大违规"), default=False)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("违规记录")
        verbose_name_plural = _("违规记录")
        ordering = ["-date", "-id"]
        constraints = _one_subject()

    def __str__(self):
        return f"{self.date} {self.description[:30]}"


class ConflictDeclaration(SubjectRecord):
    """利益冲突声明: the subject declares a relation with an organisation for a period; draws avoid it."""

    organisation = models.ForeignKey("orgs.Organisation", models.PROTECT, related_name="+",
                                     verbose_name=_("关联单位"))
    relation = models.CharField(_("关系说明"), max_length=300)
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        ordering = ["-created_at", "-id"]
        constraints = _one_subject()

    def __str__(self):
        return f"{self.organisation}: {self.relation}"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": gettext("截止日期不能早于起始日期。")})


class Rating(SubjectRecord):
    """质量评价: the score (0–100) an agency or expert earned on one job (the target)."""

    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_label = models.CharField(_("评价事项"), max_length=300, blank=True)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    dimensions = models.JSONField(_("分项评分"), default=dict, blank=True)
    comment = models.TextField(_("评价意见"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("评价人"))

    class Meta:
        verbose_name = _("质量评价")
        verbose_name_plural = _("质量评价")
        ordering = ["-created_at", "-id"]
        constraints = _one_subject() + [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="rating_score_range")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.subject} {self.score}"


class DrawImmutable(Exception):
    """A revealed draw, or the inputs of a committed one, may not change; no draw is ever deleted."""


class DrawQuerySet(PoolQuerySet):
    def for_target(self, obj):
        """Draws made for `obj` (any model instance), newest first."""
        ct = ContentType.objects.get_for_model(type(obj))
        return self.filter(content_type=ct, object_id=obj.pk).order_by("-created_at", "-id")

    def delete(self):
        raise DrawImmutable(gettext("随机抽取记录不能删除。"))


# Fields fixed at commit: the record hashes them, so nothing may change them afterwards.
COMMITTED_FIELDS = ("kind", "count", "purpose", "region_id", "fields", "inputs", "inputs_hash", "seed_hash",
                    "content_type_id", "object_id", "commissioning_org_id", "created_by_id")


class Draw(BusinessModel):
    """随机抽取记录: committed (inputs and seed hash published), then revealed (seed and result); never edited."""

    kind = models.CharField(_("抽取对象"), max_length=16, choices=DrawKind.choices)
    count = models.PositiveSmallIntegerField(_("抽取数量"))
    purpose = models.CharField(_("抽取事由"), max_length=300)
    region = models.ForeignKey("orgs.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    subject_orgs = models.ManyToManyField("orgs.Organisation", blank=True, related_name="+",
                                          verbose_name=_("被评价单位"))
    commissioning_org = models.ForeignKey("orgs.Organisation", models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("委托单位"))
    fields = models.JSONField(_("要求的专业领域"), default=list, blank=True)
    inputs = models.JSONField(_("抽取输入"), default=dict)
    inputs_hash = models.CharField(_("输入哈希值"), max_length=64)
    seed_hash = models.CharField(_("种子哈希值"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    # The seed, kept out of the record, the API and the change log until the reveal copies it into `seed`.
    sealed_seed = models.CharField(max_length=64, editable=False)
    result = models.JSONField(_("抽取结果"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=DrawStatus.choices, default=DrawStatus.COMMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("抽取人"))
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("公开人"))
    revealed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    objects = DrawQuerySet.as_manager()
    scope_region = "region"
    scope_org = None

    class Meta:
        verbose_name = _("随机抽取记录")
        verbose_name_plural = _("随机抽取记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return gettext_now("抽取 #%(id)s %(purpose)s") % {"id": self.pk, "purpose": self.purpose}

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*COMMITTED_FIELDS, "status", "seed",
                                                                   "result").first()
            if stored is not None:
                if stored["status"] == DrawStatus.REVEALED:
                    raise DrawImmutable(gettext("已公开结果的抽取记录不能修改。"))
                if any(stored[f] != getattr(self, f) for f in COMMITTED_FIELDS):
                    raise DrawImmutable(gettext("抽取输入已承诺，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DrawImmutable(gettext("随机抽取记录不能删除。"))

    @property
    def is_revealed(self):
        return self.status == DrawStatus.REVEALED

    @property
    def subject_model(self):
        return Agency if self.kind == DrawKind.AGENCY else Expert

    def selected(self):
        """The drawn Agency or Expert instances, in draw order (empty before the reveal)."""
        ids = [int(i) for i in self.result or []]
        by_id = self.subject_model.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def record(self):
        """The public record: what `draws.verify` replays (the seed only once revealed)."""
        from .draws import make_record

        return make_record(self.inputs, self.inputs_hash, self.seed_hash, self.seed, self.result, draw_id=self.pk)

    def candidate_rows(self):
        """The inputs as table rows: id, name, status, fields, excluded reason, drawn position."""
        exclusions = self.inputs.get("exclusions", {})
        positions = {int(i): n for n, i in enumerate(self.result or [], start=1)}
        return [{**c, "fields_display": "、".join(field_labels(c.get("fields"))),
                 "reason": exclusions.get(str(c["id"]), ""), "position": positions.get(c["id"])}
                for c in self.inputs.get("candidates", [])]


