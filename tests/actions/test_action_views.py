"""Action views through the permission matrix: creation, deletion, edits, schedule and budget,
notes, awareness."""

import datetime
from decimal import Decimal

import pytest

from actions.models import (
    Action,
    ActionStatus,
    AwarenessReport,
    BudgetLine,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
    Theme,
)
from tests.actions.factories import (
    ActionFactory,
    CoFunderFactory,
    MilestoneFactory,
)
from tests.actions.helpers import (
    ACTION_EDITORS,
    ACTION_REFUSED,
    PLAN_EDITORS,
    PLAN_REFUSED,
    action_data,
    adopt,
    messages_of,
    new_action_data,
    planning_data,
    url,
)

pytestmark = pytest.mark.django_db


# --- action creation and deletion ---------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_add_an_action(as_role, scene, role):
    client = as_role(role)
    assert client.get(url("action_create", scene.plan.pk)).status_code == 200
    response = client.post(url("action_create", scene.plan.pk), new_action_data(owner=scene.owner.pk))
    action = Action.objects.get(title="Installer des panneaux photovoltaïques sur le gymnase")
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert (action.plan, action.owner, action.owner_name, action.theme) == (
        scene.plan,
        scene.owner,
        "Services techniques",
        Theme.objects.order_by("pk").last(),
    )
    assert (action.start_date, action.end_date) == (datetime.date(2025, 3, 1), datetime.date(2025, 11, 30))
    assert (action.tco2e_avoided, action.mwh_renewable, action.mwh_saved) == (
        Decimal("1.5"),
        Decimal("45"),
        None,
    )
    assert action.order > scene.action.order
    assert (action.revision, action.updated_by) == (1, scene.user(role))
    assert HistoryEntry.objects.get(action=action).user == scene.user(role)


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_add_an_action(as_role, scene, role, status):
    client = as_role(role)
    assert client.get(url("action_create", scene.plan.pk)).status_code == status
    assert client.post(url("action_create", scene.plan.pk), new_action_data()).status_code == status
    assert list(Action.objects.values_list("pk", flat=True)) == [scene.action.pk]


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_delete_an_action_and_the_plan_history_keeps_it(as_role, scene, role):
    response = as_role(role).post(url("action_delete", scene.action.pk))
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert not Action.objects.exists()
    entry = HistoryEntry.objects.get(plan=scene.plan)
    assert "Rénover le groupe scolaire Langevin" in entry.summary
    assert entry.user == scene.user(role)


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_delete_an_action(as_role, scene, role, status):
    assert as_role(role).post(url("action_delete", scene.action.pk)).status_code == status
    assert Action.objects.filter(pk=scene.action.pk).exists()


def test_an_action_of_an_adopted_plan_cannot_be_deleted(as_role, scene):
    adopt(scene.plan)
    response = as_role("advisor").post(url("action_delete", scene.action.pk))
    assert response.status_code == 302 and response.url == url("action", scene.action.pk)
    assert Action.objects.filter(pk=scene.action.pk).exists()
    assert messages_of(response)


def test_no_action_is_added_to_an_adopted_plan(as_role, scene):
    adopt(scene.plan)
    response = as_role("advisor").post(url("action_create", scene.plan.pk), new_action_data())
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert Action.objects.count() == 1


# --- action edit, planning, notes and awareness: plan editors and the staff owner ---------------


@pytest.mark.parametrize("role", ACTION_EDITORS)
def test_plan_editors_and_the_staff_owner_edit_the_action(as_role, scene, role):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_edit", action.pk)).status_code == 200
    response = client.post(
        url("action_edit", action.pk),
        action_data(action, title="Rénover et isoler le groupe scolaire", status="in_progress", progress=40),
    )
    assert response.status_code == 302 and response.url == url("action", action.pk)
    action.refresh_from_db()
    assert (action.title, action.status, action.progress) == (
        "Rénover et isoler le groupe scolaire",
        ActionStatus.IN_PROGRESS,
        40,
    )
    assert (action.revision, action.updated_by) == (2, scene.user(role))
    entry = HistoryEntry.objects.get(action=action)
    assert entry.revision == 2
    assert {change["after"] for change in entry.changes} >= {"Rénover et isoler le groupe scolaire", "40"}


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_edit_the_action(as_role, scene, role, status):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_edit", action.pk)).status_code == status
    response = client.post(url("action_edit", action.pk), action_data(action, title="Piraté", progress=90))
    assert response.status_code == status
    action.refresh_from_db()
    assert (action.title, action.progress, action.revision) == ("Rénover le groupe scolaire Langevin", 0, 1)


def test_a_staff_member_edits_only_the_actions_they_are_responsible_for(as_role, scene):
    other = ActionFactory(plan=scene.plan, owner=scene.cast.staff)
    client = as_role("staff_owner")
    assert client.get(url("action_edit", other.pk)).status_code == 403
    assert client.get(url("action_planning", other.pk)).status_code == 403


