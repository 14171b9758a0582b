"""The reporting app with two territories (issue 15): a commune of the Pays Voironnais gets documents,
dashboards and letters that name its own territory, plan and targets and never Grenoble; nothing of one
territory's network (dashboard, letters, documents, network reports) is visible from the other (404)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from actions.models import ActionStatus
from communes.models import CommuneGroup
from observatory.models import Dataset, Quantity, Target
from reporting import letters
from reporting.documents import deliberation
from reporting.models import DocumentKind, GeneratedDocument, Letter, LetterStatus
from tests.actions.factories import ActionFactory, adopted_plan
from tests.factories import UserFactory
from tests.reporting.conftest import meet, observe, sign
from tests.reporting.test_deliberation import html_words, normalise, pdf_text

VOIRONNAIS_PLAN = "Plan Climat Air Énergie Territorial du Pays Voironnais"
VOIRONNAIS_NAME = "Communauté d'agglomération du Pays Voironnais"
YEAR = 2024


def _words(response) -> str:
    return html_words(response.content.decode())


@pytest.fixture
def two_networks(cast, settings, tmp_path):
    """Voiron (Pays Voironnais, with the Voironnais targets) and Saint-Martin-d'Hères (Métro, with the
    Métro's targets): each with a deliberated plan, an action done, a meeting and observatory figures."""
    settings.MEDIA_ROOT = tmp_path
    voiron = sign(cast.foreign_commune, on=datetime.date(2010, 6, 1))
    metro_commune = sign(cast.commune, on=datetime.date(2008, 5, 17))
    for territory, ghg, source in (
        (cast.foreign_territory, Decimal("40.0"), "PCAET du Pays Voironnais, 2019"),
        (cast.territory, Decimal("50.0"), "PCAET de Grenoble-Alpes Métropole, 2020"),
    ):
        Target.objects.filter(territory=territory).delete()  # the Métro's from the migrations
        Target.objects.create(
            territory=territory,
            reference_year=2005,
            target_year=2030,
            ghg_reduction_pct=ghg,
            consumption_reduction_pct=Decimal("22.0"),
            renewable_share_pct=Decimal("35.0"),
            source=source,
        )
    plans = {}
    for commune, title in ((voiron, "Plan climat de Voiron"), (metro_commune, "Plan climat de Saint-Martin")):
        plan = adopted_plan(commune, title=title, deliberation_date=datetime.date(YEAR, 3, 12))
        ActionFactory(
            plan=plan,
            title=f"Rénovation de l'école ({commune.name})",
            status=ActionStatus.DONE,
            progress=100,
            start_date=datetime.date(YEAR, 1, 8),
            end_date=datetime.date(YEAR, 6, 30),
            mwh_saved=Decimal("120"),
        )
        meet(commune, days_ago=30)
        plans[commune.pk] = plan
    # Each territory's values in its own dataset (ORCAE is the Métro's).
    Dataset.objects.create(
        code="orcae-voironnais", name="ORCAE", producer="ORCAE", territory=cast.foreign_territory
    )
    for commune, dataset, population, emissions in (
        (voiron, "orcae-voironnais", {2005: 20000, 2020: 21000}, {2005: 400000, 2020: 350000}),
        (metro_commune, "orcae", {2005: 10000, 2020: 12500}, {2005: 300000, 2020: 250000}),
    ):
        observe({commune: population}, Quantity.POPULATION, dataset=dataset)
        observe({commune: emissions}, Quantity.EMISSIONS, dataset=dataset)
    CommuneGroup.objects.create(territory=cast.territory, name="Sud de la Métropole de Grenoble")
    CommuneGroup.objects.create(territory=cast.foreign_territory, name="Chartreuse", order=1)
    cast.voiron_plan = plans[voiron.pk]
    cast.metro_plan = plans[metro_commune.pk]
    return cast


def _make(client, user, url, data, django_capture_on_commit_callbacks) -> GeneratedDocument:
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response
    return GeneratedDocument.objects.order_by("-pk").first()


# --- the acceptance test: a Voiron plan's documents name the Pays Voironnais -------------------------


