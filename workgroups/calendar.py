"""iCalendar (RFC 5545) feeds of meetings, and the signed addresses calendar applications subscribe to."""

from datetime import UTC, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

CALENDAR_SALT = "workgroups.calendar"


def feed_token(*, user, commune=None) -> str:
    """An address secret for one person (and one commune, or all of theirs): calendar applications
    cannot sign in, and each fetch checks the person's rights again."""
    return signing.dumps({"u": user.pk, "c": commune.pk if commune else None}, salt=CALENDAR_SALT)


def feed_from_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        return None


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(*, meetings, name: str, readable: set[int]) -> str:
    """The meetings as events. A meeting whose content the person may not read (not in `readable`)
    shows what the group's list of meetings shows them: its time and its place, as busy time, with
    neither agenda nor video link, and the group's page as its address."""
    now = _utc(timezone.now())
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Plan Climat Local//Working groups//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for meeting in meetings:
        ends_at = meeting.ends_at or meeting.starts_at + timedelta(hours=2)
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_utc(meeting.starts_at)}",
            f"DTEND:{_utc(ends_at)}",
            f"SUMMARY:{_escape(str(meeting.group.name) + ' — ' + meeting.group.commune.name)}",
        ]
        if meeting.pk in readable:
            description = meeting.agenda
            if meeting.video_link:
                description = f"{description}\n\n{meeting.video_link}".strip()
            lines += [
                f"LOCATION:{_escape(meeting.place or meeting.video_link)}",
                f"DESCRIPTION:{_escape(description)}",
                f"URL:{settings.SITE_URL}{reverse('workgroups:meeting', args=[meeting.pk])}",
            ]
        else:
            if meeting.place:
                lines.append(f"LOCATION:{_escape(meeting.place)}")
            group_page = reverse("workgroups:group", args=[meeting.group.commune.insee_code])
            lines += ["CLASS:CONFIDENTIAL", "TRANSP:OPAQUE", f"URL:{settings.SITE_URL}{group_page}"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
