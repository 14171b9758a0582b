"""Reads of generated documents (the dashboards' reads are in `dashboards.py`)."""

from django.db.models import QuerySet
from django.utils import timezone

from actions.selectors import commune_plans
from communes import permissions

from .models import COMMUNE_KINDS, DocumentKind, DocumentStatus, GeneratedDocument, Letter, LetterStatus

FIRST_REPORT_YEAR = 2005


def report_years() -> list[int]:
    """Years a report may be asked for, the current one first (a year in progress reads as such)."""
    return list(range(timezone.localdate().year, FIRST_REPORT_YEAR - 1, -1))


def published_letters(*, territory_id: int | None = None) -> QuerySet:
    """The published issues of the territories' letters, newest first: public once published (the
    network's *Lettres du Plan Climat* always were). Every public read of letters starts here."""
    letters = Letter.objects.filter(status=LetterStatus.PUBLISHED).select_related("territory")
    if territory_id is not None:
        letters = letters.filter(territory_id=territory_id)
    return letters.order_by("-published_at", "-number")


def visible_documents(user, *, commune_insee: str = "") -> QuerySet[GeneratedDocument]:
    """The documents `user` may see, newest first: a queryset the documents page cuts into pages."""
    documents: QuerySet[GeneratedDocument] = GeneratedDocument.objects.with_audience().select_related(
        "commune", "plan", "letter", "requested_by"
    )
    allowed = permissions.visible_documents_filter(user)
    if allowed is not None:
        documents = documents.filter(allowed)
    if commune_insee:
        documents = documents.filter(commune__insee_code=commune_insee)
    return documents.order_by("-created_at", "-pk")


def commune_documents(*, commune) -> dict:
    """The commune's plans and its documents (a queryset the page cuts into pages). Adopted versions
    come first (an elected official looks for the signed deliberation, then the adopted file), then the
    drafts, newest first."""
    plans = sorted(commune_plans(commune=commune), key=lambda plan: not plan.is_adopted)
    documents = (
        GeneratedDocument.objects.filter(commune=commune, kind__in=COMMUNE_KINDS)
        .select_related("commune", "plan__commune", "requested_by")
        .order_by("-is_frozen", "-created_at", "-pk")
    )
    # At most one frozen document per plan and kind (a constraint): the plans' adopted files.
    frozen = {(document.plan_id, document.kind): document for document in documents.filter(is_frozen=True)}
    for plan in plans:
        plan.frozen_pdf = frozen.get((plan.pk, DocumentKind.DELIBERATION))
        plan.frozen_docx = frozen.get((plan.pk, DocumentKind.DELIBERATION_DOCX))
    return {"commune": commune, "plans": plans, "documents": documents}


def latest_deliberation(*, commune) -> GeneratedDocument | None:
    """The deliberation file the commune page offers: the adopted (frozen) one first, else the latest."""
    return (
        GeneratedDocument.objects.filter(
            commune=commune, kind=DocumentKind.DELIBERATION, status=DocumentStatus.DONE
        )
        .select_related("plan")
        .order_by("-is_frozen", "-created_at")
        .first()
    )