def test_a_voiron_plans_deliberation_file_and_docx_name_the_pays_voironnais_its_plan_and_targets(
    two_networks, client, django_capture_on_commit_callbacks
):
    cast = two_networks
    plan = cast.voiron_plan
    url = reverse("reporting:plan_document_request", args=[plan.pk, DocumentKind.DELIBERATION])
    pdf = _make(client, cast.foreign_advisor, url, {}, django_capture_on_commit_callbacks)
    url = reverse("reporting:plan_document_request", args=[plan.pk, DocumentKind.DELIBERATION_DOCX])
    docx = _make(client, cast.foreign_advisor, url, {}, django_capture_on_commit_callbacks)

    assert (pdf.kind, pdf.territory, docx.kind, docx.territory) == (
        DocumentKind.DELIBERATION,
        cast.foreign_territory,
        DocumentKind.DELIBERATION_DOCX,
        cast.foreign_territory,
    )
    text, _pages = pdf_text(pdf.file.read())
    paragraphs = normalise("\n".join(p.text for p in Document(io.BytesIO(docx.file.read())).paragraphs))
    for words in (text, paragraphs):
        assert f"Vu le {VOIRONNAIS_PLAN}, adopté en 2019" in words
        assert f"Considérant les objectifs du {VOIRONNAIS_PLAN} par rapport à 2005 : d'ici 2030" in words
        assert "40 %" in words  # the Voironnais' own target, not the Métro's 50 %
        assert "50 %" not in words
        assert "Grenoble" not in words
        assert "Métro" not in words
    assert f"Plan Climat Local · {VOIRONNAIS_NAME}".upper() in text.upper()  # the cover's kicker
    assert "PCAET du Pays Voironnais, 2019" in text  # the targets' table, with their source


def test_a_territory_with_no_plan_of_its_own_yet_quotes_its_targets_under_its_name(two_networks):
    cast = two_networks
    cast.foreign_territory.climate_plan_name = ""  # e.g. onboarded with the national targets
    cast.foreign_territory.save()
    plan = deliberation.plan_for_deliberation(plan_id=cast.voiron_plan.pk)

    text = html_words(deliberation.deliberation_html(plan))

    assert VOIRONNAIS_NAME in text and "40 %" in text and "2030" in text
    assert VOIRONNAIS_PLAN not in text and "Grenoble" not in text


def test_a_voiron_commune_dashboard_and_yearly_report_name_its_territory_and_never_grenoble(
    two_networks, client, django_capture_on_commit_callbacks
):
    cast = two_networks
    client.force_login(cast.foreign_advisor)
    page = _words(client.get(reverse("reporting:commune_dashboard", args=["38563"])))
    assert f"Observatoire : par habitant, comparé à {VOIRONNAIS_NAME}" in page or VOIRONNAIS_NAME in page
    assert "Grenoble" not in page

    url = reverse("reporting:commune_report_request", args=["38563"])
    report = _make(client, cast.foreign_advisor, url, {"year": YEAR}, django_capture_on_commit_callbacks)
    text, _pages = pdf_text(report.file.read())
    assert report.territory == cast.foreign_territory
    assert f"Plan Climat Local · {VOIRONNAIS_NAME}".upper() in text.upper()  # the cover's kicker
    assert "Voiron" in text
    assert "Grenoble" not in text


def test_the_voironnais_network_dashboard_report_and_letter_never_name_grenoble(
    two_networks, client, django_capture_on_commit_callbacks
):
    cast = two_networks
    client.force_login(cast.foreign_officer)
    response = client.get(reverse("reporting:network_dashboard"))
    page = _words(response)
    assert response.context["territory"] == cast.foreign_territory
    assert VOIRONNAIS_NAME in page
    assert "1 commune dans cette évaluation" in page
    assert "Voiron" in page and "Saint-Martin" not in page
    assert "Grenoble" not in page
    assert [group.name for group in response.context["form"].fields["group"].queryset] == ["Chartreuse"]

    url = reverse("reporting:network_report_request")
    data = {"year": YEAR, "territory": cast.foreign_territory.slug}
    report = _make(client, cast.foreign_officer, url, data, django_capture_on_commit_callbacks)
    text, _pages = pdf_text(report.file.read())
    assert report.territory == cast.foreign_territory
    assert report.detail_communes is None  # its officer reads every commune of it
    assert f"Plan Climat Local · {VOIRONNAIS_NAME}".upper() in text.upper()  # the cover's kicker
    assert "Grenoble" not in text and "Saint-Martin" not in text

    response = client.post(
        reverse("reporting:letter_new"),
        {
            "territory": cast.foreign_territory.pk,
            "period_start": f"{YEAR}-01-01",
            "period_end": f"{YEAR}-12-31",
            "title": "",
            "editorial": "",
        },
    )
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert (letter.territory, letter.number) == (cast.foreign_territory, 1)
    body = "\n".join(f"{section.heading}\n{section.body}" for section in letter.sections.all())
    assert "Voiron" in body and "Plan climat de Voiron" in body
    assert "Saint-Martin" not in body and "Grenoble" not in body
    for name in ("letter", "letter_email"):
        page = _words(client.get(reverse(f"reporting:{name}", args=[letter.pk])))
        assert "La Lettre du Plan Climat" in page
        assert "Grenoble" not in page


