from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import ActionPlan
from communes.models import Commune
from communes.permissions import DocumentAudience
from pcl.uploads import name_part

from .letters import Letter, LetterStatus


class DocumentKind(models.TextChoices):
    DELIBERATION = "deliberation", _("Deliberation file (PDF)")
    DELIBERATION_DOCX = "deliberation_docx", _("Draft deliberation (editable .docx)")
    COMMUNE_REPORT = "commune_report", _("Yearly evaluation report of the commune (PDF)")
    NETWORK_REPORT = "network_report", _("Yearly evaluation report of the network (PDF)")
    LETTER = "letter", _("Lettre du Plan Climat (PDF)")


COMMUNE_KINDS = (DocumentKind.DELIBERATION, DocumentKind.DELIBERATION_DOCX, DocumentKind.COMMUNE_REPORT)
PLAN_KINDS = (DocumentKind.DELIBERATION, DocumentKind.DELIBERATION_DOCX)
# Who each kind is for: communes.permissions decides who may see a document from its audience.
AUDIENCES = {
    DocumentKind.DELIBERATION: DocumentAudience.COMMUNE,
    DocumentKind.DELIBERATION_DOCX: DocumentAudience.COMMUNE,
    DocumentKind.COMMUNE_REPORT: DocumentAudience.COMMUNE,
    DocumentKind.NETWORK_REPORT: DocumentAudience.NETWORK,
    DocumentKind.LETTER: DocumentAudience.LETTER,
}


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def document_upload_path(document, filename):
    return f"reporting/{document.kind}/{document.created_at:%Y/%m}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def with_audience(self):
        """Adds `kind_audience` and `letter_is_published`: what `visible_documents_filter` asks."""
        return self.annotate(
            kind_audience=Case(
                *(When(kind=kind, then=Value(str(audience))) for kind, audience in AUDIENCES.items()),
                output_field=models.CharField(),
            ),
            letter_is_published=Q(letter__status=LetterStatus.PUBLISHED),
        )


class GeneratedDocument(models.Model):
    """One generation of a document: who asked for it, when, what it describes, and the file."""

    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    # The territory the document is of: its commune's, its letter's, or the one a network report covers.
    territory = models.ForeignKey(
        "communes.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    # What the plan was when the document was made (the plan moves on; the document does not).
    plan_version = models.PositiveSmallIntegerField(_("plan version"), null=True, blank=True)
    plan_status = models.CharField(_("plan status"), max_length=16, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    letter = models.ForeignKey(
        Letter,
        verbose_name=_("letter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_path, blank=True, max_length=255)
    # The name the file is downloaded under ("deliberation-meylan-v1.pdf"): the stored file's name may
    # carry the storage's random suffix when the same name was stored before.
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The deliberation file of an adopted plan is frozen with the version it describes.
    is_frozen = models.BooleanField(_("adopted version"), default=False)
    # Frozen when the council's adoption was recorded (not later, on a first request: the demo's plans).
    made_at_adoption = models.BooleanField(_("made at adoption"), default=False)
    # The blanks of a draft deliberation the advisor filled in before generating it (rapporteur, votes…),
    # as DeliberationCouncilForm cleaned them: kept with the file they went into.
    council = models.JSONField(_("council's details"), default=dict, blank=True)
    # A network report shows the detail (plan titles, deliberation numbers, actions, comments) of the
    # communes its requester reads, and counts the others: the ids of those communes, sorted (None:
    # every commune). communes.permissions shows it only to the people who read the same communes.
    detail_communes = models.JSONField(_("communes in detail"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["commune", "kind", "-created_at"]),
            models.Index(fields=["kind", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(is_frozen=True),
                name="reporting_one_frozen_document_per_plan_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reporting_document_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def audience(self) -> DocumentAudience:
        return AUDIENCES[DocumentKind(self.kind)]

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.DONE and bool(self.file)

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)

    @property
    def download_name(self) -> str:
        """The name the file is downloaded under: what it is and whose, never a storage suffix or an id.
        "Plan-climat-Echirolles-2024-2030-dossier-de-deliberation-adopte.pdf",
        "Plan-climat-Echirolles-2024-2030-projet-de-deliberation-2026-03-01.docx",
        "Rapport-evaluation-2025-Echirolles.pdf". The documents are the council's, in French."""
        extension = "docx" if self.kind == DocumentKind.DELIBERATION_DOCX else "pdf"
        if self.kind in PLAN_KINDS and self.plan is not None:
            stem = self.plan.download_stem
            if self.is_frozen:
                what = "dossier-de-deliberation-adopte" if extension == "pdf" else "deliberation-adoptee"
            else:
                made_on = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
                what = (
                    "dossier-de-deliberation-projet" if extension == "pdf" else "projet-de-deliberation"
                ) + f"-{made_on:%Y-%m-%d}"
            return f"{stem}-{what}.{extension}"
        if self.kind == DocumentKind.COMMUNE_REPORT and self.commune is not None:
            return f"Rapport-evaluation-{self.year}-{name_part(self.commune.name)}.pdf"
        if self.kind == DocumentKind.NETWORK_REPORT:
            return f"Rapport-evaluation-{self.year}-reseau.pdf"
        return self.filename or self.file.name.rsplit("/", 1)[-1]

    @property
    def is_pdf(self) -> bool:
        return self.kind != DocumentKind.DELIBERATION_DOCX
