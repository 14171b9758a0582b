"""Reads of generated documents (the dashboards' reads are in `dashboards.py`)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from actions.selectors import commune_plans, published_plan_ids
from communes import permissions

from .models import (
    COMMUNE_KINDS,
    DocumentKind,
    DocumentStatus,
    GeneratedDocument,
    Letter,
    LetterSection,
    LetterStatus,
)
from .models.documents import PLAN_KINDS

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


def published_letter_counts() -> dict[int, int]:
    """Per territory id: how many issues of its letter are published; a territory without any is
    absent (one query)."""
    return dict(
        published_letters()
        .order_by()
        .values("territory_id")
        .annotate(count=Count("pk"))
        .values_list("territory_id", "count")
    )


def published_letter_count(*, territory_id: int) -> int:
    """How many issues of the territory's letter are published (one query)."""
    return published_letters(territory_id=territory_id).count()


def published_letter(*, territory_id: int, number: int) -> Letter | None:
    """The territory's published issue of this number with its sections in `public_sections` (only
    their heading and body loaded), or None for a draft or an unknown number (two queries, one when
    None)."""
    letter = published_letters(territory_id=territory_id).filter(number=number).first()
    if letter is None:
        return None
    letter.public_sections = list(
        LetterSection.objects.filter(letter=letter).order_by("order", "pk").only("heading", "body")
    )
    return letter


def latest_published_letters(*, territory_id: int, limit: int) -> list[Letter]:
    """The territory's `limit` latest published issues, newest first, each with its sections in
    `public_sections` (two queries)."""
    letters = list(published_letters(territory_id=territory_id)[:limit])
    sections: dict[int, list[LetterSection]] = {letter.pk: [] for letter in letters}
    for section in LetterSection.objects.filter(letter__in=letters).order_by("order", "pk"):
        sections[section.letter_id].append(section)
    for letter in letters:
        letter.public_sections = sections[letter.pk]
    return letters


def published_letter_links() -> list[Letter]:
    """Every published issue of every territory, newest first, with only what its address and the
    sitemap need loaded: its number, publication date and territory's slug and name (one query)."""
    return list(published_letters().only("number", "published_at", "territory__slug", "territory__name"))


def _public_documents() -> Q:
    """The adopted (frozen) deliberation files of the published plans and the published letters."""
    adopted = Q(plan_id__in=published_plan_ids(), is_frozen=True, kind__in=PLAN_KINDS)
    letters = Q(kind=DocumentKind.LETTER, letter_id__in=published_letters().values("pk"))
    return (adopted | letters) & Q(status=DocumentStatus.DONE)


def readable_documents(
    user, *, commune_insee: str | None = None, plan_id: int | None = None
) -> QuerySet[GeneratedDocument]:
    """The documents' metadata the API shows, newest first: the adopted deliberation files of the
    published plans and the published letters, and, for an active person, the documents their roles let
    them see (`permissions.visible_documents_filter`); of the commune (INSEE code) and of the plan when
    given."""
    documents = GeneratedDocument.objects.with_audience().select_related("commune")
    condition: Q | None = _public_documents()
    if user.is_authenticated and user.is_active:
        allowed = permissions.visible_documents_filter(user)
        condition = None if allowed is None else condition | allowed
    if condition is not None:
        documents = documents.filter(condition)
    documents = documents.order_by("-created_at", "-pk")
    if commune_insee:
        documents = documents.filter(commune__insee_code=commune_insee)
    if plan_id is not None:
        documents = documents.filter(plan_id=plan_id)
    return documents


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
