"""无目标不预算: a project year's budget waits for its approved performance goals."""

from django.utils.translation import gettext as _

from .choices import GoalStatus


def has_approved_goal(project_year):
    return project_year.goals.filter(status=GoalStatus.APPROVED).exists()


def goals_gate(project_year):
    if has_approved_goal(project_year):
        return None
    return _("绩效目标尚未批复，不能批复或安排预算（无目标不预算）。")
