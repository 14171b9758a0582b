"""Reads of the working groups, each page in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, Q
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone

from communes.models import Commune, Stage

from .models import (
    Decision,
    GroupMember,
    Meeting,
    MeetingHistoryEntry,
    Reminder,
    ReminderReason,
    WorkingGroup,
)


@dataclass
class Regularity:
    """Whether a commune's group meets as regularly as the seed advises."""

    has_group: bool
    last_meeting: datetime | None
    next_meeting: datetime | None
    interval_days: int
    reason: str | None  # a ReminderReason when the commune is flagged, else None

    @property
    def quiet(self) -> bool:
        return self.reason is not None

    @property
    def days_since(self) -> int | None:
        if self.last_meeting is None:
            return None
        return (timezone.now() - self.last_meeting).days


def regularity_by_commune(*, communes, now: datetime | None = None) -> dict[int, Regularity]:
    """The regularity of each commune's group, in one query. Communes that have not signed the
    charter are never flagged."""
    now = now or timezone.now()
    groups = {
        group.commune_id: group
        for group in WorkingGroup.objects.filter(commune__in=[c.pk for c in communes]).annotate(
            last=Max("meetings__starts_at", filter=Q(meetings__starts_at__lte=now)),
            next=Min("meetings__starts_at", filter=Q(meetings__starts_at__gt=now)),
        )
    }
    result = {}
    for commune in communes:
        group = groups.get(commune.pk)
        interval = group.interval_days if group else settings.MEETING_INTERVAL_DAYS
        engaged = commune.stage != Stage.NOT_SIGNATORY
        reason = None
        if group is None:
            reason = ReminderReason.NO_GROUP if engaged else None
        elif group.last is None:
            set_up = datetime.combine(group.created_on, datetime.min.time(), tzinfo=now.tzinfo)
            if engaged and now - set_up > timedelta(days=interval):
                reason = ReminderReason.NEVER_MET
        elif engaged and now - group.last > timedelta(days=interval):
            reason = ReminderReason.QUIET
        result[commune.pk] = Regularity(
            has_group=group is not None,
            last_meeting=group.last if group else None,
            next_meeting=group.next if group else None,
            interval_days=interval,
            reason=reason,
        )
    return result


@dataclass
class GroupPage:
    group: WorkingGroup | None
    current_members: list[GroupMember]
    past_members: list[GroupMember]
    upcoming: list[Meeting]
    past: list[Meeting]
    regularity: Regularity
    reminders: list[Reminder]


def group_page(*, commune: Commune) -> GroupPage:
    group = WorkingGroup.objects.filter(commune=commune).first()
    regularity = regularity_by_commune(communes=[commune])[commune.pk]
    reminders = list(Reminder.objects.filter(commune=commune)[:10])
    if group is None:
        return GroupPage(None, [], [], [], [], regularity, reminders)
    members = list(group.members.select_related("user"))
    today = timezone.localdate()
    meetings = list(group.meetings.prefetch_related("decisions", "documents"))
    now = timezone.now()
    return GroupPage(
        group=group,
        current_members=[m for m in members if m.left_on is None or m.left_on >= today],
        past_members=[m for m in members if m.left_on is not None and m.left_on < today],
        upcoming=sorted((m for m in meetings if m.starts_at > now), key=lambda m: m.starts_at),
        past=[m for m in meetings if m.starts_at <= now],
        regularity=regularity,
        reminders=reminders,
    )


def members_on(*, group: WorkingGroup, day: date) -> list[GroupMember]:
    """Who was in the group on a given day (the composition is dated)."""
    return list(
        group.members.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("user")
    )


def meeting_page(*, meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_related("group__commune", "created_by")
        .prefetch_related(
            Prefetch("attendees", queryset=GroupMember.objects.select_related("user")),
            "decisions__actions",
            "documents",
            Prefetch("history", queryset=MeetingHistoryEntry.objects.select_related("user")),
        )
        .get(pk=meeting.pk)
    )


def meetings_for_calendar(*, communes) -> list[Meeting]:
    return list(
        Meeting.objects.filter(group__commune__in=communes)
        .select_related("group__commune")
        .order_by("starts_at")
    )


def _current_memberships(user):
    today = timezone.localdate()
    return GroupMember.objects.filter(user=user, joined_on__lte=today).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=today)
    )


def is_current_member(*, group: WorkingGroup, user) -> bool:
    return _current_memberships(user).filter(group=group).exists()


def current_member_group_ids(*, user, communes) -> set[int]:
    """The groups of these communes the user belongs to today (one query)."""
    return set(
        _current_memberships(user).filter(group__commune__in=communes).values_list("group_id", flat=True)
    )


def meetings_by_year(*, commune, until: datetime) -> dict[int, int]:
    """How many meetings the commune's group held each year, up to `until` (one query)."""
    rows = (
        Meeting.objects.filter(group__commune=commune, starts_at__lte=until)
        .annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )
    return {row["year"]: row["count"] for row in rows}


def meetings_held_in(*, commune_ids, year: int) -> list[Meeting]:
    """Meetings held in the year (up to now) with their commune, attendee count and decisions, by
    commune and date (two queries)."""
    return list(
        Meeting.objects.filter(
            group__commune__in=list(commune_ids), starts_at__year=year, starts_at__lte=timezone.now()
        )
        .select_related("group__commune")
        .annotate(attendee_count=Count("attendees"))
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("order", "pk")))
        .order_by("group__commune__sort_name", "starts_at")
    )


def meetings_of_period(*, start: date, end: date, territory_id: int | None = None) -> list[Meeting]:
    """Every commune's meetings (of the territory's communes, when given) held between `start` and `end`
    (days, and not in the future), each with its commune and its decisions, the latest first (two
    queries)."""
    meetings = Meeting.objects.all()
    if territory_id is not None:
        meetings = meetings.filter(group__commune__territory_id=territory_id)
    return list(
        meetings.annotate(day=TruncDate("starts_at"))
        .filter(day__range=(start, end), starts_at__lte=timezone.now())
        .select_related("group__commune")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("order", "pk")))
        .order_by("-starts_at", "-pk")
    )


def working_group_on(*, commune, day: date, meetings_until: datetime | None = None) -> WorkingGroup | None:
    """The commune's group as it was on `day` (none if set up later), with its members that day
    (`current_members`) and the number of meetings held up to `meetings_until` (now by default;
    `meetings_held`): two queries."""
    members = (
        GroupMember.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("user")
    )
    until = meetings_until or timezone.now()
    return (
        WorkingGroup.objects.filter(commune=commune, created_on__lte=day)
        .annotate(meetings_held=Count("meetings", filter=Q(meetings__starts_at__lte=until)))
        .prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))
        .first()
    )


@dataclass
class GroupActivity:
    """What the public may know of a commune's working group: that it exists, since when, and how many
    meetings it held (never its members, minutes, decisions or documents)."""

    set_up_on: date
    meetings_held: int


def group_activity(*, commune_ids, day: date | None = None) -> dict[int, GroupActivity]:
    """Each commune's working group (absent: none) and the meetings it held up to the end of `day`
    (today by default), in one query. By the day, not the hour: a page that shows it may be kept a day."""
    day = day or timezone.localdate()
    until = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    groups = (
        WorkingGroup.objects.filter(commune__in=list(commune_ids))
        .annotate(held=Count("meetings", filter=Q(meetings__starts_at__lt=until)))
        .values_list("commune_id", "created_on", "held")
    )
    return {
        commune_id: GroupActivity(set_up_on=created_on, meetings_held=held)
        for commune_id, created_on, held in groups
    }
