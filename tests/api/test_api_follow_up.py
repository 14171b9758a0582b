"""The follow-up of an action through a token (PATCH /api/v1/actions/{id}/follow-up): saved as the
follow-up page saves it (one revision, one history entry, the note kept), under the same permission, and
nothing saved on a refusal."""

from decimal import Decimal

import pytest
from django.test import Client

from actions.models import Action, BudgetKind, BudgetLine, FollowUpNote, HistoryEntry
from tests.actions.helpers import adopt
from tests.api.conftest import API
from tests.workgroups.helpers import tr

pytestmark = pytest.mark.django_db

EDITORS = ["admin", "advisor", "referent", "staff_owner"]
REFUSED = [
    ("staff", 403),
    ("elected", 403),
    ("metro_officer", 403),
    ("outsider", 404),
    ("foreign_officer", 404),
    ("foreign_advisor", 404),
]


def url(action) -> str:
    return f"{API}/actions/{action.pk}/follow-up"


def patch(client: Client, action, body: dict):
    return client.patch(url(action), body, content_type="application/json")


def unchanged(action):
    action.refresh_from_db()
    return (
        action.revision == 1
        and action.progress == 0
        and not HistoryEntry.objects.filter(action=action).exists()
        and not FollowUpNote.objects.filter(action=action).exists()
        and not BudgetLine.objects.filter(action=action).exists()
    )


@pytest.mark.parametrize("role", EDITORS)
def test_editors_save_status_progress_spending_and_a_note(as_token, scene, role):
    action = scene.action
    response = patch(
        as_token(role),
        action,
        {
            "revision": 1,
            "status": "in_progress",
            "progress": 45,
            "year": 2025,
            "spending": {"investment": "1250.50"},
            "note": "Devis signé, chantier en juillet.",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["progress"], body["revision"]) == ("in_progress", 45, 2)
    action.refresh_from_db()
    assert (action.status, action.progress, action.revision, action.updated_by) == (
        "in_progress",
        45,
        2,
        scene.user(role),
    )
    line = BudgetLine.objects.get(action=action)
    assert (line.year, line.kind, line.actual, line.forecast) == (
        2025,
        BudgetKind.INVESTMENT,
        Decimal("1250.50"),
        0,
    )
    assert FollowUpNote.objects.get(action=action).text == "Devis signé, chantier en juillet."
    entry = HistoryEntry.objects.get(action=action)
    assert (entry.user, entry.revision) == (scene.user(role), 2)
    assert {change["after"] for change in entry.changes} >= {"45", "Devis signé, chantier en juillet."}
    assert [line["actual"] for line in body["budget_lines"]] == [1250.5]


def test_what_is_left_out_stays_as_it_is(as_token, scene):
    action = scene.action
    BudgetLine.objects.create(action=action, year=2025, kind=BudgetKind.OPERATING, forecast=500, actual=300)
    response = patch(
        as_token("advisor"), action, {"revision": 1, "progress": 10, "year": 2025, "spending": {}}
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.progress) == ("planned", 10)
    assert BudgetLine.objects.get(action=action).actual == 300
    # null clears the year's spending of that kind
    assert (
        patch(
            as_token("advisor"), action, {"revision": 2, "year": 2025, "spending": {"operating": None}}
        ).status_code
        == 200
    )
    assert BudgetLine.objects.get(action=action).actual is None


@pytest.mark.parametrize("role, status", REFUSED)
def test_others_are_refused_as_on_the_pages_and_nothing_is_saved(as_token, scene, role, status):
    response = patch(as_token(role), scene.action, {"revision": 1, "progress": 90, "note": "Piraté"})
    assert response.status_code == status
    assert response.json()["detail"]
    assert unchanged(scene.action)


def test_a_reader_of_the_published_plan_without_a_role_gets_403(as_token, scene):
    """Who reads the action only because it is published sees it, so may learn that they cannot edit it."""
    adopt(scene.plan)
    scene.plan.published_at = scene.plan.updated_at
    scene.plan.save()
    assert patch(as_token("outsider"), scene.action, {"revision": 1, "progress": 90}).status_code == 403
    assert unchanged(scene.action)


def test_writing_needs_a_token(scene):
    response = patch(Client(), scene.action, {"revision": 1, "progress": 90})
    assert response.status_code == 401
    assert response.json()["detail"] == tr(
        "This operation needs a personal token: Authorization: Bearer <token>."
    )
    assert unchanged(scene.action)


def test_a_stale_revision_is_refused_with_409_and_nothing_saved(as_token, scene):
    client = as_token("advisor")
    assert patch(client, scene.action, {"revision": 1, "progress": 10}).status_code == 200
    response = patch(client, scene.action, {"revision": 1, "progress": 80, "note": "Trop tard"})
    assert response.status_code == 409
    assert response.json()["current_revision"] == 2
    assert response.json()["detail"] == tr(
        "Someone saved this action since revision %(revision)d: read it again, then retry. "
        "Nothing was saved.",
        revision=1,
    )
    action = Action.objects.get(pk=scene.action.pk)
    assert (action.progress, action.revision) == (10, 2)
    assert not FollowUpNote.objects.filter(action=action).exists()


@pytest.mark.parametrize(
    "body, location",
    [
        ({"revision": 1, "progress": 150}, ["body", "follow_up", "progress"]),
        ({"revision": 1, "status": "finished"}, ["body", "follow_up", "status"]),
        ({"revision": 1, "spending": {"investment": "-5"}}, ["body", "follow_up", "spending", "investment"]),
        ({"progress": 20}, ["body", "follow_up", "revision"]),
    ],
)
def test_an_invalid_value_is_refused_with_422_naming_its_field(as_token, scene, body, location):
    response = patch(as_token("advisor"), scene.action, body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [error["loc"] for error in errors] == [location]
    assert errors[0]["msg"]
    assert unchanged(scene.action)


def test_a_value_the_service_refuses_is_422_by_field_and_nothing_is_saved(as_token, scene):
    """Spending of a year outside the plan period: the service's own rule, reported on its field."""
    response = patch(
        as_token("advisor"),
        scene.action,
        {"revision": 1, "progress": 60, "year": 2040, "spending": {"operating": "100"}, "note": "Note"},
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "follow_up", "spending", "operating"] and "2040" in error["msg"]
    assert unchanged(scene.action)
