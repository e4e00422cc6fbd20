"""Base models and the shared records: workflow steps, to-do items, background jobs."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class BusinessModel(models.Model):
    """Base of every business row: timestamps and a row version for optimistic locking (stale forms)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    row_version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    # Scope declaration, read by core.scopes: lookups from this model to its Region and its Organisation.
    # "" means the model itself is the region / organisation; None means the model has no such link.
    scope_region: str | None = None
    scope_org: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            self.row_version = (self.row_version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "row_version", "updated_at"}
        super().save(*args, **kwargs)

    def stale_message(self, expected_version, what=None):
        """The Chinese refusal when a form was read at another row version than the row has now (someone saved in
        between); None when `expected_version` is current or was not given."""
        if expected_version in (None, "") or str(expected_version) == str(self.row_version):
            return None
        return gettext("该%(what)s已被他人修改（您看到的是第 %(seen)s 版，当前为第 %(now)s 版），请刷新后重试。") % {
            "what": what or pgettext("stale", "记录"), "seen": expected_version, "now": self.row_version}


def assign_changed(obj, values):
    """Set the fields of `values` that differ from `obj`'s; the names of those set (for update_fields)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


class WorkflowRecord(models.Model):
    """流转记录: one step of a workflow — who did what, when, from which state to which, with comment."""

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("流程"), max_length=50)
    action = models.CharField(_("操作"), max_length=50)
    action_label = models.CharField(_("操作名称"), max_length=50)
    from_state = models.CharField(_("原状态"), max_length=50)
    to_state = models.CharField(_("新状态"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("操作人"))
    role = models.CharField(_("角色"), max_length=32, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    remarks = models.JSONField(_("逐项意见"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.action_label}: {self.from_state} → {self.to_state}"


class TodoQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def for_user(self, user):
        """To-do items addressed to any of the user's role grants (region roles by region, others by org)."""
        from perfbudget.orgs.choices import REGION_ROLES

        if user.is_superuser:
            return self
        q = Q(pk__in=[])
        for g in user.grants:
            if g.role in REGION_ROLES:
                q |= Q(role=g.role, region_id=g.effective_region.pk)
            elif g.organisation_id is not None:
                q |= Q(role=g.role, organisation_id=g.organisation_id)
            # A person's role granted on a region (an expert) shares no node with others: only items addressed
            # to the user reach it, or one expert would see every other expert's to-dos.
        return self.filter(q | Q(user=user))

    def overdue(self):
        return self.open().filter(due_date__lt=timezone.localdate())


class TodoItem(models.Model):
    """待办: work waiting for a role at a node (or one user), created and closed by workflow steps."""

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(_("环节"), max_length=50)
    workflow = models.CharField(_("流程"), max_length=50)
    state = models.CharField(_("状态"), max_length=50)
    title = models.CharField(_("事项"), max_length=300)
    role = models.CharField(_("角色"), max_length=32)
    region = models.ForeignKey("orgs.Region", models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+")
    url = models.CharField(_("链接"), max_length=300, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    closed_action = models.CharField(_("办结操作"), max_length=50, blank=True)

    objects = TodoQuerySet.as_manager()

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = [F("due_date").asc(nulls_last=True), "created_at"]
        indexes = [
            models.Index(fields=["role", "region", "closed_at"]),
            models.Index(fields=["role", "organisation", "closed_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return self.title

    @property
    def stage_label(self):
        from .stages import stage_label

        return stage_label(self.stage)

    @property
    def is_overdue(self):
        return self.closed_at is None and self.due_date is not None and self.due_date < timezone.localdate()


class Job(models.Model):
    """后台任务: user-visible long work (imports, sweeps, reports) with status and progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("总量"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    file = models.FileField(_("文件"), upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def percent(self):
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
