"""Writes of the communes app: communes, memberships, invitations, signatories."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pcl import jobs

from . import tasks
from .models import Commune, Invitation, Membership, Role, Signatory

User = get_user_model()

INVITATION_SALT = "communes.invitation"


# --- communes -----------------------------------------------------------------------------------


@transaction.atomic
def commune_update(*, commune: Commune, data: dict, advisors=None) -> Commune:
    """Updates a commune's fields and, when `advisors` is given, makes them its exact set of advisors."""
    for field, value in data.items():
        setattr(commune, field, value)
    commune.full_clean()
    commune.save()
    if advisors is not None:
        advisor_ids = {user.pk for user in advisors}
        commune.memberships.filter(role=Role.ADVISOR).exclude(user_id__in=advisor_ids).delete()
        existing = set(commune.memberships.filter(role=Role.ADVISOR).values_list("user_id", flat=True))
        Membership.objects.bulk_create(
            Membership(user_id=user_id, commune=commune, role=Role.ADVISOR)
            for user_id in advisor_ids - existing
        )
    return commune


def commune_stage_update(*, commune: Commune, stage: str) -> Commune:
    """Moves a commune to an engagement stage (action plans call it as their workflow advances)."""
    commune.stage = stage
    commune.full_clean()
    commune.save(update_fields=["stage"])
    return commune


# --- memberships and invitations ----------------------------------------------------------------


def membership_remove(*, membership: Membership) -> None:
    membership.delete()


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link; ValidationError with a reason a person can act on otherwise."""
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This invitation link has expired. Ask the person who invited you to send a new one."),
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from error
    invitation = Invitation.objects.select_related("commune", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was withdrawn. Ask the person who invited you to send a new one."),
            code="revoked",
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has already been accepted: sign in with your email address."), code="accepted"
        )
    return invitation


@transaction.atomic
def invitation_create(*, commune: Commune, email: str, role: str, invited_by) -> Invitation:
    """Invites a person to a commune; a pending invitation of the same person to the commune is replaced."""
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(commune=commune, role=role, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s already holds this role in %(commune)s.")
                % {"email": email, "commune": commune}
            }
        )
    jobs.require_queue()
    now = timezone.now()
    Invitation.objects.filter(
        commune=commune, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation(commune=commune, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: jobs.enqueue(tasks.invitation_send_email_task, invitation.pk))
    return invitation


def invitation_send_email(*, invitation: Invitation) -> None:
    link = settings.SITE_URL + reverse("communes:invitation_accept", args=[invitation_token(invitation)])
    days = settings.INVITATION_MAX_AGE // (24 * 3600)
    context = {"invitation": invitation, "link": link, "days": days, "site_name": settings.SITE_NAME}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation to the Plan Climat Local of %(commune)s") % {"commune": invitation.commune}
        text = render_to_string("communes/email/invitation.txt", context)
        html = render_to_string("communes/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, full_name: str = "", password: str = ""):
    """Accepts an invitation, creating the account of a newcomer; returns the user who joined.

    `user` is the signed-in person accepting it (their email must match); otherwise the account of
    the invited email is used when it exists, or created with `full_name` and `password`.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer pending."))
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s: sign out and follow the link again.")
            % {"email": invitation.email}
        )
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(email=invitation.email, full_name=full_name.strip())
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
    Membership.objects.get_or_create(user=user, commune=invitation.commune, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


# --- signatories --------------------------------------------------------------------------------


@transaction.atomic
def signatory_save(*, signatory: Signatory) -> Signatory:
    signatory.full_clean()
    signatory.save()
    return signatory
