"""Who sees a generated document: communes.permissions decides from the document's audience, and the
documents list (a filter in SQL) agrees with the document page (a check on one object)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communes import permissions
from reporting.models import AUDIENCES, DocumentKind, DocumentStatus, GeneratedDocument, Letter, LetterStatus

pytestmark = pytest.mark.django_db

ROLES = ["admin", "metro_officer", "advisor", "referent", "staff", "elected", "outsider"]
# The other territory's officer and advisor (the Pays Voironnais): nothing of the Métro's.
FOREIGN = ["foreign_officer", "foreign_advisor"]


def test_every_document_kind_has_an_audience():
    assert set(AUDIENCES) == set(DocumentKind)
    for kind in DocumentKind:
        assert GeneratedDocument(kind=kind).audience == AUDIENCES[kind]


@pytest.fixture
def documents(cast):
    def letter(number, status):
        published = timezone.now() if status == LetterStatus.PUBLISHED else None
        return Letter.objects.create(
            territory=cast.territory,
            number=number,
            title=f"Lettre {number}",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 3, 31),
            status=status,
            published_at=published,
        )

    def document(kind, **fields):
        fields.setdefault("territory", cast.territory)  # the Métro's, unless said otherwise
        return GeneratedDocument.objects.create(kind=kind, status=DocumentStatus.DONE, **fields)

    foreign = {"territory": cast.foreign_territory}

    return {
        "own report": document(DocumentKind.COMMUNE_REPORT, commune=cast.commune, year=2025),
        "own deliberation": document(DocumentKind.DELIBERATION, commune=cast.commune),
        "other report": document(DocumentKind.COMMUNE_REPORT, commune=cast.other_commune, year=2025),
        "network report": document(DocumentKind.NETWORK_REPORT, year=2025),  # every commune in detail
        "advisor's network report": document(
            DocumentKind.NETWORK_REPORT, year=2025, detail_communes=[cast.commune.pk]
        ),
        "outsider's network report": document(
            DocumentKind.NETWORK_REPORT, year=2025, detail_communes=[cast.other_commune.pk]
        ),
        "draft letter": document(DocumentKind.LETTER, letter=letter(1, LetterStatus.DRAFT)),
        "published letter": document(DocumentKind.LETTER, letter=letter(2, LetterStatus.PUBLISHED)),
        # The Pays Voironnais': none of the Métro's people reads them.
        "foreign report": document(
            DocumentKind.COMMUNE_REPORT, commune=cast.foreign_commune, year=2025, **foreign
        ),
        "foreign network report": document(DocumentKind.NETWORK_REPORT, year=2025, **foreign),
    }


@pytest.mark.parametrize("role", ROLES + FOREIGN)
def test_the_documents_list_shows_exactly_the_documents_a_person_may_open(cast, login, documents, role):
    user = getattr(cast, role)
    may_open = {name for name, doc in documents.items() if permissions.can_view_document(user, doc)}
    client = login(user)
    listed = {doc.pk for doc in client.get(reverse("reporting:documents")).context["page"].object_list}
    assert listed == {documents[name].pk for name in may_open}
    for name, doc in documents.items():
        status = client.get(reverse("reporting:document", args=[doc.pk])).status_code
        assert status == (200 if name in may_open else 404), name


def test_the_audiences_give_each_role_what_it_should_read(cast, documents):
    def readable(role):
        user = getattr(cast, role)
        return {name for name, doc in documents.items() if permissions.can_view_document(user, doc)}

    foreign = {"foreign report", "foreign network report"}
    assert readable("metro_officer") == set(documents) - foreign
    assert readable("foreign_officer") == foreign
    assert readable("foreign_advisor") == {"foreign report"}  # the network report details every commune
    assert readable("referent") == {"own report", "own deliberation", "published letter"}
    assert readable("advisor") == {
        "own report",
        "own deliberation",
        "advisor's network report",
        "draft letter",
        "published letter",
    }
    assert readable("outsider") == {
        "other report",
        "outsider's network report",
        "draft letter",
        "published letter",
    }
    assert readable("admin") == set(documents)
