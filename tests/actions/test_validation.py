"""Bad input on the action plans: each gets a clear message and changes nothing."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from actions import services
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
    PlanAxis,
    PlanStatus,
    PlanTransition,
)
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    PlanAxisFactory,
    build_scene,
)
from tests.actions.helpers import (
    COUNCIL_DAY,
    action_data,
    adopt,
    catalogue_data,
    messages_of,
    new_action_data,
    plan_data,
    planning_data,
    url,
)

pytestmark = pytest.mark.django_db

ENDS_BEFORE_START = "Une action ne peut pas se terminer avant d'avoir commencé."


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


def snapshot(action):
    action = Action.objects.get(pk=action.pk)
    return (action.title, action.status, action.progress, action.start_date, action.end_date, action.revision)


def page_text(response):
    return response.content.decode()


# --- actions ------------------------------------------------------------------------------------


def test_an_action_cannot_end_before_it_starts(as_role, scene):
    before = snapshot(scene.action)
    data = action_data(scene.action, start_date="2026-05-01", end_date="2026-04-30")
    response = as_role("referent").post(url("action_edit", scene.action.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [ENDS_BEFORE_START]
    assert "Une action ne peut pas se terminer avant d&#x27;avoir commencé." in page_text(response)
    assert snapshot(scene.action) == before


def test_a_new_action_cannot_end_before_it_starts(as_role, scene):
    data = new_action_data(start_date="2025-03-01", end_date="2025-02-28")
    response = as_role("advisor").post(url("action_create", scene.plan.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [ENDS_BEFORE_START]
    assert Action.objects.count() == 1


def test_progress_cannot_exceed_100_percent(as_role, scene):
    before = snapshot(scene.action)
    response = as_role("advisor").post(
        url("action_edit", scene.action.pk), action_data(scene.action, progress=120)
    )
    assert response.status_code == 200
    assert "inférieure ou égale à 100" in " ".join(response.context["form"].errors["progress"])
    assert snapshot(scene.action) == before


def test_an_empty_follow_up_note_is_refused(as_role, scene):
    response = as_role("staff_owner").post(url("action_note_add", scene.action.pk), {"text": "   "})
    assert response.status_code == 302
    assert "Une note ne peut pas être vide." in messages_of(response)
    assert not FollowUpNote.objects.exists()
    assert Action.objects.get(pk=scene.action.pk).revision == 1


def test_a_negative_awareness_count_is_refused(as_role, scene):
    response = as_role("referent").post(
        url("action_awareness_add", scene.action.pk),
        {"date": "2025-10-10", "events_held": "-2", "people_reached": "40"},
    )
    assert response.status_code == 302
    [message] = messages_of(response)
    assert "n'a pas été enregistré" in message and "supérieure ou égale à 0" in message
    assert not AwarenessReport.objects.exists()


# --- schedule and budget ------------------------------------------------------------------------


def assert_planning_unchanged(action, revision=1):
    assert not Milestone.objects.exists()
    assert not BudgetLine.objects.filter(action=action).exclude(year__in=[2030, 2031]).exists()
    assert not CoFunder.objects.exists()
    assert Action.objects.get(pk=action.pk).revision == revision


@pytest.mark.parametrize(
    "cofunders",
    [[{"name": "Région", "amount": "-1000", "status": "requested"}]],
    ids=["co-funding"],
)
def test_a_negative_amount_is_refused_and_nothing_is_saved(as_role, scene, cofunders):
    # The budget's amounts are checked in their grid: tests/actions/test_budget_grid.py.
    data = planning_data(
        scene.action,
        milestones=[{"name": "Études", "due_date": "2025-04-30", "done_on": ""}],
        cofunders=cofunders,
    )
    response = as_role("advisor").post(url("action_planning", scene.action.pk), data)
    assert response.status_code == 200
    assert "Rien n'a été enregistré" in response.context["error_message"]
    assert "Les montants et les quantités ne peuvent pas être négatifs." in page_text(response)
    assert_planning_unchanged(scene.action)


def test_the_plan_period_cannot_be_shortened_below_its_budget_lines(as_role, scene):
    BudgetLineFactory(action=scene.action, year=2030)
    response = as_role("advisor").post(
        url("plan_edit", scene.plan.pk), plan_data(start_year="2024", end_year="2028")
    )
    assert response.status_code == 200
    assert "hors de 2024–2028" in " ".join(response.context["form"].non_field_errors())
    scene.plan.refresh_from_db()
    assert (scene.plan.start_year, scene.plan.end_year, scene.plan.title) == (
        2024,
        2030,
        "Plan climat 2024-2030",
    )


# --- plans and workflow -------------------------------------------------------------------------


def test_a_plan_cannot_end_before_it_starts(login, cast):
    response = login(cast.advisor).post(
        url("plan_create", cast.commune.insee_code), plan_data(start_year="2030", end_year="2025")
    )
    assert response.status_code == 200
    message = "Le plan ne peut pas se terminer avant d'avoir commencé."
    assert message in response.context["form"].non_field_errors()
    assert not ActionPlan.objects.exists()


def test_a_second_plan_in_preparation_is_refused(as_role, scene):
    response = as_role("advisor").post(url("plan_create", scene.cast.commune.insee_code), plan_data())
    assert response.status_code == 200
    assert "a déjà un plan en préparation" in " ".join(response.context["form"].non_field_errors())
    assert list(ActionPlan.objects.all()) == [scene.plan]


def deliberation(**overrides):
    return {
        "deliberation_date": COUNCIL_DAY.isoformat(),
        "deliberation_number": "2024-031",
        "comment": "",
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"deliberation_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()},
            "deliberation_date",
            "ne peut pas être dans le futur",
        ),
        ({"deliberation_date": ""}, "deliberation_date", "Ce champ est obligatoire."),
        ({"deliberation_number": "   "}, "deliberation_number", "Ce champ est obligatoire."),
        (
            {"deliberation_file": SimpleUploadedFile("delib.pdf", b"<html>not a pdf</html>")},
            "deliberation_file",
            "n'est pas un PDF\xa0: son contenu est celui d'une page HTML.",
        ),
    ],
    ids=["future", "no-date", "no-number", "not-a-pdf"],
)
def test_an_incomplete_deliberation_is_refused(as_role, scene, media, overrides, field, message):
    adopt(scene.plan, status=PlanStatus.VALIDATED)
    ActionPlan.objects.filter(pk=scene.plan.pk).update(deliberation_date=None, deliberation_number="")
    response = as_role("advisor").post(
        url("plan_transition", scene.plan.pk, "deliberated"), deliberation(**overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    assert (plan.status, plan.deliberation_number, plan.deliberation_file.name) == (
        PlanStatus.VALIDATED,
        "",
        "",
    )
    assert not PlanTransition.objects.exists()


def test_a_plan_cannot_skip_the_steps_of_the_workflow(as_role, scene):
    response = as_role("advisor").post(url("plan_transition", scene.plan.pk, "deliberated"), deliberation())
    assert response.status_code == 200
    assert "ne peut pas passer à" in " ".join(response.context["form"].non_field_errors())
    assert ActionPlan.objects.get(pk=scene.plan.pk).status == PlanStatus.DRAFT
    assert not PlanTransition.objects.exists()


def test_an_unknown_status_is_404(as_role, scene):
    assert as_role("advisor").post(url("plan_transition", scene.plan.pk, "approved")).status_code == 404


def test_an_axis_cannot_hang_under_an_axis_of_another_plan(as_role, scene):
    foreign = PlanAxisFactory(plan=ActionPlanFactory(commune=scene.cast.other_commune))
    response = as_role("advisor").post(
        url("plan_axes", scene.plan.pk), {"title": "Énergie", "parent": foreign.pk, "order": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert list(PlanAxis.objects.all()) == [foreign]


# --- catalogue ----------------------------------------------------------------------------------


def test_a_catalogue_entry_used_by_a_plan_cannot_be_deleted(as_role, scene):
    entry = CatalogueAction.objects.order_by("pk").first()
    ActionFactory(plan=scene.plan, catalogue_action=entry)
    response = as_role("admin").post(url("catalogue_delete", entry.pk))  # a shared entry: theirs
    assert response.status_code == 302 and response.url == url("catalogue_detail", entry.pk)
    [message] = messages_of(response)
    assert entry.title in message and "actions concernées\u00a0: 1" in message
    assert "Impossible de supprimer" in message
    assert CatalogueAction.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"cost_min": "5000", "cost_max": "1000"}, "ne peut pas être inférieur au coût type minimum"),
        ({"cost_min": "-5"}, "ne peuvent pas être négatifs"),
    ],
)
def test_an_inconsistent_catalogue_entry_is_refused(login, cast, overrides, message):
    before = CatalogueAction.objects.count()
    response = login(cast.advisor).post(url("catalogue_create"), catalogue_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert CatalogueAction.objects.count() == before


# --- a deliberated version: commitments frozen, follow-up goes on --------------------------------


def test_the_edit_form_of_an_adopted_plan_only_opens_the_follow_up(as_role, scene):
    adopt(scene.plan)
    response = as_role("referent").get(url("action_edit", scene.action.pk))
    form = response.context["form"]
    assert form.fields["title"].disabled and form.fields["start_date"].disabled
    assert not form.fields["status"].disabled and not form.fields["progress"].disabled
    assert "seuls les champs de suivi peuvent changer" in page_text(response)


def test_a_title_change_on_an_adopted_plan_is_refused_while_the_progress_is_saved(as_role, scene):
    adopt(scene.plan)
    data = action_data(scene.action, title="Autre titre", status="in_progress", progress=60)
    response = as_role("referent").post(url("action_edit", scene.action.pk), data)
    assert response.status_code == 302
    action = Action.objects.get(pk=scene.action.pk)
    assert (action.title, action.status, action.progress) == (
        "Rénover le groupe scolaire Langevin",
        ActionStatus.IN_PROGRESS,
        60,
    )


def test_the_service_refuses_commitment_changes_on_an_adopted_plan_and_names_them(scene):
    adopt(scene.plan)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        services.action_update(
            action=scene.action,
            data={"title": "Autre titre", "progress": 60},
            user=scene.cast.referent,
            base_revision=1,
        )
    assert "délibérée" in refused.value.messages[0] and "titre" in refused.value.messages[0]
    action = Action.objects.get(pk=scene.action.pk)
    assert (action.title, action.progress, action.revision) == ("Rénover le groupe scolaire Langevin", 0, 1)


# --- optimistic locking -------------------------------------------------------------------------


def two_people(scene):
    first, second = Client(), Client()
    first.force_login(scene.cast.advisor)
    second.force_login(scene.owner)
    return first, second


def test_the_second_of_two_concurrent_edits_is_refused_and_shows_what_changed(scene):
    first, second = two_people(scene)
    edit = url("action_edit", scene.action.pk)
    revisions = [int(client.get(edit).context["form"]["revision"].value()) for client in (first, second)]
    assert revisions == [1, 1]
    action = Action.objects.get(pk=scene.action.pk)
    response = first.post(
        edit, action_data(action, title="Rénover et isoler le groupe scolaire", progress=20)
    )
    assert response.status_code == 302
    response = second.post(
        edit, action_data(action, progress=50, status="in_progress")
    )  # built at revision 1
    assert response.status_code == 200
    assert "Quelqu'un a enregistré cette action pendant que vous la modifiiez" in " ".join(
        response.context["form"].non_field_errors()
    )
    action = Action.objects.get(pk=scene.action.pk)
    assert (action.title, action.progress, action.status, action.revision) == (
        "Rénover et isoler le groupe scolaire",
        20,
        ActionStatus.PLANNED,
        2,
    )
    [entry] = response.context["conflict"]
    assert entry.user == scene.cast.advisor
    conflict = page_text(response).split('id="conflict"')[1]
    assert "Claire Conseillère" in conflict
    assert "Rénover le groupe scolaire Langevin" in conflict  # before
    assert "Rénover et isoler le groupe scolaire" in conflict  # after


def test_after_a_conflict_the_page_lets_the_person_save_once_they_have_checked(scene):
    first, second = two_people(scene)
    edit = url("action_edit", scene.action.pk)
    stale = action_data(Action.objects.get(pk=scene.action.pk), progress=50)
    first.post(edit, action_data(Action.objects.get(pk=scene.action.pk), title="Titre corrigé"))
    conflict_page = second.post(edit, stale)
    assert conflict_page.status_code == 200
    shown = re.search(r'name="revision" value="(\d+)"', page_text(conflict_page)).group(1)
    response = second.post(edit, {**stale, "title": "Titre corrigé", "revision": shown})
    assert response.status_code == 302, "resubmitting from the conflict page conflicts again, forever"
    action = Action.objects.get(pk=scene.action.pk)
    assert (action.title, action.progress) == ("Titre corrigé", 50)


def test_the_second_of_two_concurrent_schedule_edits_is_refused(scene):
    first, second = two_people(scene)
    planning = url("action_planning", scene.action.pk)
    assert first.get(planning).status_code == 200 and second.get(planning).status_code == 200
    milestone = {"name": "Études", "due_date": "2025-04-30", "done_on": ""}
    assert first.post(planning, planning_data(scene.action, milestones=[milestone])).status_code == 302
    cofunders = [{"name": "Région", "amount": "1000", "status": "requested"}]
    response = second.post(planning, planning_data(scene.action, cofunders=cofunders, revision=1))
    assert response.status_code == 200
    assert "Quelqu'un a enregistré cette action" in response.context["error_message"]
    assert [entry.user for entry in response.context["conflict"]] == [scene.cast.advisor]
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Études"]
    assert not CoFunder.objects.exists()
    assert Action.objects.get(pk=scene.action.pk).revision == 2


# --- the revision is required -------------------------------------------------------------------

OUT_OF_DATE = "Cette page n'est plus à jour\u00a0: rechargez-la, puis refaites vos modifications."


def without_revision(data, how):
    """The edit's POST data with its revision removed, emptied or garbled."""
    data = dict(data)
    if how == "absent":
        del data["revision"]
    else:
        data["revision"] = {"empty": "", "garbled": "deux"}[how]
    return data


@pytest.mark.parametrize("how", ["absent", "empty", "garbled"])
def test_an_action_edit_without_its_revision_is_refused_and_changes_nothing(as_role, scene, how):
    action = Action.objects.get(pk=scene.action.pk)
    before, history = snapshot(action), HistoryEntry.objects.count()

    response = as_role("referent").post(
        url("action_edit", action.pk), without_revision(action_data(action, title="Titre écrasé"), how)
    )

    assert response.status_code == 200
    assert OUT_OF_DATE in " ".join(response.context["form"].non_field_errors())
    assert OUT_OF_DATE in html.unescape(page_text(response))
    assert snapshot(action) == before and HistoryEntry.objects.count() == history


def test_an_action_edit_with_its_current_revision_is_saved(as_role, scene):
    action = Action.objects.get(pk=scene.action.pk)

    response = as_role("referent").post(
        url("action_edit", action.pk), action_data(action, title="Titre neuf")
    )

    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Titre neuf"


@pytest.mark.parametrize("how", ["absent", "empty", "garbled"])
def test_a_schedule_edit_without_its_revision_is_refused_and_changes_nothing(as_role, scene, how):
    milestone = {"name": "Études", "due_date": "2025-04-30", "done_on": ""}
    data = without_revision(planning_data(scene.action, milestones=[milestone]), how)

    response = as_role("referent").post(url("action_planning", scene.action.pk), data)

    assert response.status_code == 200
    assert OUT_OF_DATE in response.context["error_message"]
    assert not Milestone.objects.exists()
    assert Action.objects.get(pk=scene.action.pk).revision == 1


def test_a_schedule_edit_with_its_current_revision_is_saved(as_role, scene):
    milestone = {"name": "Études", "due_date": "2025-04-30", "done_on": ""}

    response = as_role("referent").post(
        url("action_planning", scene.action.pk), planning_data(scene.action, milestones=[milestone])
    )

    assert response.status_code == 302
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Études"]


def test_the_services_refuse_a_write_that_names_no_revision(scene):
    action = Action.objects.get(pk=scene.action.pk)
    before = snapshot(action)
    with pytest.raises(ValidationError, match="plus à jour"):
        services.action_update(
            action=action, data={"title": "Écrasé"}, user=scene.cast.advisor, base_revision=None
        )
    rows = services.PlanningRows(
        milestones=[Milestone(action=action, name="Études", due_date=datetime.date(2025, 4, 30))],
        budget_lines=[],
        cofunders=[],
        deleted=[],
    )
    with pytest.raises(ValidationError, match="plus à jour"):
        services.action_planning_save(action=action, rows=rows, user=scene.cast.advisor, base_revision=None)
    assert snapshot(action) == before and not Milestone.objects.exists()
