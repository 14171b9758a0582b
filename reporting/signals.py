"""When the council adopts a plan, its deliberation file is generated once more and frozen."""

from django.dispatch import receiver

from actions.signals import plan_adopted

from . import services


@receiver(plan_adopted, dispatch_uid="reporting_freeze_on_adoption")
def freeze_on_adoption(sender, plan, user, **kwargs):
    services.deliberation_freeze(plan=plan, user=user)
