"""Decisions of a meeting are edited and removed like the rest, and the meeting's history shows it."""

import pytest

from tests.workgroups.helpers import new_action, tr
from tests.workgroups.view_helpers import DECISION_TEXT, scene_decision, url_of
from workgroups.models import Decision, MeetingHistoryEntry

pytestmark = pytest.mark.django_db


def test_the_meeting_page_offers_editors_to_edit_and_remove_each_decision(login, scene, cast):
    decision = scene_decision(scene)
    html = login(cast.referent).get(url_of("meeting", scene, cast)).content.decode()
    assert url_of("decision_edit", scene, cast) in html and url_of("decision_delete", scene, cast) in html
    assert f"/decisions/{decision.pk}/" in html


@pytest.mark.parametrize("role", ["metro_officer"])
def test_readers_of_the_meeting_see_no_edit_link(login, scene, cast, role):
    scene_decision(scene)
    html = login(getattr(cast, role)).get(url_of("meeting", scene, cast)).content.decode()
    assert DECISION_TEXT in html.replace("&#x27;", "'")
    assert url_of("decision_edit", scene, cast) not in html


def test_the_removal_asks_for_a_confirmation_first(login, scene, cast):
    client = login(cast.advisor)
    response = client.get(url_of("decision_delete", scene, cast))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert Decision.objects.filter(text=DECISION_TEXT).exists()


def test_the_meeting_page_shows_the_history_of_its_decisions(login, scene, cast):
    client = login(cast.advisor)
    client.post(url_of("decision_add", scene, cast), {"text": "Lancer l'appel d'offres."})
    decision = Decision.objects.get(text="Lancer l'appel d'offres.")
    client.post(f"/decisions/{decision.pk}/edit/", {"text": "Lancer l'appel d'offres en mai."})
    client.post(f"/decisions/{decision.pk}/delete/")
    summaries = list(MeetingHistoryEntry.objects.values_list("summary", flat=True))
    assert summaries == [
        tr("Decision removed: %(text)s", text="Lancer l'appel d'offres en mai."),
        tr("Decision edited"),
        tr("Decision recorded: %(text)s", text="Lancer l'appel d'offres."),
    ]
    response = client.get(url_of("meeting", scene, cast))
    history = response.context["meeting"].history.all()
    assert [entry.user for entry in history] == [cast.advisor] * 3
    html = response.content.decode().replace("&#x27;", "'")
    assert 'id="meeting-history"' in html
    assert "Lancer l'appel d'offres en mai." in html  # the removed text, kept in the history
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_an_edit_without_text_is_refused_and_changes_nothing(login, scene, cast):
    decision = scene_decision(scene)
    response = login(cast.advisor).post(url_of("decision_edit", scene, cast), {"text": ""})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    decision.refresh_from_db()
    assert decision.text == DECISION_TEXT
    assert not MeetingHistoryEntry.objects.exists()


def test_a_decision_page_of_another_commune_is_not_found(login, scene, cast):
    url = url_of("decision_edit", scene, cast)
    assert login(cast.outsider).get(url).status_code == 404


@pytest.mark.parametrize("name", ["decision_edit", "decision_delete"])
def test_the_decision_pages_cost_a_bounded_number_of_queries(
    login, scene, cast, name, django_assert_max_num_queries
):
    for number in range(5):  # choices of the actions concerned: one query whatever their number
        new_action(cast.commune, cast.advisor, f"Action {number}")
    url = url_of(name, scene, cast)
    client = login(cast.advisor)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
