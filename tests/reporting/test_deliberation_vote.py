"""The adopted deliberation file is a snapshot of the vote: made at adoption or on a first request a year
later, it says the vote's day, the status the version had then and the meetings held before the vote. And
the draft text names the commune's own agglomeration, never Grenoble's for another one."""

import datetime
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from docx import Document

from actions.models import ActionPlan, ActionStatus, PlanStatus
from actions.services import plan_transition
from communes.models import Commune
from reporting import services
from reporting.documents import deliberation
from reporting.management.commands.bench_reporting import build_plan
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.factories import UserFactory
from tests.reporting.test_deliberation import html_words, normalise, pdf_text
from workgroups.models import Meeting

pytestmark = pytest.mark.django_db

VOTE = datetime.date(2025, 3, 12)


def _meeting(group, day: datetime.date) -> Meeting:
    return Meeting.objects.create(
        group=group, starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))
    )


@pytest.fixture(scope="module")
def voted_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """A plan of Meylan voted on 12 March 2025 with two meetings before the vote and three after, now in
    follow-up; made once for the module (the files frozen at adoption take seconds to print), undone
    after it. (The other tests' Meylan takes another INSEE code: this one stays for the whole module.)"""
    once = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("voted"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with once, django_db_blocker.unblock(), transaction.atomic():
        advisor = UserFactory(full_name="Claire Conseillère")
        with time_machine.travel(datetime.datetime(2025, 3, 14, 9, tzinfo=datetime.UTC), tick=False):
            plan = build_plan(
                actions=3, status=PlanStatus.VALIDATED, commune_name="Meylan", insee_code="38229"
            )
            group = plan.commune.working_group
            for day in (datetime.date(2024, 11, 5), datetime.date(2025, 2, 4)):
                _meeting(group, day)
            with TestCase.captureOnCommitCallbacks(execute=True):
                plan_transition(
                    plan=plan,
                    to_status=PlanStatus.DELIBERATED,
                    user=advisor,
                    deliberation_date=VOTE,
                    deliberation_number="2025-017",
                )
        for day in (datetime.date(2025, 4, 1), datetime.date(2025, 9, 9), datetime.date(2026, 1, 6)):
            _meeting(group, day)
        plan.refresh_from_db()
        plan_transition(plan=plan, to_status=PlanStatus.FOLLOW_UP, user=advisor)
        yield plan.pk, settings.MEDIA_ROOT
        transaction.set_rollback(True)


@pytest.fixture
def voted(voted_once, settings):
    """The voted plan, read afresh for each test (a test's changes to it are rolled back with it)."""
    plan_id, settings.MEDIA_ROOT = voted_once
    return ActionPlan.objects.get(pk=plan_id)


def _frozen(plan, kind=DocumentKind.DELIBERATION) -> GeneratedDocument:
    return GeneratedDocument.objects.get(plan=plan, kind=kind, is_frozen=True)


def test_the_file_frozen_at_adoption_says_the_vote_the_status_then_and_the_meetings_before(voted):
    frozen = _frozen(voted)

    assert frozen.status == DocumentStatus.DONE, frozen.error
    assert frozen.made_at_adoption
    text, _pages = pdf_text(frozen.file.read())
    assert "Dossier tel qu'adopté le 12 mars 2025" in text
    assert "Version 1 — Délibéré" in text
    assert "En suivi" not in text
    assert "s'était réuni 2 fois avant le vote" in text
    assert "s'est réuni 2 fois pour élaborer le présent plan" in text
    assert "Membres au jour du vote, le 12 mars 2025" in text


def test_the_frozen_file_downloads_the_same_a_year_later_and_a_new_rendering_reads_the_same(
    voted, client, cast
):
    frozen = _frozen(voted)
    stored = frozen.file.read()
    rendered_then = deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=voted.pk))
    with time_machine.travel(datetime.datetime(2027, 3, 20, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(cast.admin)
        download = client.get(reverse("reporting:document_download", args=[frozen.pk]))
        again = services.document_request(kind=DocumentKind.DELIBERATION, user=cast.admin, plan=voted)
        rendered_later = deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=voted.pk))

    assert b"".join(download.streaming_content) == stored
    assert download["Content-Disposition"] == (
        'attachment; filename="Plan-climat-Meylan-2024-2030-dossier-de-deliberation-adopte.pdf"'
    )
    assert again.pk == frozen.pk  # the frozen file is given back, not made again
    assert html_words(rendered_later) == html_words(rendered_then)
    assert "20 mars 2027" not in html_words(rendered_later)