def test_each_territory_numbers_its_letters_and_sends_them_to_its_network_only(two_networks):
    cast = two_networks
    day = datetime.date(YEAR, 1, 1)
    first = letters.letter_assemble(
        territory=cast.territory, period_start=day, period_end=day, user=cast.admin, title="Métro"
    )
    cast.foreign_territory.letter_title = "La Lettre du Pays Voironnais"
    cast.foreign_territory.save()
    voironnais = letters.letter_assemble(
        territory=cast.foreign_territory, period_start=day, period_end=day, user=cast.admin, title="Voiron"
    )

    assert (first.number, voironnais.number) == (1, 1)
    subject = letters.letter_email_subject(letters.letter_with_sections(letter_id=voironnais.pk))
    assert subject.startswith("La Lettre du Pays Voironnais n")
    assert subject.endswith("Voiron")
    recipients = set(letters.letter_recipients(territory=cast.foreign_territory))
    assert {cast.foreign_officer.email, cast.foreign_advisor.email} <= recipients
    assert cast.admin.email not in recipients  # platform-wide: not one territory's network
    assert not {cast.metro_officer.email, cast.advisor.email, cast.referent.email} & recipients


# --- nothing of one territory from the other ----------------------------------------------------


@pytest.mark.parametrize(
    ("person", "other"),
    [
        ("foreign_officer", "territory"),
        ("foreign_advisor", "territory"),
        ("metro_officer", "foreign_territory"),
        ("advisor", "foreign_territory"),
    ],
)
def test_the_other_territorys_network_dashboard_and_groups_are_404(two_networks, client, person, other):
    cast = two_networks
    client.force_login(getattr(cast, person))
    territory = getattr(cast, other)
    url = reverse("reporting:network_dashboard")

    assert client.get(url, {"territory": territory.slug}).status_code == 404
    group = CommuneGroup.objects.get(territory=territory)
    assert client.get(url, {"group": group.pk}).status_code == 404
    own = client.get(url)
    assert own.status_code == 200
    assert own.context["territory"] != territory
    assert territory.name not in own.content.decode()


def test_the_administrator_chooses_the_territory_of_the_dashboard(two_networks, client):
    cast = two_networks
    client.force_login(cast.admin)
    url = reverse("reporting:network_dashboard")

    metro = client.get(url, {"territory": cast.territory.slug})
    voironnais = client.get(url, {"territory": cast.foreign_territory.slug})

    assert metro.context["territory"] == cast.territory
    assert "Saint-Martin" in metro.content.decode() and "Voiron<" not in metro.content.decode()
    assert voironnais.context["territory"] == cast.foreign_territory
    assert 'id="territory-selector"' in voironnais.content.decode()
    assert "Saint-Martin" not in voironnais.content.decode()


@pytest.mark.parametrize("status", [LetterStatus.DRAFT, LetterStatus.PUBLISHED])
@pytest.mark.parametrize(
    ("person", "owner"),
    [
        ("foreign_officer", "territory"),
        ("foreign_advisor", "territory"),
        ("metro_officer", "foreign_territory"),
        ("advisor", "foreign_territory"),
        ("referent", "foreign_territory"),
    ],
)
def test_the_other_territorys_letters_are_404_drafts_and_published(
    two_networks, client, person, owner, status
):
    cast = two_networks
    day = datetime.date(YEAR, 1, 1)
    letter = letters.letter_assemble(
        territory=getattr(cast, owner), period_start=day, period_end=day, user=cast.admin, title="Secret"
    )
    letter.sections.create(heading="À la une", body="Un texte")
    if status == LetterStatus.PUBLISHED:
        letters.letter_publish(letter=letter, user=cast.admin)
    client.force_login(getattr(cast, person))

    for name in ("letter", "letter_edit", "letter_email"):
        assert client.get(reverse(f"reporting:{name}", args=[letter.pk])).status_code == 404, name
    for name in ("letter_publish", "letter_send", "letter_pdf"):
        assert client.post(reverse(f"reporting:{name}", args=[letter.pk])).status_code == 404, name
    assert (
        client.get(reverse("reporting:letters"), {"territory": getattr(cast, owner).slug}).status_code == 404
    )
    listed = client.get(reverse("reporting:letters"))
    assert "Secret" not in listed.content.decode()
    assert client.get(
        reverse("reporting:letter_new"), {"territory": getattr(cast, owner).slug}
    ).status_code in (
        403,
        404,
    )
    letter.refresh_from_db()
    assert letter.status == status