@pytest.mark.parametrize("role", ACTION_EDITORS)
def test_plan_editors_and_the_staff_owner_plan_milestones_and_cofunding(as_role, scene, role):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_planning", action.pk)).status_code == 200
    response = client.post(
        url("action_planning", action.pk),
        planning_data(
            action,
            milestones=[{"name": "Choix du maître d'œuvre", "due_date": "2025-04-30", "done_on": ""}],
            cofunders=[{"name": "Fonds vert", "amount": "45000", "status": "requested"}],
        ),
    )
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert list(action.milestones.values_list("name", "due_date")) == [
        ("Choix du maître d'œuvre", datetime.date(2025, 4, 30))
    ]
    assert list(action.cofunders.values_list("name", "amount", "status")) == [
        ("Fonds vert", Decimal("45000"), "requested")
    ]
    action.refresh_from_db()
    assert (action.revision, action.updated_by) == (2, scene.user(role))
    assert HistoryEntry.objects.get(action=action).revision == 2


def test_planning_updates_and_deletes_existing_rows(as_role, scene):
    action = scene.action
    milestone = MilestoneFactory(action=action, name="Études", due_date=datetime.date(2025, 3, 1))
    cofunder = CoFunderFactory(action=action, name="Région")
    data = planning_data(
        action,
        milestones=[
            {"id": milestone.pk, "name": "Études", "due_date": "2025-03-01", "done_on": "2025-02-27"}
        ],
        cofunders=[
            {"id": cofunder.pk, "name": "Région", "amount": "5000", "status": "granted", "DELETE": "on"}
        ],
    )
    response = as_role("referent").post(url("action_planning", action.pk), data)
    assert response.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).done_on == datetime.date(2025, 2, 27)
    assert not CoFunder.objects.exists()


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_plan_the_action(as_role, scene, role, status):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_planning", action.pk)).status_code == status
    data = planning_data(
        action,
        milestones=[{"name": "Études", "due_date": "2025-04-30"}],
        cofunders=[{"name": "Fonds vert", "amount": "45000", "status": "requested"}],
    )
    assert client.post(url("action_planning", action.pk), data).status_code == status
    assert not (Milestone.objects.exists() or BudgetLine.objects.exists() or CoFunder.objects.exists())
    assert Action.objects.get(pk=action.pk).revision == 1


@pytest.mark.parametrize("role", ACTION_EDITORS)
def test_plan_editors_and_the_staff_owner_add_follow_up_notes(as_role, scene, role):
    response = as_role(role).post(url("action_note_add", scene.action.pk), {"text": "  Marché attribué.  "})
    assert response.status_code == 302 and response.url == url("action", scene.action.pk)
    note = FollowUpNote.objects.get(action=scene.action)
    assert (note.text, note.author) == ("Marché attribué.", scene.user(role))
    assert Action.objects.get(pk=scene.action.pk).revision == 2


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_add_notes(as_role, scene, role, status):
    response = as_role(role).post(url("action_note_add", scene.action.pk), {"text": "Marché attribué."})
    assert response.status_code == status
    assert not FollowUpNote.objects.exists()


def awareness_data(**overrides):
    return {
        "date": "2025-10-10",
        "events_held": "3",
        "people_reached": "120",
        "audiences": "Parents d'élèves, agents",
        "comment": "Fête de l'énergie",
        **overrides,
    }


@pytest.mark.parametrize("role", ACTION_EDITORS)
def test_plan_editors_and_the_staff_owner_record_awareness_events(as_role, scene, role):
    response = as_role(role).post(url("action_awareness_add", scene.action.pk), awareness_data())
    assert response.status_code == 302
    report = AwarenessReport.objects.get(action=scene.action)
    assert (report.date, report.events_held, report.people_reached) == (datetime.date(2025, 10, 10), 3, 120)
    assert Action.objects.get(pk=scene.action.pk).updated_by == scene.user(role)


def test_the_history_counts_awareness_events_and_people_as_figures(as_role, scene):
    as_role("referent").post(
        url("action_awareness_add", scene.action.pk), awareness_data(events_held="1", people_reached="1500")
    )
    page = as_role("referent").get(url("action", scene.action.pk)).content.decode()
    added = (
        "Suivi de sensibilisation ajouté (événements organisés\u00a0: 1\u00a0; "
        "personnes touchées\u00a0: 1\u202f500)"
    )
    assert added in page.replace("&nbsp;", "\u00a0")


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_record_awareness_events(as_role, scene, role, status):
    response = as_role(role).post(url("action_awareness_add", scene.action.pk), awareness_data())
    assert response.status_code == status
    assert not AwarenessReport.objects.exists()


@pytest.mark.parametrize(
    "name, method",
    [
        ("action_edit", "get"),
        ("action_planning", "get"),
        ("action_note_add", "post"),
        ("action_awareness_add", "post"),
        ("action_delete", "post"),
    ],
)
def test_post_only_and_form_views_are_404_on_unknown_actions(as_role, scene, name, method):
    assert getattr(as_role("admin"), method)(url(name, 999999)).status_code == 404


def test_the_follow_up_of_an_adopted_plan_goes_on_after_the_owner_left_the_commune(as_role, scene):
    # The frozen (disabled) owner field must not be validated against the current members.
    adopt(scene.plan)
    scene.owner.memberships.filter(commune=scene.cast.commune).delete()
    action = scene.action
    response = as_role("referent").post(
        url("action_edit", action.pk), action_data(action, status="in_progress", progress=30)
    )
    assert response.status_code == 302, response.context["form"].errors
    action.refresh_from_db()
    assert (action.status, action.progress, action.owner) == ("in_progress", 30, scene.owner)
