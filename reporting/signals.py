"""When the council adopts a plan, its deliberation file is generated once more and frozen."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from actions.models import PlanStatus, PlanTransition
from communes.extensions import demo_loading


@receiver(post_save, sender=PlanTransition, dispatch_uid="reporting_freeze_on_adoption")
def freeze_on_adoption(sender, instance: PlanTransition, created: bool, **kwargs):
    # The demo adopts its plans in bulk: their files are frozen on first request instead.
    if created and instance.to_status == PlanStatus.DELIBERATED and not demo_loading():
        from . import services

        plan, user = instance.plan, instance.by
        transaction.on_commit(lambda: services.deliberation_freeze(plan=plan, user=user))