def test_a_letter_cannot_be_assembled_for_another_territory(two_networks, client):
    cast = two_networks
    client.force_login(cast.foreign_officer)
    response = client.post(
        reverse("reporting:letter_new"),
        {"territory": cast.territory.pk, "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31"},
    )
    assert response.status_code == 200
    assert "territory" in response.context["form"].errors
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    ("person", "other"),
    [
        ("foreign_officer", "territory"),
        ("metro_officer", "foreign_territory"),
        ("advisor", "foreign_territory"),
    ],
)
def test_the_other_territorys_documents_and_network_reports_are_404(
    two_networks, client, django_capture_on_commit_callbacks, person, other
):
    cast = two_networks
    territory = getattr(cast, other)
    officer = cast.metro_officer if territory == cast.territory else cast.foreign_officer
    plan = cast.metro_plan if territory == cast.territory else cast.voiron_plan
    url = reverse("reporting:plan_document_request", args=[plan.pk, DocumentKind.DELIBERATION])
    deliberation = _make(client, officer, url, {}, django_capture_on_commit_callbacks)
    url = reverse("reporting:network_report_request")
    network = _make(
        client, officer, url, {"year": YEAR, "territory": territory.slug}, django_capture_on_commit_callbacks
    )
    assert (deliberation.territory, network.territory) == (territory, territory)

    client.force_login(getattr(cast, person))
    for document in (deliberation, network):
        for name in ("document", "document_download"):
            assert client.get(reverse(f"reporting:{name}", args=[document.pk])).status_code == 404
    listed = client.get(reverse("reporting:documents"))
    assert list(listed.context["page"].object_list) == []
    asked = client.post(
        reverse("reporting:network_report_request"), {"year": YEAR, "territory": territory.slug}
    )
    assert asked.status_code == 404
    assert GeneratedDocument.objects.filter(kind=DocumentKind.NETWORK_REPORT).count() == 1


def test_the_other_territorys_commune_documents_and_dashboard_are_404(two_networks, client):
    cast = two_networks
    client.force_login(cast.foreign_officer)
    for name in ("commune_dashboard", "commune_documents"):
        assert client.get(reverse(f"reporting:{name}", args=[cast.commune.insee_code])).status_code == 404
    client.force_login(cast.metro_officer)
    for name in ("commune_dashboard", "commune_documents"):
        assert client.get(reverse(f"reporting:{name}", args=["38563"])).status_code == 404


# --- query counts with two territories ------------------------------------------------------------


def test_the_network_dashboard_and_letters_pages_cost_a_fixed_number_of_queries_with_two_territories(
    two_networks, client, settings
):
    """Each territory's pages cost the same, pinned, number of queries (figures not cached)."""
    cast = two_networks
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    day = datetime.date(YEAR, 1, 1)
    issues = {}
    for territory in (cast.territory, cast.foreign_territory):
        letter = letters.letter_assemble(
            territory=territory, period_start=day, period_end=day, user=cast.admin, title="Lettre"
        )
        letter.sections.create(heading="À la une", body="Un texte")
        issues[territory.pk] = letters.letter_publish(letter=letter, user=cast.admin)
    counts = {}
    for user, territory in (
        (cast.admin, cast.territory),
        (cast.admin, cast.foreign_territory),
        (cast.metro_officer, cast.territory),
        (cast.foreign_officer, cast.foreign_territory),
    ):
        client.force_login(user)
        pages = {
            "dashboard": (reverse("reporting:network_dashboard"), {"territory": territory.slug}),
            "letters": (reverse("reporting:letters"), {"territory": territory.slug}),
            "letter": (reverse("reporting:letter", args=[issues[territory.pk].pk]), {}),
        }
        for name, (path, params) in pages.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path, params).status_code == 200
            counts[(user.pk == cast.admin.pk, name, territory.pk)] = len(queries)
    for name, pinned in PINNED_QUERIES.items():
        for is_admin in (True, False):
            found = {
                counts[(is_admin, name, territory.pk)]
                for territory in (cast.territory, cast.foreign_territory)
            }
            assert len(found) == 1, (name, is_admin, found)  # the same for both territories
            assert found.pop() <= pinned, (name, is_admin, counts)


# Session, user, roles, the territories offered, then the page's own reads.
PINNED_QUERIES = {"dashboard": 31, "letters": 7, "letter": 8}


def test_the_administrator_of_a_platform_without_territory_is_told_so(db, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("reporting:network_dashboard"))
    assert response.status_code == 200 and 'id="no-territory"' in response.content.decode()
    assert client.get(reverse("reporting:letters")).status_code == 200
