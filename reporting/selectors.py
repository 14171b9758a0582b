"""Reads of generated documents (the dashboards' reads are in `dashboards.py`)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from actions.models import ActionPlan
from communes import permissions

from .models import COMMUNE_KINDS, DocumentKind, GeneratedDocument, LetterStatus

FIRST_REPORT_YEAR = 2005


def report_years() -> list[int]:
    """Years a report may be asked for, the current one first (a year in progress reads as such)."""
    return list(range(timezone.localdate().year, FIRST_REPORT_YEAR - 1, -1))


def visible_documents(user, *, commune_insee: str = "", limit: int = 200) -> list[GeneratedDocument]:
    documents: QuerySet[GeneratedDocument] = GeneratedDocument.objects.select_related(
        "commune", "plan", "letter", "requested_by"
    )
    if not permissions.sees_every_commune(user):
        commune_ids = list(permissions.commune_roles(user))
        allowed = Q(kind__in=COMMUNE_KINDS, commune_id__in=commune_ids) | Q(
            kind=DocumentKind.LETTER, letter__status=LetterStatus.PUBLISHED
        )
        if permissions.can_generate_network_documents(user):
            allowed |= Q(kind=DocumentKind.NETWORK_REPORT)
        if permissions.can_manage_letters(user):
            allowed |= Q(kind=DocumentKind.LETTER)
        documents = documents.filter(allowed)
    if commune_insee:
        documents = documents.filter(commune__insee_code=commune_insee)
    return list(documents[:limit])


def commune_documents(*, commune) -> dict:
    """The commune's plans (to generate their deliberation file) and its documents, newest first."""
    plans = list(ActionPlan.objects.filter(commune=commune).order_by("-version"))
    documents = list(
        GeneratedDocument.objects.filter(commune=commune, kind__in=COMMUNE_KINDS).select_related(
            "plan", "requested_by"
        )[:200]
    )
    frozen = {(document.plan_id, document.kind): document for document in documents if document.is_frozen}
    for plan in plans:
        plan.frozen_pdf = frozen.get((plan.pk, DocumentKind.DELIBERATION))
        plan.frozen_docx = frozen.get((plan.pk, DocumentKind.DELIBERATION_DOCX))
    return {"commune": commune, "plans": plans, "documents": documents}
