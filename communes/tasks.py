from celery import shared_task


@shared_task
def invitation_send_email_task(invitation_id: int) -> None:
    from . import services
    from .models import Invitation

    invitation = Invitation.objects.select_related("commune", "invited_by").filter(pk=invitation_id).first()
    if invitation is not None and invitation.is_pending:
        services.invitation_send_email(invitation=invitation)
