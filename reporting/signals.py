"""When the council adopts a plan, its deliberation file is generated once more and frozen."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from actions.models import PlanStatus, PlanTransition


@receiver(post_save, sender=PlanTransition, dispatch_uid="reporting_freeze_on_adoption")
def freeze_on_adoption(sender, instance: PlanTransition, created: bool, **kwargs):
    if created and instance.to_status == PlanStatus.DELIBERATED:
        from . import services

        plan, user = instance.plan, instance.by
        transaction.on_commit(lambda: services.deliberation_freeze(plan=plan, user=user))
