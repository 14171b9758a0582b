from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from communes.models import Commune
from pcl.constraints import CheckConstraint
from pcl.formatting import date_text, datetime_text
from pcl.uploads import storage_name


class Function(models.TextChoices):
    ELECTED_REFERENT = "elected_referent", _("Elected referent")
    ENERGY_REFERENT = "energy_referent", _("Energy-climate referent")
    ALE_FACILITATOR = "ale_facilitator", _("ALE facilitator")
    TECHNICAL_SERVICES = "technical_services", _("Technical services")
    FINANCE = "finance", _("Finance")
    COMMUNICATION = "communication", _("Communication")
    OTHER = "other", _("Other")


class WorkingGroup(models.Model):
    """A commune's internal PCL working group (groupe de travail interne / comité de pilotage)."""

    commune = models.OneToOneField(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="working_group"
    )
    name = models.CharField(_("name"), max_length=200, default=_("Internal PCL working group"))
    created_on = models.DateField(_("set up on"), default=timezone.localdate)
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("meet at least every (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the platform's default (about four months)."),
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self):
        return f"{self.name} — {self.commune}"

    @property
    def interval_days(self) -> int:
        return self.reminder_interval_days or settings.MEETING_INTERVAL_DAYS


class GroupMember(models.Model):
    """A member of the group over a period: a platform user or a named person without an account."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For a person without an account.")
    )
    function = models.CharField(_("function in the group"), max_length=24, choices=Function.choices)
    joined_on = models.DateField(_("member since"), default=timezone.localdate)
    left_on = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["left_on", "function", "name"]
        constraints = [
            CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="workgroups_member_is_someone",
                violation_error_message=_("Choose an account or give the person's name."),
            ),
            CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="workgroups_member_period_ordered",
                violation_error_message=_("A member cannot leave before joining."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        return self.name

    def is_member_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


class Meeting(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.ManyToManyField(GroupMember, verbose_name=_("attendees"), blank=True, related_name="+")
    guests = models.TextField(
        _("guests"), blank=True, help_text=_("People from outside the group, one per line.")
    )
    minutes = models.TextField(
        _("minutes"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line; lines starting with “- ” make a list."),
    )
    next_meeting_on = models.DateField(_("next meeting"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="workgroups_meeting_ends_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.group.commune} — {datetime_text(self.starts_at)}"

    @property
    def is_held(self) -> bool:
        return self.starts_at <= timezone.now()


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    actions = models.ManyToManyField(
        Action, verbose_name=_("actions concerned"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:80]


class MeetingHistoryEntry(models.Model):
    """One change to what a meeting recorded (its decisions): who, when, each field before and after."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="history")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)
    # [{"field": label, "before": text, "after": text}, ...], as actions.HistoryEntry.changes.
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("meeting history entry")
        verbose_name_plural = _("meeting history")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.summary


def document_upload_path(document, filename):
    # Never the client's name (kept in `name`, for display): a random one that cannot traverse a path.
    commune = document.meeting.group.commune
    return f"workgroups/{commune.insee_code}/{document.meeting_id}/{storage_name(filename)}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_upload_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReminderReason(models.TextChoices):
    NO_GROUP = "no_group", _("No working group")
    NEVER_MET = "never_met", _("The group never met")
    QUIET = "quiet", _("No meeting for too long")


class Reminder(models.Model):
    """A reminder email sent because a commune's group has gone quiet (at most one per interval)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=16, choices=ReminderReason.choices)
    last_meeting_on = models.DateField(_("last meeting"), null=True, blank=True)
    recipients = models.TextField(_("recipients"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["commune", "sent_at"])]

    def __str__(self):
        return f"{self.commune} — {date_text(self.sent_at)}"
