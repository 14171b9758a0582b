"""Writes of the working groups: set-up, members, meetings and minutes, documents, reminders."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AuditAction
from accounts.services import audit_record
from communes.models import Commune, Role, Stage
from pcl.uploads import DOCX, JPEG, ODP, ODS, ODT, PDF, PNG, PPTX, TEXT, XLSX, display_name, validate_upload

from .models import (
    Decision,
    Function,
    GroupMember,
    Meeting,
    MeetingDocument,
    MeetingHistoryEntry,
    Reminder,
    WorkingGroup,
)
from .selectors import regularity_by_commune

logger = logging.getLogger(__name__)

DOCUMENT_TYPES = (PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG, TEXT)


@transaction.atomic
def group_setup(*, commune: Commune, user) -> WorkingGroup:
    """Sets up the commune's group with its advisors and referents as first members."""
    if WorkingGroup.objects.filter(commune=commune).exists():
        raise ValidationError(_("%(commune)s already has a working group.") % {"commune": commune})
    group = WorkingGroup.objects.create(commune=commune)
    functions = {Role.ADVISOR: Function.ALE_FACILITATOR, Role.REFERENT: Function.ENERGY_REFERENT}
    GroupMember.objects.bulk_create(
        GroupMember(
            group=group, user=membership.user, function=functions[membership.role], joined_on=group.created_on
        )
        for membership in commune.memberships.filter(role__in=functions).select_related("user")
    )
    return group


@transaction.atomic
def member_save(*, member: GroupMember) -> GroupMember:
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def meeting_save(*, meeting: Meeting, attendees=None, user=None) -> Meeting:
    """Plans or completes a meeting; attendees must be members of its group."""
    if meeting.pk is None:
        meeting.created_by = user
    meeting.full_clean()
    if attendees is not None:
        strangers = [member for member in attendees if member.group_id != meeting.group_id]
        if strangers:
            raise ValidationError({"attendees": _("Attendees must be members of this group.")})
    meeting.save()
    if attendees is not None:
        meeting.attendees.set(attendees)
    return meeting


def _decision_snapshot(decision: Decision, actions) -> dict[str, tuple[str, str]]:
    fields = Decision._meta
    titles = ", ".join(sorted(f"{action.title} (v{action.plan.version})" for action in actions))
    return {
        "text": (str(fields.get_field("text").verbose_name), decision.text),
        "actions": (str(fields.get_field("actions").verbose_name), titles or "—"),
    }


def _excerpt(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def _meeting_history(*, meeting: Meeting, user, summary: str, changes=()) -> MeetingHistoryEntry:
    return MeetingHistoryEntry.objects.create(
        meeting=meeting, user=user, summary=summary[:300], changes=list(changes)
    )


@transaction.atomic
def decision_save(*, decision: Decision, actions=(), user=None) -> Decision:
    """Records a new decision of a meeting or an edit of one; the meeting's history keeps either."""
    commune = decision.meeting.group.commune
    foreign = [action for action in actions if action.plan.commune_id != commune.pk]
    if foreign:
        raise ValidationError(
            {"actions": _("A decision can only concern the actions of the commune's plans.")}
        )
    before = None
    if decision.pk is not None:
        previous = Decision.objects.prefetch_related("actions__plan").get(pk=decision.pk)
        before = _decision_snapshot(previous, previous.actions.all())
    decision.full_clean()
    decision.save()
    decision.actions.set(actions)
    after = _decision_snapshot(decision, actions)
    if before is None:
        _meeting_history(
            meeting=decision.meeting,
            user=user,
            summary=_("Decision recorded: %(text)s") % {"text": _excerpt(decision.text)},
        )
    else:
        changes = [
            {"field": label, "before": before[name][1], "after": value}
            for name, (label, value) in after.items()
            if before[name][1] != value
        ]
        if changes:
            _meeting_history(
                meeting=decision.meeting, user=user, summary=_("Decision edited"), changes=changes
            )
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, user) -> None:
    """Removes a decision; the meeting's history and the audit log keep what it said."""
    meeting = decision.meeting
    snapshot = _decision_snapshot(decision, decision.actions.select_related("plan"))
    _meeting_history(
        meeting=meeting,
        user=user,
        summary=_("Decision removed: %(text)s") % {"text": _excerpt(decision.text)},
        changes=[{"field": label, "before": value, "after": "—"} for label, value in snapshot.values()],
    )
    audit_record(
        action=AuditAction.DELETED,
        actor=user,
        target=_excerpt(decision.text),
        commune=meeting.group.commune,
        details={"object": "decision", "id": decision.pk, "meeting_id": meeting.pk},
    )
    decision.delete()


@transaction.atomic
def document_add(*, meeting: Meeting, upload, user) -> MeetingDocument:
    """Attaches a document to the meeting once its type (by name and content) and size are checked."""
    validate_upload(upload, allowed=DOCUMENT_TYPES, max_bytes=settings.MEETING_DOCUMENT_MAX_BYTES)
    name = display_name(upload.name)
    document = MeetingDocument(meeting=meeting, name=name[:200], uploaded_by=user)
    document.file.save(name, upload, save=False)
    document.save()
    return document


def reminders_send(*, now: datetime | None = None) -> list[Reminder]:
    """Emails the advisors and referents of each commune whose group has gone quiet, at most once
    per interval. Called daily by Celery beat (or `manage.py send_meeting_reminders`)."""
    now = now or timezone.now()
    communes = list(Commune.objects.exclude(stage=Stage.NOT_SIGNATORY))
    regularity = regularity_by_commune(communes=communes, now=now)
    last_sent = {}
    for reminder in Reminder.objects.filter(commune__in=communes).order_by("sent_at"):
        last_sent[reminder.commune_id] = reminder.sent_at
    recipients = {}
    for commune_id, email in (
        Commune.objects.filter(pk__in=[c.pk for c in communes])
        .filter(memberships__role__in=[Role.ADVISOR, Role.REFERENT], memberships__user__is_active=True)
        .values_list("pk", "memberships__user__email")
    ):
        recipients.setdefault(commune_id, set()).add(email)
    sent = []
    for commune in communes:
        state = regularity[commune.pk]
        if not state.quiet:
            continue
        previous = last_sent.get(commune.pk)
        if previous is not None and now - previous < timedelta(days=state.interval_days):
            continue
        emails = sorted(recipients.get(commune.pk, ()))
        if not emails:
            logger.warning("No advisor or referent to remind for %s", commune)
            continue
        reminder = Reminder.objects.create(
            commune=commune,
            sent_at=now,
            reason=state.reason,
            last_meeting_on=timezone.localtime(state.last_meeting).date() if state.last_meeting else None,
            recipients=", ".join(emails),
        )
        _send_reminder_email(commune, reminder, state, emails)
        sent.append(reminder)
    return sent


def _send_reminder_email(commune, reminder, state, emails) -> None:
    link = settings.SITE_URL + reverse("workgroups:group", args=[commune.insee_code])
    context = {"commune": commune, "reminder": reminder, "state": state, "link": link}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Plan Climat Local of %(commune)s: time for the working group to meet") % {
            "commune": commune
        }
        text = render_to_string("workgroups/email/reminder.txt", context)
    message = EmailMultiAlternatives(subject, text, to=emails)
    message.send()
