"""Enumerations of the indicator library (指标库)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    """How a target is compared: 正向 ≥, 反向 ≤, 等于, 区间, 定性."""

    GE = "ge", _("≥（正向）")
    LE = "le", _("≤（反向）")
    EQ = "eq", _("＝（等于）")
    RANGE = "range", _("区间")
    QUAL = "qual", _("定性")


# The symbol printed before a target value, per comparator.
SYMBOLS = {Comparator.GE: "≥", Comparator.LE: "≤", Comparator.EQ: "=", Comparator.RANGE: "", Comparator.QUAL: ""}
# Library CSV / parser spellings → comparator.
FROM_SYMBOL = {"≥": Comparator.GE, ">": Comparator.GE, "≤": Comparator.LE, "<": Comparator.LE, "=": Comparator.EQ,
               "interval": Comparator.RANGE, "qualitative": Comparator.QUAL}


class ValueKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("定量")
    QUALITATIVE = "qualitative", _("定性")


class Basis(models.TextChoices):
    """指标值设定依据."""

    PLAN = "plan", _("计划标准")
    INDUSTRY = "industry", _("行业标准")
    HISTORY = "history", _("历史标准")
    OTHER = "other", _("其他标准")


BASIS_BY_LABEL = {"计划标准": Basis.PLAN, "行业标准": Basis.INDUSTRY, "历史标准": Basis.HISTORY,
                  "其他标准": Basis.OTHER, "支出标准": Basis.OTHER, "计划": Basis.PLAN, "行业": Basis.INDUSTRY,
                  "历史": Basis.HISTORY, "其他": Basis.OTHER}


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已停用")
