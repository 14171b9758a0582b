"""Reads of the accounts app: the audit log."""

from datetime import date

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events(
    *, action: str = "", person: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """The audit log, newest first, filtered by action, by person (the actor's name or email, or the
    email tried by a failed sign-in, or the person a role or an invitation was about) and by dates
    (both included, in local time)."""
    events = AuditEvent.objects.select_related("actor", "commune")
    if action:
        events = events.filter(action=action)
    person = person.strip()
    if person:
        events = events.filter(
            Q(actor_email__icontains=person)
            | Q(actor__full_name__icontains=person)
            | Q(target__icontains=person)
        )
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-at", "-pk")
