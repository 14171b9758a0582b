"""The network's yearly report shows each person the detail (plan titles, deliberation numbers,
actions, awareness comments) of the communes they may read only, and counts the others, as the network
dashboard does; a report made for one scope is never served to a person with another."""

import pytest
from django.urls import reverse

from actions.models import AwarenessReport
from communes import permissions
from reporting.documents import yearly
from reporting.models import DocumentKind, GeneratedDocument
from tests.reporting.test_yearly import YEAR, commune_year, pdf_of

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Plan secret pour Échirolles"  # no apostrophe: the PDF typesets it as ’
SECRET_NUMBER = "ECH-2025-777"
SECRET_ACTION = "Échirolles — Rénover le groupe scolaire Langevin"
SECRET_COMMENT = "Commentaire réservé à Échirolles"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def network(cast):
    """cast.commune (cast.advisor's) and cast.other_commune (the outsider's), each with a year of life;
    the other commune's plan, deliberation, completed action and comment are recognisable."""
    commune_year(cast.commune)
    other = commune_year(cast.other_commune, prefix="Échirolles — ")
    other.title, other.deliberation_number = SECRET_TITLE, SECRET_NUMBER
    other.save()
    AwarenessReport.objects.filter(action__plan=other, comment__gt="").update(comment=SECRET_COMMENT)
    return other


def request_report(client, django_capture_on_commit_callbacks) -> GeneratedDocument:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:network_report_request"),
            {"year": YEAR, "territory": "grenoble-alpes-metropole"},
        )
    assert response.status_code == 302
    return GeneratedDocument.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def downloaded_text(client, document) -> str:
    response = client.get(reverse("reporting:document_download", args=[document.pk]))
    assert response.status_code == 200
    return pdf_of(document)[0]


def test_an_advisor_reads_the_detail_of_their_communes_only_and_counts_for_the_others(
    cast, login, network, django_capture_on_commit_callbacks
):
    client = login(cast.advisor)

    document = request_report(client, django_capture_on_commit_callbacks)
    text = downloaded_text(client, document)

    assert document.detail_communes == [cast.commune.pk]
    assert "Plan climat 2024-2030" in text and "2025-031" in text  # their commune, in detail
    assert "Rénover le groupe scolaire Langevin" in text and "Très bon accueil des enseignants" in text
    for secret in (SECRET_TITLE, SECRET_NUMBER, SECRET_ACTION, SECRET_COMMENT):
        assert secret not in text, secret
    assert "Échirolles" in text  # still counted, as on the dashboard
    assert "1 plan délibéré dans une commune que vous ne suivez pas : compté, non détaillé." in text
    assert "480" in text  # people reached in both communes: the totals stay the network's


def test_a_platform_administrator_reads_every_communes_detail(
    cast, login, network, django_capture_on_commit_callbacks
):
    client = login(cast.admin)

    document = request_report(client, django_capture_on_commit_callbacks)
    text = downloaded_text(client, document)

    assert document.detail_communes is None
    for secret in (SECRET_TITLE, SECRET_NUMBER, SECRET_ACTION, SECRET_COMMENT):
        assert secret in text, secret
    assert "ne suivez pas" not in text


def test_a_report_made_for_one_scope_is_never_served_to_another(cast, login, network):
    def made_for(user):
        return GeneratedDocument.objects.create(
            kind=DocumentKind.NETWORK_REPORT,
            territory=cast.territory,
            year=YEAR,
            requested_by=user,
            detail_communes=permissions.network_detail_commune_ids(user, cast.territory.pk),
            file="reporting/network_report/r.pdf",
            status="done",
        )

    full, mine, theirs = made_for(cast.admin), made_for(cast.advisor), made_for(cast.outsider)
    for user, readable in (
        (cast.advisor, {mine}),
        (cast.outsider, {theirs}),
        (cast.admin, {full, mine, theirs}),
        (cast.metro_officer, {full, mine, theirs}),
    ):
        client = login(user)
        listed = set(client.get(reverse("reporting:documents")).context["page"].object_list)
        assert listed == readable, user
        for document in (full, mine, theirs):
            status = client.get(reverse("reporting:document", args=[document.pk])).status_code
            assert status == (200 if document in readable else 404), (user, document.detail_communes)


def test_the_report_lists_the_readable_communes_and_counts_the_others(cast, network):
    context = yearly.network_report_context(
        territory=cast.territory, year=YEAR, detail_commune_ids=[cast.commune.pk]
    )

    detail = context["detail"]
    assert detail.is_partial
    assert [plan.commune for plan in detail.deliberations] == [cast.commune]
    assert detail.hidden_deliberations == 1 and len(context["deliberations"]) == 2
    assert {action.plan.commune for action in detail.completed + detail.late} == {cast.commune}
    assert (detail.hidden_completed, detail.hidden_late) == (1, 1)
    assert {report.action.plan.commune for report in detail.awareness} == {cast.commune}
    assert detail.hidden_awareness == (1, 6, 240)
    whole = yearly.network_report_context(territory=cast.territory, year=YEAR)["detail"]
    assert not whole.is_partial and len(whole.deliberations) == 2 and whole.hidden_awareness == (0, 0, 0)
