"""Every actions view through the permission matrix, and the data each one stores or shows."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import urls as action_urls
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
    Origin,
    PlanAxis,
    PlanStatus,
    PlanTransition,
    Theme,
)
from communes.models import Commune, Role, Stage
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    PlanAxisFactory,
    adopted_plan,
    build_scene,
)
from tests.factories import CommuneFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COUNCIL_DAY = datetime.date(2024, 6, 20)

MEMBERS = ["advisor", "referent", "staff_owner", "staff", "elected"]
READERS = ["admin", "metro_officer", *MEMBERS]
PLAN_EDITORS = ["admin", "advisor", "referent"]
PLAN_REFUSED = [
    ("staff_owner", 403),
    ("staff", 403),
    ("elected", 403),
    ("metro_officer", 403),
    ("outsider", 404),
]
CLOSERS = ["admin", "advisor"]
CLOSE_REFUSED = [("referent", 403), *PLAN_REFUSED]
ACTION_EDITORS = ["admin", "advisor", "referent", "staff_owner"]
ACTION_REFUSED = [("staff", 403), ("elected", 403), ("metro_officer", 403), ("outsider", 404)]
CATALOGUE_MANAGERS = ["admin", "advisor", "outsider"]  # the outsider advises another commune
CATALOGUE_REFUSED = ["referent", "staff", "elected", "metro_officer"]


@pytest.fixture
def scene(cast):
    return build_scene(cast)


@pytest.fixture
def as_role(login, scene):
    return lambda role: login(scene.user(role))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def adopt(plan, status=PlanStatus.FOLLOW_UP):
    plan.status = status
    plan.deliberation_date = COUNCIL_DAY
    plan.deliberation_number = "2024-031"
    plan.save()
    return plan


def url(name, *args):
    return reverse(f"actions:{name}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def form_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


ACTION_FORM_FIELDS = [
    "title",
    "description",
    "theme",
    "axis",
    "origin",
    "owner",
    "owner_name",
    "elected_referent",
    "partners",
    "start_date",
    "end_date",
    "mwh_saved",
    "tco2e_avoided",
    "mwh_renewable",
    "status",
    "progress",
    "late_override_reason",
    "achieved_mwh_saved",
    "achieved_tco2e_avoided",
    "achieved_mwh_renewable",
]


def action_data(action, **overrides):
    """What the edit form of `action` posts when nothing is changed, with `overrides` applied."""
    data = {"revision": str(action.revision)}
    for name in ACTION_FORM_FIELDS:
        field = Action._meta.get_field(name)
        data[name] = form_value(getattr(action, field.attname))
    return {**data, **{name: form_value(value) for name, value in overrides.items()}}


def new_action_data(**overrides):
    data = {
        "title": "Installer des panneaux photovoltaïques sur le gymnase",
        "description": "Toiture du gymnase Paul-Bert, 250 m².",
        "theme": Theme.objects.order_by("pk").last().pk,
        "axis": "",
        "origin": Origin.NEW,
        "owner": "",
        "owner_name": "Services techniques",
        "elected_referent": "Adjointe à la transition écologique",
        "partners": "ALEC, Enercoop",
        "start_date": "2025-03-01",
        "end_date": "2025-11-30",
        "status": ActionStatus.PLANNED,
        "progress": "0",
        "mwh_saved": "",
        "tco2e_avoided": "1.5",
        "mwh_renewable": "45",
    }
    return {**data, **overrides}


def planning_data(action, milestones=(), budget=(), cofunders=(), revision=None):
    """POST data of the schedule-and-budget page: rows with an "id" are existing ones and come first."""
    data = {"revision": str(action.revision if revision is None else revision)}
    for prefix, rows in (("milestones", milestones), ("budget", budget), ("cofunders", cofunders)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for row in rows if row.get("id")))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = form_value(value)
    return data


def catalogue_data(**overrides):
    data = {
        "title": "Végétaliser les cours d'écoles",
        "description": "Désimperméabiliser et planter les cours d'écoles (îlots de fraîcheur).",
        "theme": Theme.objects.order_by("pk").first().pk,
        "target": "assets",
        "cost_min": "20000",
        "cost_max": "150000",
        "mwh_saved": "",
        "tco2e_avoided": "",
        "mwh_renewable": "",
        "difficulty": "2",
        "duration_months": "12",
        "indicators": "Surface désimperméabilisée (m²)\nNombre d'arbres plantés",
        "sources": "ADEME, Plus fraîche ma ville",
        "is_active": "on",
    }
    return {**data, **overrides}


def unused_catalogue_entry():
    return CatalogueAction.objects.filter(actions__isnull=True).order_by("pk").first()


# --- anonymous visitors are sent to the login page everywhere ------------------------------------


def _plan(scene):
    return [scene.plan.pk]


def _action(scene):
    return [scene.action.pk]


def _entry(scene):
    return [CatalogueAction.objects.order_by("pk").first().pk]


ANONYMOUS_CASES = [
    ("plan_create", lambda s: [s.cast.commune.insee_code], "get"),
    ("plan", _plan, "get"),
    ("plan_edit", _plan, "get"),
    ("plan_transition", lambda s: [s.plan.pk, "submitted"], "post"),
    ("plan_deliberation_file", _plan, "get"),
    ("plan_new_version", _plan, "post"),
    ("plan_axes", _plan, "get"),
    ("axis_delete", lambda s: [s.plan.pk, PlanAxisFactory(plan=s.plan).pk], "post"),
    ("plan_schedule", _plan, "get"),
    ("plan_budget", _plan, "get"),
    ("plan_history", _plan, "get"),
    ("plan_export", lambda s: [s.plan.pk, "csv"], "get"),
    ("action_create", _plan, "post"),
    ("action", _action, "get"),
    ("action_edit", _action, "post"),
    ("action_planning", _action, "post"),
    ("action_note_add", _action, "post"),
    ("action_awareness_add", _action, "post"),
    ("action_delete", _action, "post"),
    ("catalogue", lambda s: [], "get"),
    ("catalogue_create", lambda s: [], "post"),
    ("catalogue_detail", _entry, "get"),
    ("catalogue_edit", _entry, "post"),
    ("catalogue_delete", _entry, "post"),
    ("catalogue_add_to_plan", _entry, "post"),
]


def test_the_anonymous_matrix_covers_every_url_of_the_app():
    assert {case[0] for case in ANONYMOUS_CASES} == {pattern.name for pattern in action_urls.urlpatterns}


@pytest.mark.parametrize("name, args, method", ANONYMOUS_CASES, ids=[case[0] for case in ANONYMOUS_CASES])
def test_anonymous_visitors_are_sent_to_login_and_change_nothing(client, scene, name, args, method):
    actions_before, plans_before = Action.objects.count(), ActionPlan.objects.count()
    entries_before = CatalogueAction.objects.count()
    response = getattr(client, method)(url(name, *args(scene)))
    assert_login_redirect(response)
    assert (Action.objects.count(), ActionPlan.objects.count(), CatalogueAction.objects.count()) == (
        actions_before,
        plans_before,
        entries_before,
    )
    assert not PlanTransition.objects.exists()


# --- reading: every member of the commune, the Métro officer and the administrator ---------------

READ_PAGES = [
    ("plan", _plan),
    ("plan_schedule", _plan),
    ("plan_budget", _plan),
    ("plan_axes", _plan),
    ("plan_history", _plan),
    ("plan_export", lambda s: [s.plan.pk, "csv"]),
    ("plan_export", lambda s: [s.plan.pk, "xlsx"]),
    ("action", _action),
]
READ_IDS = ["plan", "schedule", "budget", "axes", "history", "csv", "xlsx", "action"]


@pytest.mark.parametrize("name, args", READ_PAGES, ids=READ_IDS)
@pytest.mark.parametrize("role", READERS)
def test_members_and_network_roles_read_every_plan_page(as_role, scene, role, name, args):
    response = as_role(role).get(url(name, *args(scene)))
    assert response.status_code == 200


@pytest.mark.parametrize("name, args", READ_PAGES, ids=READ_IDS)
def test_outsiders_get_404_on_every_plan_page(as_role, scene, name, args):
    assert as_role("outsider").get(url(name, *args(scene))).status_code == 404


def test_an_unknown_export_format_is_404(as_role, scene):
    assert as_role("advisor").get(url("plan_export", scene.plan.pk, "pdf")).status_code == 404


def test_plan_page_lists_the_actions_with_their_budget_and_offers_edits_only_to_editors(as_role, scene):
    BudgetLineFactory(action=scene.action, year=2025, forecast=Decimal("120000"))
    ActionFactory(plan=scene.plan, title="Créer un réseau de chaleur bois", owner_name="SIEG")
    response = as_role("elected").get(url("plan", scene.plan.pk))
    content = response.content.decode()
    assert [action.title for action in response.context["page"].actions] == [
        "Rénover le groupe scolaire Langevin",
        "Créer un réseau de chaleur bois",
    ]
    assert response.context["page"].totals["forecast"] == Decimal("120000")
    assert "Théo Titulaire" in content and "SIEG" in content
    assert url("action_create", scene.plan.pk) not in content
    assert url("plan_edit", scene.plan.pk) not in content
    editor_page = as_role("referent").get(url("plan", scene.plan.pk)).content.decode()
    assert url("action_create", scene.plan.pk) in editor_page
    assert url("plan_transition", scene.plan.pk, "submitted") in editor_page


def test_plan_page_offers_closing_only_to_advisors(as_role, scene):
    adopt(scene.plan)
    closing = url("plan_transition", scene.plan.pk, "closed")
    assert closing in as_role("advisor").get(url("plan", scene.plan.pk)).content.decode()
    assert closing not in as_role("referent").get(url("plan", scene.plan.pk)).content.decode()


def test_action_page_shows_the_edit_links_to_the_staff_owner_but_not_to_other_staff(as_role, scene):
    edit = url("action_edit", scene.action.pk)
    assert edit in as_role("staff_owner").get(url("action", scene.action.pk)).content.decode()
    assert edit not in as_role("staff").get(url("action", scene.action.pk)).content.decode()


def test_action_page_shows_schedule_budget_cofunders_notes_and_history(as_role, scene):
    action = scene.action
    MilestoneFactory(action=action, name="Choix du maître d'œuvre", due_date=datetime.date(2025, 4, 30))
    BudgetLineFactory(action=action, year=2025, forecast=Decimal("80000"), actual=Decimal("75000"))
    CoFunderFactory(action=action, name="Fonds vert", amount=Decimal("30000"))
    FollowUpNote.objects.create(action=action, author=scene.owner, date=COUNCIL_DAY, text="Marché attribué")
    response = as_role("metro_officer").get(url("action", action.pk))
    content = response.content.decode()
    assert "Choix du maître d" in content
    assert "Fonds vert" in content
    assert "Marché attribué" in content
    assert response.context["action"].forecast_total == Decimal("80000")
    assert response.context["action"].actual_total == Decimal("75000")


# --- the signed deliberation: downloaded by readers, attached by plan editors --------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_download_the_signed_deliberation(as_role, scene, media, role):
    adopt(scene.plan)
    scene.plan.deliberation_file = SimpleUploadedFile("deliberation.pdf", PDF)
    scene.plan.save()
    response = as_role(role).get(url("plan_deliberation_file", scene.plan.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "deliberation-38421-v1.pdf" in response["Content-Disposition"]


def test_outsiders_get_404_on_the_signed_deliberation(as_role, scene, media):
    adopt(scene.plan)
    scene.plan.deliberation_file = SimpleUploadedFile("deliberation.pdf", PDF)
    scene.plan.save()
    assert as_role("outsider").get(url("plan_deliberation_file", scene.plan.pk)).status_code == 404


def test_a_plan_without_signed_deliberation_has_nothing_to_download(as_role, scene):
    adopt(scene.plan)
    assert as_role("advisor").get(url("plan_deliberation_file", scene.plan.pk)).status_code == 404


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_attach_the_signed_deliberation_after_the_vote(as_role, scene, media, role):
    adopt(scene.plan)
    response = as_role(role).post(
        url("plan_deliberation_file", scene.plan.pk),
        {"deliberation_file": SimpleUploadedFile("delib.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    scene.plan.refresh_from_db()
    assert scene.plan.deliberation_file.name.startswith("deliberations/38421/v1-")
    with scene.plan.deliberation_file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_attach_the_signed_deliberation(as_role, scene, media, role, status):
    adopt(scene.plan)
    response = as_role(role).post(
        url("plan_deliberation_file", scene.plan.pk),
        {"deliberation_file": SimpleUploadedFile("delib.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == status
    scene.plan.refresh_from_db()
    assert not scene.plan.deliberation_file


# --- plan creation ------------------------------------------------------------------------------


def plan_data(**overrides):
    return {"title": "Plan climat 2025-2031", "start_year": "2025", "end_year": "2031", **overrides}


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_create_a_plan_and_the_commune_moves_to_preparation(login, cast, role):
    cast.commune.charter_signed_on = datetime.date(2008, 5, 17)
    cast.commune.stage = Stage.SIGNATORY
    cast.commune.save()
    client = login(getattr(cast, role))
    create = url("plan_create", cast.commune.insee_code)
    assert client.get(create).status_code == 200
    response = client.post(create, plan_data())
    plan = ActionPlan.objects.get(commune=cast.commune)
    assert response.status_code == 302 and response.url == url("plan", plan.pk)
    assert (plan.title, plan.start_year, plan.end_year, plan.version, plan.status) == (
        "Plan climat 2025-2031",
        2025,
        2031,
        1,
        PlanStatus.DRAFT,
    )
    assert Commune.objects.get(pk=cast.commune.pk).stage == Stage.PLAN_IN_PREPARATION
    assert HistoryEntry.objects.filter(plan=plan, user=getattr(cast, role)).count() == 1


def test_a_plan_of_a_commune_that_has_not_signed_the_charter_leaves_its_stage(login, cast):
    response = login(cast.advisor).post(url("plan_create", cast.commune.insee_code), plan_data())
    assert response.status_code == 302
    assert ActionPlan.objects.filter(commune=cast.commune).exists()
    assert Commune.objects.get(pk=cast.commune.pk).stage == Stage.NOT_SIGNATORY


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_create_a_plan(as_role, scene, role, status):
    adopt(scene.plan)  # so that a new plan could be created
    client = as_role(role)
    create = url("plan_create", scene.cast.commune.insee_code)
    assert client.get(create).status_code == status
    assert client.post(create, plan_data()).status_code == status
    assert list(ActionPlan.objects.values_list("pk", flat=True)) == [scene.plan.pk]


# --- plan edit ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_edit_the_plan_and_the_change_is_in_the_history(as_role, scene, role):
    client = as_role(role)
    assert client.get(url("plan_edit", scene.plan.pk)).status_code == 200
    response = client.post(
        url("plan_edit", scene.plan.pk), plan_data(title="Plan climat révisé", start_year="2024")
    )
    assert response.status_code == 302
    scene.plan.refresh_from_db()
    assert (scene.plan.title, scene.plan.start_year, scene.plan.end_year) == (
        "Plan climat révisé",
        2024,
        2031,
    )
    entry = HistoryEntry.objects.get(plan=scene.plan)
    assert entry.user == scene.user(role)
    assert {"before": "Plan climat 2024-2030", "after": "Plan climat révisé"}.items() <= entry.changes[
        0
    ].items()


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_edit_the_plan(as_role, scene, role, status):
    client = as_role(role)
    assert client.get(url("plan_edit", scene.plan.pk)).status_code == status
    assert client.post(url("plan_edit", scene.plan.pk), plan_data(title="Piraté")).status_code == status
    scene.plan.refresh_from_db()
    assert (scene.plan.title, scene.plan.end_year) == ("Plan climat 2024-2030", 2030)
    assert not HistoryEntry.objects.filter(plan=scene.plan).exists()


def test_an_adopted_plan_is_not_edited_but_sent_back_with_a_message(as_role, scene):
    adopt(scene.plan)
    response = as_role("advisor").post(url("plan_edit", scene.plan.pk), plan_data(title="Autre"))
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert any("new version" in message for message in messages_of(response))
    scene.plan.refresh_from_db()
    assert scene.plan.title == "Plan climat 2024-2030"


# --- workflow -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_submit_the_plan_and_the_step_is_recorded(as_role, scene, role):
    client = as_role(role)
    submit = url("plan_transition", scene.plan.pk, "submitted")
    assert client.get(submit).status_code == 200
    response = client.post(submit, {"comment": "Prêt pour le groupe de travail"})
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    scene.plan.refresh_from_db()
    assert scene.plan.status == PlanStatus.SUBMITTED
    transition = PlanTransition.objects.get(plan=scene.plan)
    assert (transition.from_status, transition.to_status, transition.by, transition.comment) == (
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        scene.user(role),
        "Prêt pour le groupe de travail",
    )
    assert Commune.objects.get(pk=scene.cast.commune.pk).stage == Stage.PLAN_IN_PREPARATION


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_move_the_plan_through_the_workflow(as_role, scene, role, status):
    client = as_role(role)
    submit = url("plan_transition", scene.plan.pk, "submitted")
    assert client.get(submit).status_code == status
    assert client.post(submit, {"comment": "Allez"}).status_code == status
    scene.plan.refresh_from_db()
    assert scene.plan.status == PlanStatus.DRAFT
    assert not PlanTransition.objects.exists()


def test_the_whole_workflow_moves_the_commune_through_its_stages(as_role, scene, media):
    client = as_role("advisor")
    commune = scene.cast.commune
    stages = {}
    for status in ["submitted", "validated"]:
        assert client.post(url("plan_transition", scene.plan.pk, status), {"comment": ""}).status_code == 302
        stages[status] = Commune.objects.get(pk=commune.pk).stage
    response = client.post(
        url("plan_transition", scene.plan.pk, "deliberated"),
        {
            "deliberation_date": COUNCIL_DAY.isoformat(),
            "deliberation_number": " 2024-DEL-031 ",
            "deliberation_file": SimpleUploadedFile("delib.pdf", PDF, content_type="application/pdf"),
            "comment": "Vote à l'unanimité",
        },
    )
    assert response.status_code == 302
    stages["deliberated"] = Commune.objects.get(pk=commune.pk).stage
    for status in ["follow_up", "closed"]:
        assert client.post(url("plan_transition", scene.plan.pk, status), {"comment": ""}).status_code == 302
        stages[status] = Commune.objects.get(pk=commune.pk).stage
    assert stages == {
        "submitted": Stage.PLAN_IN_PREPARATION,
        "validated": Stage.PLAN_IN_PREPARATION,
        "deliberated": Stage.PLAN_DELIBERATED,
        "follow_up": Stage.IN_FOLLOW_UP,
        "closed": Stage.IN_FOLLOW_UP,
    }
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    assert (plan.status, plan.deliberation_date, plan.deliberation_number) == (
        PlanStatus.CLOSED,
        COUNCIL_DAY,
        "2024-DEL-031",
    )
    assert plan.deliberation_file.name.startswith("deliberations/38421/v1-")
    assert list(PlanTransition.objects.filter(plan=plan).values_list("from_status", "to_status")) == [
        ("draft", "submitted"),
        ("submitted", "validated"),
        ("validated", "deliberated"),
        ("deliberated", "follow_up"),
        ("follow_up", "closed"),
    ]
    history = as_role("elected").get(url("plan_history", plan.pk))
    assert len(history.context["transitions"]) == 5
    assert "Vote à l&#x27;unanimité" in history.content.decode()


def test_a_deliberation_leaves_the_stage_of_a_commune_without_charter(as_role, scene):
    commune = scene.cast.commune
    commune.charter_signed_on, commune.stage = None, Stage.NOT_SIGNATORY
    commune.save()
    adopt(scene.plan, status=PlanStatus.VALIDATED)
    response = as_role("referent").post(
        url("plan_transition", scene.plan.pk, "deliberated"),
        {"deliberation_date": COUNCIL_DAY.isoformat(), "deliberation_number": "31", "comment": ""},
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.DELIBERATED
    assert Commune.objects.get(pk=commune.pk).stage == Stage.NOT_SIGNATORY


@pytest.mark.parametrize("role", CLOSERS)
def test_advisors_close_the_plan_after_its_evaluation(as_role, scene, role):
    adopt(scene.plan)
    response = as_role(role).post(url("plan_transition", scene.plan.pk, "closed"), {"comment": "Bilan fait"})
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.CLOSED
    assert PlanTransition.objects.get(plan=scene.plan).to_status == PlanStatus.CLOSED


@pytest.mark.parametrize("role, status", CLOSE_REFUSED)
def test_only_advisors_close_a_plan(as_role, scene, role, status):
    adopt(scene.plan)
    client = as_role(role)
    assert client.get(url("plan_transition", scene.plan.pk, "closed")).status_code == status
    assert client.post(url("plan_transition", scene.plan.pk, "closed"), {"comment": ""}).status_code == status
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.FOLLOW_UP
    assert not PlanTransition.objects.exists()


# --- new version --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_start_a_new_version_with_the_axes_and_actions(as_role, scene, role):
    adopt(scene.plan)
    action = scene.action
    axis = PlanAxisFactory(plan=scene.plan, title="Bâtiments")
    action.axis = axis
    action.save()
    MilestoneFactory(action=action, name="Études")
    BudgetLineFactory(action=action, year=2025, forecast=Decimal("80000"))
    CoFunderFactory(action=action, name="Fonds vert")
    response = as_role(role).post(url("plan_new_version", scene.plan.pk))
    new = ActionPlan.objects.get(previous_version=scene.plan)
    assert response.status_code == 302 and response.url == url("plan", new.pk)
    assert (new.version, new.status, new.title) == (2, PlanStatus.DRAFT, "Plan climat 2024-2030")
    copy = new.actions.get()
    assert copy.pk != action.pk
    assert (copy.title, copy.owner, copy.axis.title, copy.axis.plan) == (
        action.title,
        scene.owner,
        "Bâtiments",
        new,
    )
    assert [m.name for m in copy.milestones.all()] == ["Études"]
    assert [(b.year, b.forecast) for b in copy.budget_lines.all()] == [(2025, Decimal("80000"))]
    assert [c.name for c in copy.cofunders.all()] == ["Fonds vert"]
    # the adopted version stays as voted
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.FOLLOW_UP
    assert scene.plan.actions.get().pk == action.pk
    assert Commune.objects.get(pk=scene.cast.commune.pk).stage == Stage.PLAN_IN_PREPARATION


def test_a_new_version_keeps_the_tree_of_axes(as_role, scene):
    # Sub-axes must be copied after their parent (PostgreSQL sorts NULL parents last).
    adopt(scene.plan)
    energy = PlanAxisFactory(plan=scene.plan, title="Énergie", order=1)
    PlanAxisFactory(plan=scene.plan, title="Bâtiments communaux", parent=energy, order=1)
    PlanAxisFactory(plan=scene.plan, title="Mobilité", order=2)
    assert as_role("advisor").post(url("plan_new_version", scene.plan.pk)).status_code == 302
    new = ActionPlan.objects.get(previous_version=scene.plan)
    tree = {axis.title: axis.parent.title if axis.parent else None for axis in new.axes.all()}
    assert tree == {"Énergie": None, "Bâtiments communaux": "Énergie", "Mobilité": None}


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_start_a_new_version(as_role, scene, role, status):
    adopt(scene.plan)
    assert as_role(role).post(url("plan_new_version", scene.plan.pk)).status_code == status
    assert list(ActionPlan.objects.values_list("pk", flat=True)) == [scene.plan.pk]


def test_a_new_version_of_a_plan_in_preparation_is_refused(as_role, scene):
    response = as_role("advisor").post(url("plan_new_version", scene.plan.pk))
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert ActionPlan.objects.count() == 1
    assert messages_of(response)


# --- axes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_add_axes_and_sub_axes(as_role, scene, role):
    client = as_role(role)
    response = client.post(url("plan_axes", scene.plan.pk), {"title": "Énergie", "parent": "", "order": "1"})
    assert response.status_code == 302
    energy = PlanAxis.objects.get(plan=scene.plan)
    response = client.post(
        url("plan_axes", scene.plan.pk), {"title": "Éclairage public", "parent": energy.pk, "order": "2"}
    )
    assert response.status_code == 302
    lighting = PlanAxis.objects.get(title="Éclairage public")
    assert (lighting.plan, lighting.parent) == (scene.plan, energy)
    page = client.get(url("plan_axes", scene.plan.pk))
    assert [(axis.title, depth) for axis, depth in page.context["axes"]] == [
        ("Énergie", 0),
        ("Éclairage public", 1),
    ]


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_add_axes(as_role, scene, role, status):
    response = as_role(role).post(url("plan_axes", scene.plan.pk), {"title": "Énergie", "order": "1"})
    assert response.status_code == status
    assert not PlanAxis.objects.exists()


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_delete_an_axis_and_its_actions_stay(as_role, scene, role):
    axis = PlanAxisFactory(plan=scene.plan, title="Énergie")
    scene.action.axis = axis
    scene.action.save()
    response = as_role(role).post(url("axis_delete", scene.plan.pk, axis.pk))
    assert response.status_code == 302
    assert not PlanAxis.objects.exists()
    assert Action.objects.get(pk=scene.action.pk).axis is None


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_others_cannot_delete_an_axis(as_role, scene, role, status):
    axis = PlanAxisFactory(plan=scene.plan, title="Énergie")
    assert as_role(role).post(url("axis_delete", scene.plan.pk, axis.pk)).status_code == status
    assert PlanAxis.objects.filter(pk=axis.pk).exists()


def test_an_axis_of_another_plan_is_404(as_role, scene):
    other = PlanAxisFactory(plan=ActionPlanFactory(commune=scene.cast.other_commune))
    assert as_role("advisor").post(url("axis_delete", scene.plan.pk, other.pk)).status_code == 404
    assert PlanAxis.objects.filter(pk=other.pk).exists()


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
def test_plan_editors_and_the_staff_owner_plan_milestones_budget_and_cofunding(as_role, scene, role):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_planning", action.pk)).status_code == 200
    response = client.post(
        url("action_planning", action.pk),
        planning_data(
            action,
            milestones=[{"name": "Choix du maître d'œuvre", "due_date": "2025-04-30", "done_on": ""}],
            budget=[
                {"year": "2025", "kind": "investment", "forecast": "150000", "actual": ""},
                {"year": "2026", "kind": "operating", "forecast": "2500.50", "actual": ""},
            ],
            cofunders=[{"name": "Fonds vert", "amount": "45000", "status": "requested"}],
        ),
    )
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert list(action.milestones.values_list("name", "due_date")) == [
        ("Choix du maître d'œuvre", datetime.date(2025, 4, 30))
    ]
    assert list(action.budget_lines.values_list("year", "kind", "forecast")) == [
        (2025, BudgetKind.INVESTMENT, Decimal("150000")),
        (2026, BudgetKind.OPERATING, Decimal("2500.50")),
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
    line = BudgetLineFactory(action=action, year=2025, forecast=Decimal("1000"))
    cofunder = CoFunderFactory(action=action, name="Région")
    data = planning_data(
        action,
        milestones=[
            {"id": milestone.pk, "name": "Études", "due_date": "2025-03-01", "done_on": "2025-02-27"}
        ],
        budget=[{"id": line.pk, "year": "2025", "kind": "investment", "forecast": "1000", "actual": "980"}],
        cofunders=[
            {"id": cofunder.pk, "name": "Région", "amount": "5000", "status": "granted", "DELETE": "on"}
        ],
    )
    response = as_role("referent").post(url("action_planning", action.pk), data)
    assert response.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).done_on == datetime.date(2025, 2, 27)
    assert BudgetLine.objects.get(pk=line.pk).actual == Decimal("980")
    assert not CoFunder.objects.exists()


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_plan_the_action(as_role, scene, role, status):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_planning", action.pk)).status_code == status
    data = planning_data(
        action,
        milestones=[{"name": "Études", "due_date": "2025-04-30"}],
        budget=[{"year": "2025", "kind": "investment", "forecast": "1000"}],
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


# --- catalogue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*READERS, "outsider", "nobody"])
def test_everyone_signed_in_reads_the_catalogue(login, scene, role):
    user = UserFactory() if role == "nobody" else scene.user(role)
    client = login(user)
    response = client.get(url("catalogue"))
    assert response.status_code == 200
    assert len(response.context["entries"]) == CatalogueAction.objects.filter(is_active=True).count() >= 46
    entry = CatalogueAction.objects.order_by("pk").first()
    detail = client.get(url("catalogue_detail", entry.pk))
    assert detail.status_code == 200
    assert detail.context["entry"] == entry


def test_withdrawn_entries_are_listed_for_managers_only(login, cast):
    entry = CatalogueAction.objects.order_by("pk").first()
    entry.is_active = False
    entry.save()
    assert entry not in login(cast.referent).get(url("catalogue")).context["entries"]
    assert entry in login(cast.advisor).get(url("catalogue")).context["entries"]


def test_catalogue_filters_by_theme(login, cast):
    theme = Theme.objects.order_by("pk").first()
    response = login(cast.staff).get(url("catalogue"), {"theme": theme.pk})
    assert {entry.theme_id for entry in response.context["entries"]} == {theme.pk}


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_add_catalogue_entries(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_create")).status_code == 200
    response = client.post(url("catalogue_create"), catalogue_data())
    entry = CatalogueAction.objects.get(title="Végétaliser les cours d'écoles")
    assert response.status_code == 302 and response.url == url("catalogue_detail", entry.pk)
    assert (entry.cost_min, entry.cost_max, entry.duration_months, entry.is_active) == (
        Decimal("20000"),
        Decimal("150000"),
        12,
        True,
    )


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_edit_catalogue_entries(login, cast, role):
    entry = unused_catalogue_entry()
    data = catalogue_data(title=entry.title, theme=entry.theme_id, cost_min="1000", cost_max="2000")
    del data["is_active"]  # unticked: withdrawn from the communes
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_edit", entry.pk)).status_code == 200
    assert client.post(url("catalogue_edit", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert (entry.cost_min, entry.cost_max, entry.is_active) == (Decimal("1000"), Decimal("2000"), False)


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_delete_unused_catalogue_entries(login, cast, role):
    entry = unused_catalogue_entry()
    response = login(getattr(cast, role)).post(url("catalogue_delete", entry.pk))
    assert response.status_code == 302 and response.url == url("catalogue")
    assert not CatalogueAction.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", CATALOGUE_REFUSED)
def test_commune_roles_and_the_metro_officer_cannot_change_the_catalogue(login, cast, role):
    entry = unused_catalogue_entry()
    before = CatalogueAction.objects.count()
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_create")).status_code == 403
    assert client.post(url("catalogue_create"), catalogue_data()).status_code == 403
    assert client.get(url("catalogue_edit", entry.pk)).status_code == 403
    data = catalogue_data(title="Piraté", theme=entry.theme_id)
    assert client.post(url("catalogue_edit", entry.pk), data).status_code == 403
    assert client.post(url("catalogue_delete", entry.pk)).status_code == 403
    assert CatalogueAction.objects.count() == before
    assert CatalogueAction.objects.get(pk=entry.pk).title == entry.title


def test_the_catalogue_page_offers_only_the_plans_the_user_may_edit(login, scene):
    ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    form = login(scene.cast.referent).get(url("catalogue_detail", entry.pk)).context["add_form"]
    assert list(form.fields["plan"].queryset) == [scene.plan]
    assert login(scene.cast.staff).get(url("catalogue_detail", entry.pk)).context["add_form"] is None


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_add_a_catalogue_action_to_their_plan(as_role, scene, role):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role(role).post(
        url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": Origin.ALREADY_ENGAGED}
    )
    action = Action.objects.get(catalogue_action=entry)
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert (action.plan, action.title, action.theme, action.origin) == (
        scene.plan,
        entry.title,
        entry.theme,
        Origin.ALREADY_ENGAGED,
    )
    assert (action.mwh_saved, action.tco2e_avoided) == (entry.mwh_saved, entry.tco2e_avoided)


@pytest.mark.parametrize("role", ["staff_owner", "staff", "elected", "metro_officer", "outsider"])
def test_others_cannot_add_a_catalogue_action_to_the_plan(as_role, scene, role):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role(role).post(
        url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"}
    )
    assert response.status_code == 302 and response.url == url("catalogue_detail", entry.pk)
    assert messages_of(response)
    assert list(Action.objects.values_list("pk", flat=True)) == [scene.action.pk]


def test_a_referent_cannot_add_a_catalogue_action_to_another_communes_plan(as_role, scene):
    other_plan = ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("referent").post(
        url("catalogue_add_to_plan", entry.pk), {"plan": other_plan.pk, "origin": "new"}
    )
    assert response.status_code == 302
    assert not other_plan.actions.exists()
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_the_outsider_adds_a_catalogue_action_to_the_plan_of_the_commune_they_advise(as_role, scene):
    other_plan = ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("outsider").post(
        url("catalogue_add_to_plan", entry.pk), {"plan": other_plan.pk, "origin": "new"}
    )
    assert response.status_code == 302
    assert other_plan.actions.get().catalogue_action == entry


def test_no_catalogue_action_is_added_to_an_adopted_plan(as_role, scene):
    adopt(scene.plan)
    entry = CatalogueAction.objects.order_by("pk").first()
    as_role("advisor").post(url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"})
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_a_withdrawn_catalogue_entry_cannot_be_added_to_a_plan(as_role, scene):
    # Unticking "offered to communes" is how advisors withdraw an entry (see catalogue_action_delete).
    entry = CatalogueAction.objects.order_by("pk").first()
    entry.is_active = False
    entry.save()
    as_role("referent").post(url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"})
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_catalogue_detail_shows_communes_only_their_own_uses(login, scene):
    entry = CatalogueAction.objects.order_by("pk").first()
    ActionFactory(plan=scene.plan, catalogue_action=entry)
    ActionFactory(plan=ActionPlanFactory(commune=scene.cast.other_commune), catalogue_action=entry)
    uses = login(scene.cast.referent).get(url("catalogue_detail", entry.pk)).context["uses"]
    assert [action.plan.commune for action in uses] == [scene.cast.commune]
    assert len(login(scene.cast.advisor).get(url("catalogue_detail", entry.pk)).context["uses"]) == 2


# --- exports, schedule, budget ------------------------------------------------------------------


@pytest.fixture
def exported_plan(scene):
    plan = scene.plan
    plan.end_year = 2026
    plan.save()
    action = scene.action
    action.mwh_saved = Decimal("12.50")
    action.progress = 35
    action.save()
    BudgetLineFactory(action=action, year=2024, kind="investment", forecast=Decimal("12500.50"), actual=None)
    BudgetLineFactory(
        action=action, year=2025, kind="investment", forecast=Decimal("80000"), actual=Decimal("1.25")
    )
    BudgetLineFactory(
        action=action, year=2025, kind="operating", forecast=Decimal("3000"), actual=Decimal("2000")
    )
    ActionFactory(plan=plan, title="Sensibiliser les écoles", owner_name="Service éducation")
    return plan


def test_csv_export_has_one_row_per_action_and_the_budget_per_year_in_french_format(as_role, exported_plan):
    response = as_role("elected").get(url("plan_export", exported_plan.pk, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="plan-saint-martin-dheres-v1.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(header) == 20 + 3 * 3 + 2
    assert [row[1] for row in data] == ["Rénover le groupe scolaire Langevin", "Sensibiliser les écoles"]
    assert all(len(row) == len(header) for row in data)
    renovation, awareness = data
    columns = {
        year: [i for i, title in enumerate(header) if title.startswith(str(year))]
        for year in (2024, 2025, 2026)
    }
    assert [renovation[i] for i in columns[2024]] == ["12500,5", "", ""]
    assert [renovation[i] for i in columns[2025]] == ["80000", "3000", "2001,25"]
    assert [renovation[i] for i in columns[2026]] == ["", "", ""]
    assert renovation[-2:] == ["95500,5", "2001,25"]
    assert renovation[6] == "Théo Titulaire"
    assert (renovation[9], renovation[10]) == ("06/01/2025", "28/08/2026")
    assert renovation[12] == "35"
    assert "12,5" in renovation
    assert awareness[6] == "Service éducation"
    assert awareness[-2:] == ["0", "0"]


def test_xlsx_export_opens_in_a_spreadsheet_with_the_actions_and_their_amounts(as_role, exported_plan):
    response = as_role("metro_officer").get(url("plan_export", exported_plan.pk, "xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Rénover le groupe scolaire Langevin", "Sensibiliser les écoles"]
    assert rows[1][-2:] == (95500.5, 2001.25)
    assert rows[1][9] == datetime.datetime(2025, 1, 6)


def schedule_json(response):
    match = re.search(
        r'<script id="schedule-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the schedule page carries its plotly figure"
    return json.loads(match.group(1))


def test_schedule_page_carries_the_plotly_figure_and_the_same_data_as_a_table(as_role, scene):
    MilestoneFactory(action=scene.action, name="Réception des travaux", due_date=datetime.date(2026, 8, 1))
    ActionFactory(plan=scene.plan, title="Action sans dates")
    ActionFactory(
        plan=scene.plan,
        title="Audit énergétique des bâtiments",
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2024, 12, 20),
        status="done",
    )
    response = as_role("staff").get(url("plan_schedule", scene.plan.pk))
    figure = schedule_json(response)
    bars, milestones = figure["data"]
    assert bars["y"] == ["1. Audit énergétique des bâtiments", "2. Rénover le groupe scolaire Langevin"]
    assert bars["base"] == ["2024-09-01", "2025-01-06"]
    assert milestones["x"] == ["2026-08-01"] and milestones["text"] == ["Réception des travaux"]
    assert figure["layout"]["xaxis"]["range"] == ["2024-01-01", "2030-12-31"]
    table = response.content.decode().split('id="schedule-table"')[1]
    assert "Audit énergétique des bâtiments" in table and "Réception des travaux" in table
    assert "Action sans dates" not in table


def test_budget_page_sums_the_plan_by_year_and_kind_and_the_cofunding(as_role, exported_plan):
    CoFunderFactory(action=exported_plan.actions.first(), amount=Decimal("30000"), status="granted")
    summary = as_role("referent").get(url("plan_budget", exported_plan.pk)).context["summary"]
    assert [row["year"] for row in summary.years] == [2024, 2025, 2026]
    assert summary.years[1]["investment_forecast"] == Decimal("80000")
    assert summary.years[1]["operating_actual"] == Decimal("2000")
    assert summary.totals["forecast"] == Decimal("95500.50")
    assert summary.cofunding_total == Decimal("30000")


def test_history_page_lists_every_change_with_its_author(as_role, scene):
    client = as_role("referent")
    client.post(url("action_edit", scene.action.pk), action_data(scene.action, progress=10))
    entries = as_role("elected").get(url("plan_history", scene.plan.pk)).context["entries"]
    assert [(entry.user, entry.action) for entry in entries] == [(scene.cast.referent, scene.action)]


# --- bounded query counts -----------------------------------------------------------------------


def fill_plan(plan, count, owner):
    """`count` actions with 2 milestones and 2 budget lines each, spread over owners, axes, catalogue."""
    axis = PlanAxisFactory(plan=plan)
    entry = CatalogueAction.objects.order_by("pk").first()
    actions = Action.objects.bulk_create(
        [
            ActionFactory.build(
                plan=plan,
                owner=owner if index % 2 else None,
                owner_name="" if index % 2 else f"Service {index % 5}",
                axis=axis if index % 3 else None,
                catalogue_action=entry if index % 4 == 0 else None,
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2026, 1, 1),
            )
            for index in range(count)
        ]
    )
    Milestone.objects.bulk_create(
        [
            MilestoneFactory.build(action=action, due_date=due)
            for action in actions
            for due in (
                datetime.date(2020, 1, 1),
                datetime.date(2029, 1, 1),
            )
        ]
    )
    BudgetLine.objects.bulk_create(
        [BudgetLineFactory.build(action=action, year=year) for action in actions for year in (2025, 2026)]
    )


def test_plan_page_query_count_does_not_grow_with_the_actions(as_role, scene, django_assert_max_num_queries):
    client = as_role("advisor")
    fill_plan(scene.plan, 19, scene.owner)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url("plan", scene.plan.pk))
    assert len(response.context["page"].actions) == 20
    fill_plan(scene.plan, 180, scene.owner)
    with django_assert_max_num_queries(12) as large:
        response = client.get(url("plan", scene.plan.pk))
    assert len(response.context["page"].actions) == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_action_page_query_count_does_not_grow_with_its_rows(as_role, scene, django_assert_max_num_queries):
    client = as_role("staff_owner")
    action = scene.action

    def add_rows(count, start):
        for index in range(start, start + count):
            MilestoneFactory(action=action)
            BudgetLineFactory(
                action=action, year=2024 + index % 7, kind=["investment", "operating"][index // 7]
            )
            CoFunderFactory(action=action)
            FollowUpNote.objects.create(
                action=action, author=scene.owner, date=COUNCIL_DAY, text=f"Note {index}"
            )
            AwarenessReport.objects.create(action=action, date=COUNCIL_DAY, events_held=1, people_reached=10)
            HistoryEntry.objects.create(
                plan=scene.plan, action=action, user=scene.owner, summary=f"Change {index}"
            )

    add_rows(2, 0)
    with django_assert_max_num_queries(15) as small:
        client.get(url("action", action.pk))
    add_rows(12, 2)
    with django_assert_max_num_queries(15) as large:
        response = client.get(url("action", action.pk))
    assert len(response.context["action"].notes.all()) == 14
    assert len(large.captured_queries) == len(small.captured_queries)


def test_portfolio_with_plans_renders_in_a_bounded_number_of_queries(
    login, cast, django_assert_max_num_queries
):
    advisor = cast.advisor

    def add_communes(count):
        for _ in range(count):
            commune = CommuneFactory()
            MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
            adopted = adopted_plan(commune)
            fill_plan(ActionPlanFactory(commune=commune, previous_version=adopted), 3, advisor)

    fill_plan(ActionPlanFactory(commune=cast.commune), 3, advisor)
    add_communes(2)
    client = login(advisor)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("communes:portfolio"))
    add_communes(12)
    with django_assert_max_num_queries(10) as large:
        response = client.get(reverse("communes:portfolio"))
    assert len(response.context["communes"]) == 15
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "v2 · " in response.content.decode()  # the latest version of each plan