def test_a_file_frozen_on_first_request_still_describes_the_vote_and_says_when_it_was_made(
    cast, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 6, 2, 10, tzinfo=datetime.UTC), tick=False):
        # adopted on 12 March 2024 in bulk, as the demo does: never frozen
        plan = build_plan(actions=2, status=PlanStatus.FOLLOW_UP, insee_code="38995", commune_name="Meylan")
        plan.actions.update(status=ActionStatus.DONE)  # the follow-up since the vote
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_request(kind=DocumentKind.DELIBERATION, user=cast.admin, plan=plan)
    document.refresh_from_db()
    client.force_login(cast.admin)

    page = client.get(reverse("reporting:document", args=[document.pk])).text

    assert document.is_frozen and not document.made_at_adoption
    assert "généré lorsque le conseil a adopté le plan" not in page
    assert "tel que le conseil l'a adopté le 12\u00a0mars\u00a02024" in page
    text, _pages = pdf_text(document.file.read())
    assert "Dossier tel qu'adopté le 12 mars 2024" in text
    assert "Version 1 — Délibéré" in text
    assert "Réalisé" not in text  # the actions' progress after the vote is not the vote's


def test_a_commune_of_another_agglomeration_gets_a_text_naming_its_own(cast):
    call_command(
        "import_communes", "--epci", "243800984", "--name", "Communauté d'agglomération du Pays Voironnais"
    )
    voiron = Commune.objects.get(insee_code="38563")
    assert voiron.epci.siren == "243800984"
    plan = build_plan(actions=2, commune_name="Voiron-test", insee_code="38999")
    plan.commune.epci = voiron.epci
    plan.commune.territory = voiron.territory  # the Pays Voironnais, its plan and its targets
    plan.commune.save()

    text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    assert "Plan Climat Local · Communauté d'agglomération du Pays Voironnais" in text
    assert "Grenoble" not in text
    assert "Considérant les objectifs" not in text  # the observatory knows no target of its plan
    assert "Vu la loi n° 2015-992" in text


def test_the_advisor_fills_in_the_council_blanks_and_they_go_into_the_text(
    cast, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    plan = build_plan(actions=2, insee_code="38995", commune_name="Meylan")
    client.force_login(cast.admin)
    prefix = f"plan-{plan.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:plan_document_request", args=[plan.pk, DocumentKind.DELIBERATION_DOCX]),
            {
                f"{prefix}-meeting_date": "2026-12-15",
                f"{prefix}-rapporteur": "Mme Claire Dubois",
                f"{prefix}-present": "24",
                f"{prefix}-in_office": "29",
            },
        )

    document = GeneratedDocument.objects.get(plan=plan)
    assert response.status_code == 302
    assert document.council == {
        "meeting_date": "2026-12-15",
        "rapporteur": "Mme Claire Dubois",
        "present": 24,
        "in_office": 29,
    }
    text = normalise("\n".join(p.text for p in Document(io.BytesIO(document.file.read())).paragraphs))
    assert "Séance du conseil municipal du 15 décembre 2026" in text
    assert "Sur le rapport de Mme Claire Dubois," in text
    assert "Présents : 24" in text
    assert "Représentés : ……" in text  # left empty: still a blank
    assert re.search(r"Pour : …+", text)


def test_the_signed_deliberation_comes_first_on_the_documents_page(voted, cast, client):
    voted.deliberation_file.save("signed.pdf", io.BytesIO(b"%PDF-1.4 signed"), save=True)
    draft = build_plan(actions=1, commune_name="Autre", insee_code="38998")
    draft.commune = voted.commune
    draft.version = 2
    draft.save()
    client.force_login(cast.admin)

    page = client.get(reverse("reporting:commune_documents", args=[voted.commune.insee_code])).text

    signed = page.index(f'id="signed-deliberation-{voted.pk}"')
    adopted = page.index("Dossier de délibération adopté (PDF)")
    drafts = page.index(f'id="plan-{draft.pk}"')
    assert signed < adopted < drafts


def test_a_file_made_twice_still_downloads_under_its_clean_name(
    cast, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    plan = build_plan(actions=1, insee_code="38995", commune_name="Meylan")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.document_request(kind=DocumentKind.DELIBERATION_DOCX, user=cast.admin, plan=plan)
        second = services.document_request(kind=DocumentKind.DELIBERATION_DOCX, user=cast.admin, plan=plan)
    second.refresh_from_db()
    client.force_login(cast.admin)

    response = client.get(reverse("reporting:document_download", args=[second.pk]))

    assert second.file.name != GeneratedDocument.objects.get(pk=first.pk).file.name  # the storage's suffix
    made_on = timezone.localdate(second.created_at)
    assert response["Content-Disposition"] == (
        f'attachment; filename="Plan-climat-Meylan-2024-2030-projet-de-deliberation-{made_on:%Y-%m-%d}.docx"'
    )


def test_council_details_that_do_not_add_up_generate_nothing_and_say_why(cast, client):
    plan = build_plan(actions=1, insee_code="38995", commune_name="Meylan")
    client.force_login(cast.admin)
    prefix = f"plan-{plan.pk}"

    response = client.post(
        reverse("reporting:plan_document_request", args=[plan.pk, DocumentKind.DELIBERATION]),
        {f"{prefix}-in_office": "29", f"{prefix}-present": "31"},
        follow=True,
    )

    assert not GeneratedDocument.objects.filter(plan=plan).exists()
    assert "Plus que les conseillers en exercice." in response.text
