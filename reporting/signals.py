"""When the council adopts a plan, its deliberation file is generated once more and frozen."""

from django.dispatch import receiver

from actions.signals import plan_adopted

from . import services


@receiver(plan_adopted, dispatch_uid="reporting_freeze_on_adoption")
def freeze_on_adoption(sender, plan, user, **kwargs):
    # Sent after the adoption's commit; the documents' jobs are queued on their own commit, robustly
    # (services._enqueue_on_commit): a broker that is down fails them with a message, never the adoption.
    services.deliberation_freeze(plan=plan, user=user)
