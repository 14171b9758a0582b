"""Writes of the reporting app: asking for a document, generating it, freezing the adopted one."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ActionPlan
from actions.selectors import plan_by_id
from communes import permissions
from pcl import jobs

from . import tasks
from .documents import renderer
from .models import PLAN_KINDS, DocumentKind, DocumentStatus, GeneratedDocument

logger = logging.getLogger(__name__)


def frozen_document(*, plan: ActionPlan, kind: str) -> GeneratedDocument | None:
    return GeneratedDocument.objects.filter(plan=plan, kind=kind, is_frozen=True).first()


@transaction.atomic
def document_request(
    *,
    kind: str,
    user,
    commune=None,
    plan: ActionPlan | None = None,
    year: int | None = None,
    letter=None,
    council: dict | None = None,
    at_adoption: bool = False,
) -> GeneratedDocument:
    """Queues the generation of a document (a Celery job; run at once without a broker).

    The deliberation file of an adopted plan is not generated again: the frozen one is returned; it
    describes the vote whenever it is made (`at_adoption` says it was made when the adoption was
    recorded). `council` holds the blanks of a draft deliberation the advisor filled in.
    """
    kind = DocumentKind(kind)
    if kind in PLAN_KINDS:
        if plan is None:
            raise ValidationError(_("Which plan?"))
        plan = plan_by_id(plan_id=plan.pk)  # its status now
        commune = plan.commune
        if plan.is_adopted:
            frozen = frozen_document(plan=plan, kind=kind)
            if frozen is not None and frozen.status != DocumentStatus.FAILED:
                return frozen
    if kind in (DocumentKind.COMMUNE_REPORT, DocumentKind.NETWORK_REPORT) and not year:
        raise ValidationError(_("Which year?"))
    if kind == DocumentKind.COMMUNE_REPORT and commune is None:
        raise ValidationError(_("Which commune?"))
    if kind == DocumentKind.LETTER and letter is None:
        raise ValidationError(_("Which letter?"))
    if not at_adoption:
        # Refused with a message while the job queue is down. The adoption itself is not refused
        # for it: its documents are recorded and wait for the queue.
        jobs.require_queue()
    frozen = bool(plan and plan.is_adopted and kind in PLAN_KINDS)
    document = GeneratedDocument.objects.create(
        kind=kind,
        commune=commune,
        plan=plan,
        plan_version=plan.version if plan else None,
        plan_status=plan.status if plan else "",
        year=year,
        letter=letter,
        requested_by=user,
        is_frozen=frozen,
        made_at_adoption=frozen and at_adoption,
        council=(council or {}) if kind in PLAN_KINDS and not frozen else {},
        detail_communes=(
            permissions.network_detail_commune_ids(user) if kind == DocumentKind.NETWORK_REPORT else None
        ),
        step=_("Waiting for a worker…"),
    )
    transaction.on_commit(lambda: jobs.enqueue(tasks.generate_document_task, document.pk))
    return document


@transaction.atomic
def deliberation_freeze(*, plan: ActionPlan, user) -> list[GeneratedDocument]:
    """At adoption: the deliberation file and its editable text, made once more from the adopted
    version and kept as they are (later requests get them back)."""
    plan = plan_by_id(plan_id=plan.pk)
    documents = []
    for kind in PLAN_KINDS:
        stale = frozen_document(plan=plan, kind=kind)
        if stale is not None:
            if stale.status != DocumentStatus.FAILED:
                documents.append(stale)
                continue
            GeneratedDocument.objects.filter(pk=stale.pk).update(is_frozen=False)
        documents.append(document_request(kind=kind, user=user, plan=plan, at_adoption=True))
    return documents


def _progress_writer(document: GeneratedDocument):
    def write(percent: int, step: str) -> None:
        percent = max(0, min(100, int(percent)))
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=percent, step=step[:200])

    return write


def document_run(*, document: GeneratedDocument) -> GeneratedDocument:
    """Generates the document now. A failure is recorded on the document, never half a file."""
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RUNNING, started_at=timezone.now(), progress=1, step=_("Starting…")
    )
    document.refresh_from_db()
    try:
        rendered = renderer(document.kind)(document, _progress_writer(document))
    except Exception as error:  # a broken document must not leave the job "running" forever
        logger.exception("Generation of document %s failed", document.pk)
        GeneratedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED,
            finished_at=timezone.now(),
            step="",
            error=_(
                "The document could not be generated (%(error)s). Try again; if it fails again, "
                "tell the platform's team."
            )
            % {"error": error.__class__.__name__},
        )
        document.refresh_from_db()
        return document
    document.file.save(rendered.filename, ContentFile(rendered.content), save=False)
    document.filename = rendered.filename
    document.size = len(rendered.content)
    document.pages = rendered.pages
    document.status = DocumentStatus.DONE
    document.progress = 100
    document.step = ""
    document.finished_at = timezone.now()
    document.save(
        update_fields=["file", "filename", "size", "pages", "status", "progress", "step", "finished_at"]
    )
    return document
