"""Links from other stages: an approved goal adjustment applies the budget a monitoring action asked for."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from perfbudget.goals.choices import GoalKind, GoalStatus
from perfbudget.goals.models import Goal


@receiver(post_save, sender=Goal, dispatch_uid="monitoring_adjustment_approved")
def adjustment_approved(sender, instance, **kwargs):
    if instance.kind == GoalKind.ADJUSTMENT and instance.status == GoalStatus.APPROVED:
        from .services_actions import apply_approved_adjustment

        apply_approved_adjustment(instance)
