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

from accounts.models import AuditAction
from accounts.services import audit_record
from pcl import jobs

from . import tasks
from .models import Agency, Commune, Invitation, Membership, Role, Signatory

User = get_user_model()

INVITATION_SALT = "communes.invitation"


# --- communes -----------------------------------------------------------------------------------


@transaction.atomic
def commune_update(*, commune: Commune, data: dict, advisors=None, user=None) -> Commune:
    """Updates a commune's fields and, when `advisors` is given, makes them its exact set of advisors
    (`user` is who does it, for the audit log)."""
    for field, value in data.items():
        setattr(commune, field, value)
    commune.full_clean()
    commune.save()
    if advisors is not None:
        wanted = {advisor.pk: advisor for advisor in advisors}
        current = list(commune.memberships.filter(role=Role.ADVISOR).select_related("user"))
        current_ids = {membership.user_id for membership in current}
        removed = [membership for membership in current if membership.user_id not in wanted]
        added = [advisor for pk, advisor in wanted.items() if pk not in current_ids]
        advisors_agency_check(advisors=added, commune=commune)
        Membership.objects.filter(pk__in=[membership.pk for membership in removed]).delete()
        Membership.objects.bulk_create(
            Membership(user=advisor, commune=commune, role=Role.ADVISOR) for advisor in added
        )
        for membership in removed:
            _audit_role(AuditAction.ROLE_WITHDRAWN, user=user, member=membership.user, commune=commune)
        for advisor in added:
            _audit_role(AuditAction.ROLE_GRANTED, user=user, member=advisor, commune=commune)
    return commune


def advisors_agency_check(*, advisors, commune: Commune) -> None:
    """An advisor who works for an energy agency follows communes of the territories it serves only
    (one who works for none may follow any): ValidationError naming each one who may not, otherwise."""
    with_agency = [advisor for advisor in advisors if advisor.agency_id]
    if not with_agency:
        return
    serving = set(
        Agency.objects.filter(
            pk__in={advisor.agency_id for advisor in with_agency}, territories=commune.territory_id
        ).values_list("pk", flat=True)
    )
    refused = [advisor for advisor in with_agency if advisor.agency_id not in serving]
    if refused:
        agencies = {
            agency.pk: agency for agency in Agency.objects.filter(pk__in={a.agency_id for a in refused})
        }
        raise ValidationError(
            [
                ValidationError(
                    _(
                        "%(person)s works for %(agency)s, which does not serve %(territory)s: an advisor "
                        "follows communes of the territories their agency serves."
                    ),
                    code="agency_territory",
                    params={
                        "person": advisor.get_full_name() or advisor.email,
                        "agency": agencies[advisor.agency_id],
                        "territory": commune.territory,
                    },
                )
                for advisor in refused
            ]
        )


def _audit_role(action: AuditAction, *, user, member, commune: Commune, role: str = Role.ADVISOR, **details):
    audit_record(
        action=action,
        actor=user,
        target=f"{member.get_full_name()} <{member.email}> — {Role(role).label}",
        commune=commune,
        details={"user_id": member.pk, "email": member.email, "role": role, **details},
    )


def commune_stage_update(*, commune: Commune, stage: str) -> Commune:
    """Moves a commune to an engagement stage (action plans call it as their workflow advances)."""
    commune.stage = stage
    commune.full_clean()
    commune.save(update_fields=["stage"])
    return commune


# --- memberships and invitations ----------------------------------------------------------------


@transaction.atomic
def membership_remove(*, membership: Membership, user) -> None:
    _audit_role(
        AuditAction.ROLE_WITHDRAWN,
        user=user,
        member=membership.user,
        commune=membership.commune,
        role=membership.role,
    )
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
    if role == Role.ADVISOR:
        invited = User.objects.filter(email__iexact=email, agency__isnull=False).first()
        if invited is not None:
            try:
                advisors_agency_check(advisors=[invited], commune=commune)
            except ValidationError as error:
                raise ValidationError({"email": error.messages}) from error
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
    audit_record(
        action=AuditAction.INVITATION_SENT,
        actor=invited_by,
        target=f"{email} — {invitation.get_role_display()}",
        commune=commune,
        details={"invitation_id": invitation.pk, "email": email, "role": role},
    )
    transaction.on_commit(lambda: jobs.enqueue(tasks.invitation_send_email_task, invitation.pk), robust=True)
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
def invitation_revoke(*, invitation: Invitation, user) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action=AuditAction.INVITATION_REVOKED,
        actor=user,
        target=f"{invitation.email} — {invitation.get_role_display()}",
        commune=invitation.commune,
        details={"invitation_id": invitation.pk, "email": invitation.email, "role": invitation.role},
    )


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
    if invitation.role == Role.ADVISOR:
        advisors_agency_check(advisors=[user], commune=invitation.commune)
    _membership, created = Membership.objects.get_or_create(
        user=user, commune=invitation.commune, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action=AuditAction.INVITATION_ACCEPTED,
        actor=user,
        target=f"{invitation.email} — {invitation.get_role_display()}",
        commune=invitation.commune,
        details={"invitation_id": invitation.pk, "invited_by": invitation.invited_by_id},
    )
    if created:
        _audit_role(
            AuditAction.ROLE_GRANTED,
            user=user,
            member=user,
            commune=invitation.commune,
            role=invitation.role,
            invitation_id=invitation.pk,
        )
    return user


# --- groups of communes -------------------------------------------------------------------------


def commune_group_communes_check(*, territory, communes) -> None:
    """A group of communes gathers communes of its own territory: ValidationError naming the others."""
    foreign = sorted(commune.name for commune in communes if commune.territory_id != territory.pk)
    if foreign:
        raise ValidationError(
            _(
                "A group gathers communes of its territory (%(territory)s) only: "
                "%(communes)s belong to another."
            )
            % {"territory": territory, "communes": ", ".join(foreign)},
            code="foreign_commune",
        )


# --- signatories --------------------------------------------------------------------------------


@transaction.atomic
def signatory_save(*, signatory: Signatory) -> Signatory:
    signatory.full_clean()
    signatory.save()
    return signatory
