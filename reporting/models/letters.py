from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Letter(models.Model):
    """An issue of the network's newsletter, *La Lettre du Plan Climat*."""

    territory = models.ForeignKey(
        "communes.Territory", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="letters"
    )
    number = models.PositiveIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    editorial = models.TextField(_("editorial"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sending to the network: asked for once (sent_at, sent_by); the job fills in how many it reached once
    # the mail is handed over. Asked long ago and still not handed over: the job was lost, send it again.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "number"],
                name="reporting_letter_unique_number",
                violation_error_message=_("The territory already has a letter of this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reporting_letter_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="reporting_letter_published_has_date",
                violation_error_message=_("A published letter needs its publication date."),
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(status="published"),
                name="reporting_letter_sent_when_published",
                violation_error_message=_("Only a published letter can be sent."),
            ),
        ]

    def __str__(self):
        return f"n° {self.number} — {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == LetterStatus.PUBLISHED

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def sending_stuck(self) -> bool:
        """Asked for, never handed over to the mail server, and its job has lost its worker."""
        return (
            self.sent_at is not None
            and self.recipient_count is None
            and self.sent_at < timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
        )

    @property
    def can_be_sent(self) -> bool:
        return self.is_published and (not self.is_sent or self.sending_stuck)


class LetterSection(models.Model):
    """A section of a letter: assembled from the period's highlights, then edited by hand."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    heading = models.CharField(_("heading"), max_length=200)
    body = models.TextField(
        _("text"), blank=True, help_text=_("One paragraph per blank line; “- ” starts a list item.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading
