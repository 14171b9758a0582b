"""Plan views through the permission matrix: reading, the signed deliberation, creation, edits,
workflow, versions, axes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions import urls as action_urls
from actions.models import (
    Action,
    ActionPlan,
    CatalogueAction,
    FollowUpNote,
    HistoryEntry,
    PlanAxis,
    PlanStatus,
    PlanTransition,
)
from communes.models import Commune, Stage
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    PlanAxisFactory,
)
from tests.actions.helpers import (
    CLOSE_REFUSED,
    CLOSERS,
    COUNCIL_DAY,
    PDF,
    PLAN_EDITORS,
    PLAN_REFUSED,
    READERS,
    adopt,
    assert_login_redirect,
    messages_of,
    plan_data,
    url,
)

pytestmark = pytest.mark.django_db


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
    ("plan_replaced_deliberation", lambda s: [s.plan.pk, 1], "get"),
    ("plan_new_version", _plan, "post"),
    ("plan_publication", _plan, "post"),
    ("plan_axes", _plan, "get"),
    ("axis_delete", lambda s: [s.plan.pk, PlanAxisFactory(plan=s.plan).pk], "post"),
    ("plan_schedule", _plan, "get"),
    ("plan_budget", _plan, "get"),
    ("plan_history", _plan, "get"),
    ("plan_export", lambda s: [s.plan.pk, "csv"], "get"),
    ("plan_import", _plan, "post"),
    ("plan_import_preview", _plan, "post"),
    ("plan_import_template", lambda s: [s.plan.pk, "xlsx"], "get"),
    ("action_create", _plan, "post"),
    ("action", _action, "get"),
    ("action_edit", _action, "post"),
    ("action_planning", _action, "post"),
    ("action_follow_up", _action, "post"),
    ("to_update", lambda s: [], "get"),
    ("action_budget", _action, "post"),
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


# Among the cast every test of the module shares (tests/conftest.py, module_cast).
@pytest.mark.usefixtures("cast")
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
@pytest.mark.parametrize("role", ["outsider", "foreign_officer", "foreign_advisor"])
def test_outsiders_get_404_on_every_plan_page(as_role, scene, name, args, role):
    assert as_role(role).get(url(name, *args(scene))).status_code == 404


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


def test_plan_totals_read_as_headline_figures_that_never_break_inside(as_role, scene):
    """The totals above the table: euros without cents (as on the dashboards), each figure kept on one
    line (a card would otherwise cut "1 369 500,0|0 €"), "t CO2e" whole."""
    BudgetLineFactory(
        action=scene.action, year=2025, forecast=Decimal("1369500.40"), actual=Decimal("452000")
    )
    scene.action.mwh_saved, scene.action.tco2e_avoided = Decimal("1136.64"), Decimal("197.14")
    scene.action.save()
    content = as_role("elected").get(url("plan", scene.plan.pk)).content.decode()
    totals = content[
        content.index('id="plan-totals"') : content.index("</section>", content.index('id="plan-totals"'))
    ]
    figures = re.findall(r'<p class="fs-4 mb-0 text-nowrap">([^<]*)', totals)
    assert figures[:4] == [
        "1\u202f369\u202f500\u00a0€",
        "452\u202f000\u00a0€",
        "1\u202f136,6\u00a0MWh",
        "197,1\u00a0t\u00a0CO2e",
    ]


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
    assert (
        "Plan-climat-Saint-Martin-d-Heres-2024-2030-deliberation-signee.pdf"
        in response["Content-Disposition"]
    )


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
    assert any("nouvelle version" in message for message in messages_of(response))
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


# --- the plan page's buttons: the main ones in view, the rest in one menu ---------------------------


def _plan_page_parts(client, plan):
    html = client.get(url("plan", plan.pk)).content.decode()
    toolbar = html[html.index('id="plan-actions"') : html.index('id="plan-more"')]
    menu = html[html.index('id="plan-more-menu"') :]
    menu = menu[: menu.index("</ul>")]
    return toolbar, menu, html


def test_the_plan_page_keeps_its_main_actions_in_view_and_the_rest_in_a_menu(as_role, scene):
    toolbar, menu, html = _plan_page_parts(as_role("advisor"), scene.plan)
    for main in (
        url("action_create", scene.plan.pk) + '"',
        f"{url('catalogue')}?plan={scene.plan.pk}",
        url("plan_budget", scene.plan.pk),
        url("plan_schedule", scene.plan.pk),
        url("plan_transition", scene.plan.pk, "submitted"),
    ):
        assert main in toolbar, main
    for other in (
        url("plan_export", scene.plan.pk, "csv"),
        url("plan_export", scene.plan.pk, "xlsx"),
        f"/communes/{scene.plan.commune.insee_code}/documents/",
        url("plan_history", scene.plan.pk),
        url("plan_edit", scene.plan.pk),
        url("plan_import", scene.plan.pk),
    ):
        assert other in menu and other not in toolbar, other
    assert 'data-bs-toggle="dropdown" aria-expanded="false"' in html
    assert 'class="row g-2 align-items-end mb-2 filter-bar"' in html


def test_readers_get_the_exports_in_the_menu_and_no_editing_entry(as_role, scene):
    toolbar, menu, _html = _plan_page_parts(as_role("elected"), scene.plan)
    assert url("plan_export", scene.plan.pk, "csv") in menu
    assert url("plan_edit", scene.plan.pk) not in menu
    assert url("action_create", scene.plan.pk) not in toolbar
