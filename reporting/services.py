"""Writes of the reporting app: asking for a document, generating it, freezing the adopted one."""

import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
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
    territory=None,
    council: dict | None = None,
    at_adoption: bool = False,
) -> GeneratedDocument:
    """Queues the generation of a document (a Celery job; run at once without a broker).

    The deliberation file of an adopted plan is not generated again: the frozen one is returned; it
    describes the vote whenever it is made (`at_adoption` says it was made when the adoption was
    recorded). `council` holds the blanks of a draft deliberation the advisor filled in.

    Every document is of a territory: its commune's, its letter's, or (a network report) the
    `territory` whose network it covers.
    """
    kind = DocumentKind(kind)
    if kind in PLAN_KINDS:
        if plan is None:
            raise ValidationError(_("Which plan?"))
        plan = plan_by_id(plan_id=plan.pk)  # its status now
        commune = plan.commune
        if plan.is_adopted:
            frozen = frozen_document(plan=plan, kind=kind)
            if frozen is not None:
                # Failed, or stuck with its worker gone: made again, as the same frozen document.
                if not document_can_retry(document=frozen):
                    return frozen
                return document_retry(document=frozen, check_queue=not at_adoption)
    if kind in (DocumentKind.COMMUNE_REPORT, DocumentKind.NETWORK_REPORT) and not year:
        raise ValidationError(_("Which year?"))
    if kind == DocumentKind.COMMUNE_REPORT and commune is None:
        raise ValidationError(_("Which commune?"))
    if kind == DocumentKind.LETTER and letter is None:
        raise ValidationError(_("Which letter?"))
    if kind == DocumentKind.NETWORK_REPORT and territory is None:
        raise ValidationError(_("Which territory?"))
    territory_id = (
        commune.territory_id
        if commune is not None
        else letter.territory_id
        if letter is not None
        else territory.pk
    )
    if not at_adoption:
        # Refused with a message while the job queue is down. The adoption itself is not refused
        # for it: its documents are recorded and wait for the queue.
        jobs.require_queue()
    frozen = bool(plan and plan.is_adopted and kind in PLAN_KINDS)
    document = GeneratedDocument.objects.create(
        kind=kind,
        territory_id=territory_id,
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
            permissions.network_detail_commune_ids(user, territory_id)
            if kind == DocumentKind.NETWORK_REPORT
            else None
        ),
        step=_("Waiting for a worker…"),
    )
    _enqueue_on_commit(document.pk)
    return document


def _enqueue_on_commit(document_id: int) -> None:
    """After the commit, and never at its expense: a broker that cannot take the job records it as
    failed on the document (the requester sees why and can try again); the commit stands."""
    transaction.on_commit(
        lambda: jobs.enqueue(
            tasks.generate_document_task,
            document_id,
            on_failure=lambda: _fail(document_id, _not_queued(), statuses=[DocumentStatus.PENDING]),
        ),
        robust=True,
    )


def _not_queued() -> str:
    return _(
        "The document could not be queued (the queue of background jobs is unreachable). Try again in a "
        "few minutes."
    )


def _worker_lost() -> str:
    return _("The generation stopped before its end (the server making it went away). Try again.")


def _fail(document_id: int, error: str, *, statuses, before=None) -> bool:
    documents = GeneratedDocument.objects.filter(pk=document_id, status__in=statuses)
    if before is not None:
        documents = documents.filter(
            Q(started_at__lt=before) | Q(started_at__isnull=True, created_at__lt=before)
        )
    return (
        documents.update(
            status=DocumentStatus.FAILED, finished_at=timezone.now(), step="", error=error[:2000]
        )
        == 1
    )


def document_is_stuck(*, document: GeneratedDocument, stale_after: timedelta | None = None) -> bool:
    """Waiting or being generated with no sign of life for `JOB_STALE_SECONDS` (past the hard time
    limit): its worker is gone."""
    if document.status not in (DocumentStatus.PENDING, DocumentStatus.RUNNING):
        return False
    return (document.started_at or document.created_at) < jobs.stale_before(stale_after=stale_after)


def document_can_retry(*, document: GeneratedDocument, stale_after: timedelta | None = None) -> bool:
    return document.status == DocumentStatus.FAILED or document_is_stuck(
        document=document, stale_after=stale_after
    )


