"""Enumerations of the agency and expert pools (第三方机构库 / 专家库)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Statuses carry a translation context: 已入库 is also a project's status and 暂停 also the action that suspends,
# which read differently in English ("Approved" vs "Accepted into the library", "Suspended" vs "Suspend").


class PoolStatus(models.TextChoices):
    """入库状态: vetted by the performance office; only approved entries take part in draws."""

    PENDING = "pending", pgettext_lazy("pool status", "申请中")
    APPROVED = "approved", pgettext_lazy("pool status", "已入库")
    SUSPENDED = "suspended", pgettext_lazy("pool status", "暂停")
    REMOVED = "removed", pgettext_lazy("pool status", "已清退")


class Field(models.TextChoices):
    """专业领域."""

    AGRICULTURE = "agriculture", _("农业")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("卫生健康")
    TRANSPORT = "transport", _("交通")
    WATER = "water", _("水利")
    SOCIAL_SECURITY = "social_security", _("社会保障")
    ENVIRONMENT = "environment", _("生态环境")
    SCIENCE = "science", _("科技")
    CULTURE_TOURISM = "culture_tourism", _("文化旅游")
    URBAN_RURAL = "urban_rural", _("城乡建设")
    FISCAL = "fiscal", _("财政综合")
    PROCUREMENT = "procurement", _("政府采购")
    INFORMATION = "information", _("信息化")
    FINANCE_AUDIT = "finance_audit", _("财务审计")


class DrawKind(models.TextChoices):
    AGENCY = "agency", _("第三方机构")
    EXPERT = "expert", _("专家")


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", pgettext_lazy("draw status", "已承诺（种子未公开）")
    REVEALED = "revealed", pgettext_lazy("draw status", "已公开结果")


def field_labels(codes):
    """Chinese labels of field codes, unknown codes kept as they are."""
    labels = dict(Field.choices)
    return [str(labels.get(c, c)) for c in codes or ()]
