"""Receivers of Django's authentication signals: a sign-in is recorded whichever path made it (the
login page, an accepted invitation that signs the newcomer in)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from pcl.proxies import client_address

from .models import AuditAction
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="accounts.audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.SIGN_IN,
        actor=user,
        target=user.email,
        ip_address=client_address(request) if request is not None else "",
    )