@transaction.atomic
def document_retry(
    *, document: GeneratedDocument, stale_after: timedelta | None = None, check_queue: bool = True
) -> GeneratedDocument:
    """Queues a failed (or stuck) document again, as the same document (a frozen one stays the plan's
    frozen file): FAILED → PENDING once, however many times the button is pressed. Refused while the
    job queue does not answer (`check_queue`; not at adoption, which is never refused for it)."""
    if check_queue:
        jobs.require_queue()
    if document_is_stuck(document=document, stale_after=stale_after):
        _fail(
            document.pk,
            _worker_lost(),
            statuses=[DocumentStatus.PENDING, DocumentStatus.RUNNING],
            before=jobs.stale_before(stale_after=stale_after),
        )
    described = {}
    if document.plan_id and not document.is_frozen:  # made from the plan as it is now
        plan = plan_by_id(plan_id=document.plan_id)
        described = {"plan_version": plan.version, "plan_status": plan.status}
    reset = GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
        **described,
        status=DocumentStatus.PENDING,
        progress=0,
        step=_("Waiting for a worker…"),
        error="",
        started_at=None,
        finished_at=None,
    )
    if reset:
        _enqueue_on_commit(document.pk)
    document.refresh_from_db()
    return document


def stale_documents_sweep(*, stale_after: timedelta | None = None) -> list[int]:
    """Marks FAILED the documents whose worker is gone and returns their ids (see `document_is_stuck`)."""
    cutoff = jobs.stale_before(stale_after=stale_after)
    failed = [
        document_id
        for document_id in GeneratedDocument.objects.filter(
            Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
            status__in=[DocumentStatus.PENDING, DocumentStatus.RUNNING],
        ).values_list("pk", flat=True)
        if _fail(
            document_id,
            _worker_lost(),
            statuses=[DocumentStatus.PENDING, DocumentStatus.RUNNING],
            before=cutoff,
        )
    ]
    if failed:
        logger.warning("Documents with no worker any more, marked failed: %s", failed)
    return failed


@transaction.atomic
def deliberation_freeze(*, plan: ActionPlan, user) -> list[GeneratedDocument]:
    """At adoption: the deliberation file and its editable text, made once more from the adopted
    version and kept as they are (later requests get them back)."""
    # A frozen file already made is kept; a failed or stuck one is made again (document_request).
    return [document_request(kind=kind, user=user, plan=plan, at_adoption=True) for kind in PLAN_KINDS]


def _progress_writer(document: GeneratedDocument):
    def write(percent: int, step: str) -> None:
        percent = max(0, min(100, int(percent)))
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=percent, step=step[:200])

    return write


def document_claim(*, document_id: int) -> bool:
    """PENDING → RUNNING, once: a second delivery of the job (or a job finished, failed or running)
    changes nothing."""
    return (
        GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.PENDING).update(
            status=DocumentStatus.RUNNING, started_at=timezone.now(), progress=1, step=_("Starting…")
        )
        == 1
    )


def document_run(*, document: GeneratedDocument) -> GeneratedDocument:
    """Generates the document now, once: a document no longer PENDING is returned as it is. A failure
    is recorded on the document, never half a file."""
    if not document_claim(document_id=document.pk):
        document.refresh_from_db()
        return document
    document.refresh_from_db()
    try:
        rendered = renderer(document.kind)(document, _progress_writer(document))
    except SoftTimeLimitExceeded:
        logger.warning("Generation of document %s stopped at its time limit", document.pk)
        _fail(
            document.pk,
            _(
                "The generation took too long and was stopped. Try again; if it fails again, "
                "tell the platform's team."
            ),
            statuses=[DocumentStatus.RUNNING],
        )
        document.refresh_from_db()
        return document
    except Exception as error:  # a broken document must not leave the job "running" forever
        logger.exception("Generation of document %s failed", document.pk)
        _fail(
            document.pk,
            _(
                "The document could not be generated (%(error)s). Try again; if it fails again, "
                "tell the platform's team."
            )
            % {"error": error.__class__.__name__},
            statuses=[DocumentStatus.RUNNING],
        )
        document.refresh_from_db()
        return document
    document.file.save(rendered.filename, ContentFile(rendered.content), save=False)
    # Only the run that holds the document writes its end (one the sweep failed meanwhile stays so).
    GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.RUNNING).update(
        file=document.file.name,
        filename=rendered.filename,
        size=len(rendered.content),
        pages=rendered.pages,
        status=DocumentStatus.DONE,
        progress=100,
        step="",
        finished_at=timezone.now(),
    )
    document.refresh_from_db()
    return document
