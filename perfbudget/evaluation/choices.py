"""Enumerations of 单位自评 and 自评审核."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SelfEvalStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    DEPT_REVIEW = "dept_review", _("待主管部门审核")
    BUREAU_REVIEW = "bureau_review", _("待财政联合审核")
    RETURNED = "returned", _("已退回整改")
    # A state, not the reviewer's action of the same Chinese name (English: "Accepted", not "Approve").
    ACCEPTED = "accepted", pgettext_lazy("status", "审核通过")


class ReturnStage(models.TextChoices):
    """Which review step returned a self-evaluation (its resubmission goes back there)."""

    DEPARTMENT = "dept", _("主管部门审核")
    BUREAU = "bureau", _("财政联合审核")


SELFEVAL_EDITABLE = (SelfEvalStatus.DRAFT, SelfEvalStatus.RETURNED)
SELFEVAL_IN_REVIEW = (SelfEvalStatus.DEPT_REVIEW, SelfEvalStatus.BUREAU_REVIEW)


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改待确认")
    CONFIRMED = "confirmed", _("已确认整改")
    REOPENED = "reopened", _("重新整改")


# Problems the unit still has to fix, and those a reviewer still has to look at.
PROBLEM_TO_FIX = (ProblemStatus.OPEN, ProblemStatus.REOPENED)
PROBLEM_UNSETTLED = (ProblemStatus.OPEN, ProblemStatus.REOPENED, ProblemStatus.FIXED)


class ReviewerRole(models.TextChoices):
    """Who raised a review problem (自评审核 is joint: 绩效科 + 业务科室 + 第三方)."""

    PERFORMANCE_OFFICE = "performance_office", _("绩效科")
    FUNDING_SECTION = "funding_section", _("业务科室")
    AGENCY = "agency", _("第三方机构")


class Grade(models.TextChoices):
    EXCELLENT = "优", _("优")
    GOOD = "良", _("良")
    FAIR = "中", _("中")
    POOR = "差", _("差")
