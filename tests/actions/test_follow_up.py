"""The daily follow-up: what "late" and "stale" mean, the "to update" list, the one-save follow-up
form and what the follow-up may add after the adoption."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import selectors, services
from actions.models import (
    Action,
    ActionStatus,
    BudgetKind,
    BudgetLine,
    CoFunder,
    CoFunderStatus,
    FollowUpNote,
    HistoryEntry,
)
from tests.actions.factories import (
    ActionFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    adopted_plan,
)
from tests.actions.helpers import messages_of, planning_data, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
NEXT_MONTH = TODAY + datetime.timedelta(days=30)
YEAR = TODAY.year


def flagged(action) -> Action:
    """The action as the plan page reads it, with `is_late` and `is_stale`."""
    page = selectors.plan_page(plan=action.plan)
    return next(a for a in page.actions if a.pk == action.pk)


def long_ago(action, days=400):
    Action.objects.filter(pk=action.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


# --- late and stale: one definition -------------------------------------------------------------


@pytest.fixture
def plan(cast):
    return adopted_plan(cast.commune, start_year=YEAR - 2, end_year=YEAR + 4)


def test_an_open_action_whose_end_date_has_passed_is_late(plan):
    action = ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS, end_date=YESTERDAY)
    on_time = ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS, end_date=NEXT_MONTH)
    assert flagged(action).is_late
    assert not flagged(on_time).is_late


def test_an_overdue_milestone_makes_an_action_late_before_its_end(plan):
    action = ActionFactory(plan=plan, status=ActionStatus.PLANNED, end_date=NEXT_MONTH)
    MilestoneFactory(action=action, due_date=YESTERDAY)
    assert flagged(action).is_late


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.ABANDONED])
def test_a_completed_or_abandoned_action_is_never_late(plan, status):
    action = ActionFactory(plan=plan, status=status, end_date=YESTERDAY)
    MilestoneFactory(action=action, due_date=YESTERDAY)
    assert not flagged(action).is_late


def test_a_written_reason_lifts_the_late_flag_of_a_passed_end_date(plan):
    action = ActionFactory(
        plan=plan, status=ActionStatus.IN_PROGRESS, end_date=YESTERDAY, late_override_reason="Report voté"
    )
    assert not flagged(action).is_late


def test_an_open_action_not_updated_for_the_threshold_is_stale(plan, settings):
    settings.STALE_ACTION_DAYS = 60
    stale = ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS)
    fresh = ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS)
    done = ActionFactory(plan=plan, status=ActionStatus.DONE)
    long_ago(stale, days=61)
    long_ago(done, days=61)
    assert flagged(stale).is_stale
    assert not flagged(fresh).is_stale
    assert not flagged(done).is_stale


def test_the_dashboards_the_portfolio_and_the_plan_page_count_the_same_late_actions(cast, plan):
    from reporting import dashboards

    ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS, end_date=YESTERDAY)
    with_milestone = ActionFactory(plan=plan, status=ActionStatus.PLANNED, end_date=NEXT_MONTH)
    MilestoneFactory(action=with_milestone, due_date=YESTERDAY)
    ActionFactory(plan=plan, status=ActionStatus.DONE, end_date=YESTERDAY)
    ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS, end_date=NEXT_MONTH)
    page = selectors.plan_page(plan=plan)
    assert sum(action.is_late for action in page.actions) == 2
    assert selectors.portfolio_plans(commune_ids=[cast.commune.pk])[cast.commune.pk].late == 2
    assert dashboards.commune_dashboard(commune=cast.commune).actions.late == 2


# --- the "to update" list -------------------------------------------------------------------------


@pytest.fixture
def followed(cast, plan, settings):
    """Three actions of the adopted plan: one on time, one stale, one late; a draft v2 started since."""
    settings.STALE_ACTION_DAYS = 60
    on_time = ActionFactory(plan=plan, title="À jour", status=ActionStatus.IN_PROGRESS, end_date=NEXT_MONTH)
    stale = ActionFactory(plan=plan, title="Oubliée", status=ActionStatus.IN_PROGRESS, end_date=NEXT_MONTH)
    late = ActionFactory(plan=plan, title="En retard", status=ActionStatus.IN_PROGRESS, end_date=YESTERDAY)
    long_ago(stale, days=90)
    services.plan_new_version(plan=plan, user=cast.advisor)
    return late, stale, on_time


def titles(user):
    return [action.title for action in selectors.actions_to_update(user=user)]


def test_the_list_puts_late_actions_first_then_stale_ones_of_the_followed_plan_only(cast, followed):
    # The draft v2 carries copies of the three actions: the follow-up goes on in the adopted v1.
    assert titles(cast.referent) == ["En retard", "Oubliée", "À jour"]
    assert titles(cast.advisor) == ["En retard", "Oubliée", "À jour"]
    assert {action.plan.version for action in selectors.actions_to_update(user=cast.referent)} == {1}


def test_a_staff_member_sees_the_actions_they_are_responsible_for(cast, followed):
    late, _stale, _on_time = followed
    Action.objects.filter(pk=late.pk).update(owner=cast.staff)
    assert titles(cast.staff) == ["En retard"]
    assert titles(cast.elected) == []


def test_an_advisor_of_another_commune_does_not_see_these_actions(cast, followed):
    assert titles(cast.outsider) == []
    assert titles(cast.foreign_advisor) == []  # nor one of another territory


def test_the_to_update_page_shows_late_first_with_the_last_update(login, cast, followed):
    late, _stale, _on_time = followed
    Action.objects.filter(pk=late.pk).update(updated_by=cast.advisor)
    response = login(cast.referent).get(url("to_update"))
    assert response.status_code == 200
    items = response.context["page"].object_list
    assert [(a.title, a.is_late, a.is_stale) for a in items] == [
        ("En retard", True, False),
        ("Oubliée", False, True),
        ("À jour", False, False),
    ]
    html = response.content.decode()
    assert html.index("En retard") < html.index("Oubliée") < html.index("À jour")
    assert "Claire Conseillère" in html
    assert url("action_follow_up", late.pk) in html


@pytest.mark.parametrize("role", ["elected", "metro_officer"])
def test_people_who_keep_no_action_up_to_date_get_403_on_the_list(login, cast, role):
    assert login(getattr(cast, role)).get(url("to_update")).status_code == 403


def _crowd(commune, count):
    plan = commune.action_plans.get(version=1)
    for _index in range(count):
        action = ActionFactory(plan=plan, status=ActionStatus.IN_PROGRESS, end_date=YESTERDAY)
        MilestoneFactory(action=action, due_date=YESTERDAY)
        BudgetLineFactory(action=action)


def test_the_to_update_page_query_count_does_not_grow_with_the_actions(
    login, cast, followed, django_assert_max_num_queries
):
    client = login(cast.referent)
    with django_assert_max_num_queries(9) as small:
        client.get(url("to_update"))
    _crowd(cast.commune, 40)
    with django_assert_max_num_queries(9) as large:
        response = client.get(url("to_update"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["page"].object_list) == 25


def test_the_list_is_paginated(login, cast, followed):
    _crowd(cast.commune, 30)
    response = login(cast.referent).get(url("to_update"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 33 - 25


def test_the_header_and_the_portfolio_link_to_the_list(login, cast):
    html = login(cast.advisor).get("/portfolio/").content.decode()
    assert html.count(url("to_update")) >= 2
    assert url("to_update") not in login(cast.elected).get(url("catalogue")).content.decode()


# --- the one-save follow-up -------------------------------------------------------------------------


@pytest.fixture
def action(plan, cast):
    action = ActionFactory(
        plan=plan, title="Chaufferie bois", status=ActionStatus.PLANNED, end_date=NEXT_MONTH
    )
    BudgetLineFactory(action=action, year=YEAR, kind=BudgetKind.INVESTMENT, forecast=Decimal("20000"))
    return action


def follow_up(**overrides):
    values = {
        "status": ActionStatus.IN_PROGRESS,
        "progress": 40,
        "year": YEAR,
        "spending": {BudgetKind.INVESTMENT: Decimal("12500.50"), BudgetKind.OPERATING: None},
        "note": "Chantier lancé le 3 novembre.",
    }
    return services.FollowUp(**{**values, **overrides})


def test_one_follow_up_saves_everything_as_one_history_entry(cast, action):
    services.action_follow_up(
        action=action, user=cast.referent, base_revision=action.revision, follow_up=follow_up()
    )
    action.refresh_from_db()
    assert (action.status, action.progress, action.revision, action.updated_by) == (
        ActionStatus.IN_PROGRESS,
        40,
        2,
        cast.referent,
    )
    line = BudgetLine.objects.get(action=action, year=YEAR, kind=BudgetKind.INVESTMENT)
    assert (line.forecast, line.actual) == (Decimal("20000"), Decimal("12500.50"))
    assert [note.text for note in FollowUpNote.objects.filter(action=action)] == [
        "Chantier lancé le 3 novembre."
    ]
    entries = list(HistoryEntry.objects.filter(action=action))
    assert len(entries) == 1
    assert [change["field"] for change in entries[0].changes] == [
        "statut",
        "avancement (%)",
        f"Dépenses {YEAR}, investissement",
        "Note de suivi",
    ]
    assert entries[0].revision == 2


def test_a_follow_up_from_a_stale_revision_is_refused_and_saves_nothing(cast, action):
    services.action_follow_up(
        action=action, user=cast.advisor, base_revision=1, follow_up=follow_up(note="", progress=10)
    )
    with pytest.raises(services.ActionConflict) as conflict:
        services.action_follow_up(action=action, user=cast.referent, base_revision=1, follow_up=follow_up())
    assert conflict.value.current_revision == 2
    action.refresh_from_db()
    assert action.progress == 10
    assert not FollowUpNote.objects.filter(action=action).exists()
    assert HistoryEntry.objects.filter(action=action).count() == 1


def test_spending_for_a_year_with_no_forecast_after_adoption_reads_as_not_planned(cast, action):
    services.action_follow_up(
        action=action,
        user=cast.referent,
        base_revision=action.revision,
        follow_up=follow_up(spending={BudgetKind.OPERATING: Decimal("800")}, note=""),
    )
    line = BudgetLine.objects.get(action=action, year=YEAR, kind=BudgetKind.OPERATING)
    assert (line.forecast, line.actual, line.added_after_adoption) == (Decimal("0"), Decimal("800"), True)
    change = HistoryEntry.objects.get(action=action).changes[-1]
    assert change["field"] == f"Dépenses {YEAR}, fonctionnement (non prévue)"


def test_a_negative_spending_is_refused_by_field_and_nothing_is_saved(cast, action):
    with pytest.raises(ValidationError) as error:
        services.action_follow_up(
            action=action,
            user=cast.referent,
            base_revision=action.revision,
            follow_up=follow_up(spending={BudgetKind.OPERATING: Decimal("-5")}),
        )
    assert "spending_operating" in error.value.error_dict
    action.refresh_from_db()
    assert (action.status, action.revision) == (ActionStatus.PLANNED, 1)
    assert not FollowUpNote.objects.exists()


def test_a_co_funder_added_after_adoption_can_change_while_the_adopted_ones_stay_frozen(cast, action):
    adopted = CoFunderFactory(action=action, name="Région", amount=Decimal("5000"))
    services.action_follow_up(
        action=action,
        user=cast.referent,
        base_revision=action.revision,
        follow_up=follow_up(
            note="", cofunder=CoFunder(name="ADEME", amount=Decimal("3000"), status=CoFunderStatus.REQUESTED)
        ),
    )
    added = CoFunder.objects.get(name="ADEME")
    assert added.added_after_adoption and not adopted.added_after_adoption
    action.refresh_from_db()
    added.name, added.amount = "ADEME Fonds chaleur", Decimal("3500")
    services.action_planning_save(
        action=action,
        rows=services.PlanningRows(milestones=[], budget_lines=[], cofunders=[added], deleted=[]),
        user=cast.referent,
        base_revision=action.revision,
    )
    added.refresh_from_db()
    assert (added.name, added.amount) == ("ADEME Fonds chaleur", Decimal("3500"))
    action.refresh_from_db()
    adopted.name = "Région AURA"
    with pytest.raises(ValidationError):
        services.action_planning_save(
            action=action,
            rows=services.PlanningRows(milestones=[], budget_lines=[], cofunders=[adopted], deleted=[]),
            user=cast.referent,
            base_revision=action.revision,
        )
    assert CoFunder.objects.get(pk=adopted.pk).name == "Région"


def test_after_adoption_the_service_refuses_a_new_forecast_but_takes_unplanned_spending(cast, action):
    forecast = BudgetLine(year=YEAR + 1, kind=BudgetKind.OPERATING, forecast=Decimal("900"))
    with pytest.raises(ValidationError):
        services.action_planning_save(
            action=action,
            rows=services.PlanningRows(milestones=[], budget_lines=[forecast], cofunders=[], deleted=[]),
            user=cast.referent,
            base_revision=action.revision,
        )
    spent = BudgetLine(year=YEAR - 1, kind=BudgetKind.OPERATING, forecast=Decimal("0"), actual=Decimal("450"))
    services.action_planning_save(
        action=action,
        rows=services.PlanningRows(milestones=[], budget_lines=[spent], cofunders=[], deleted=[]),
        user=cast.referent,
        base_revision=action.revision,
    )
    assert BudgetLine.objects.get(action=action, year=YEAR - 1).added_after_adoption
    assert not BudgetLine.objects.filter(action=action, year=YEAR + 1).exists()


def test_a_new_version_turns_follow_up_additions_into_proposals(cast, action):
    CoFunderFactory(action=action, name="ADEME", added_after_adoption=True)
    v2 = services.plan_new_version(plan=action.plan, user=cast.advisor)
    assert not CoFunder.objects.get(action__plan=v2, name="ADEME").added_after_adoption


# --- the follow-up form ---------------------------------------------------------------------------------


def form_data(action, **overrides):
    data = {
        "revision": str(action.revision),
        "status": ActionStatus.IN_PROGRESS,
        "progress": "40",
        "spending_investment": "12500.50",
        "spending_operating": "",
        "note": "Chantier lancé.",
        "cofunder_name": "",
        "cofunder_amount": "",
        "cofunder_status": CoFunderStatus.REQUESTED,
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ["advisor", "referent", "admin"])
def test_editors_open_and_save_the_follow_up_form(login, cast, action, role):
    client = login(getattr(cast, role))
    assert client.get(url("action_follow_up", action.pk)).status_code == 200
    response = client.post(url("action_follow_up", action.pk), form_data(action))
    assert response.status_code == 302 and response.url == url("action", action.pk)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 40)
    assert "Le suivi a été enregistré." in messages_of(response)


def test_the_staff_member_responsible_for_the_action_updates_it(login, cast, action):
    Action.objects.filter(pk=action.pk).update(owner=cast.staff)
    assert login(cast.staff).get(url("action_follow_up", action.pk)).status_code == 200


@pytest.mark.parametrize(
    "role, status",
    [
        ("staff", 403),
        ("elected", 403),
        ("metro_officer", 403),
        ("outsider", 404),
        ("foreign_officer", 404),
        ("foreign_advisor", 404),
    ],
)
def test_others_cannot_open_or_post_the_follow_up_form(login, cast, action, role, status):
    client = login(getattr(cast, role))
    assert client.get(url("action_follow_up", action.pk)).status_code == status
    assert client.post(url("action_follow_up", action.pk), form_data(action)).status_code == status
    action.refresh_from_db()
    assert action.revision == 1


def test_the_form_shows_the_frozen_commitments_as_text_not_as_inputs(login, cast, action):
    html = login(cast.referent).get(url("action_follow_up", action.pk)).content.decode()
    assert 'id="follow-up-read-only"' in html
    assert "disabled" not in html
    assert html.index('name="status"') < html.index('id="follow-up-read-only"')


def test_a_stale_form_shows_the_conflict_and_keeps_what_was_typed(login, cast, action):
    services.action_follow_up(action=action, user=cast.advisor, base_revision=1, follow_up=follow_up(note=""))
    response = login(cast.referent).post(
        url("action_follow_up", action.pk), form_data(action, progress="75", note="Mon texte")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="conflict"' in html
    assert "Mon texte" in html and 'value="75"' in html
    assert FollowUpNote.objects.count() == 0


def test_a_form_without_revision_is_refused_as_out_of_date(login, cast, action):
    response = login(cast.referent).post(url("action_follow_up", action.pk), form_data(action, revision=""))
    assert response.status_code == 200
    assert "rechargez-la" in response.content.decode()
    action.refresh_from_db()
    assert action.revision == 1


def test_a_new_co_funder_needs_an_amount(login, cast, action):
    response = login(cast.referent).post(
        url("action_follow_up", action.pk), form_data(action, cofunder_name="ADEME")
    )
    assert response.status_code == 200
    assert "Indiquez le montant du nouveau cofinanceur." in response.content.decode()
    assert not CoFunder.objects.exists()


def test_the_follow_up_form_query_count_does_not_grow_with_the_rows(
    login, cast, action, django_assert_max_num_queries
):
    client = login(cast.referent)
    with django_assert_max_num_queries(16) as small:
        client.get(url("action_follow_up", action.pk))
    for index in range(10):
        MilestoneFactory(action=action, due_date=YESTERDAY)
        CoFunderFactory(action=action)
        FollowUpNote.objects.create(action=action, date=TODAY, text=f"Note {index}")
    with django_assert_max_num_queries(16) as large:
        client.get(url("action_follow_up", action.pk))
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the plan page's late and stale filters ---------------------------------------------------------------


def test_the_plan_page_filters_late_and_stale_actions(login, cast, followed):
    late, stale, _on_time = followed
    client = login(cast.referent)
    response = client.get(url("plan", late.plan_id), {"flag": "late"})
    assert [action.title for action in response.context["page"].actions] == ["En retard"]
    response = client.get(url("plan", late.plan_id), {"flag": "stale"})
    assert [action.title for action in response.context["page"].actions] == ["Oubliée"]


def test_the_edit_page_of_an_adopted_action_shows_its_commitments_as_text(login, cast, action):
    html = login(cast.referent).get(url("action_edit", action.pk)).content.decode()
    assert 'id="action-read-only"' in html and "Chaufferie bois" in html
    assert "disabled" not in html
    assert 'name="title"' not in html and 'name="progress"' in html


def test_the_planning_page_lets_a_co_funder_added_after_adoption_change(login, cast, action):
    adopted = CoFunderFactory(action=action, name="Région", amount=Decimal("5000"))
    added = CoFunderFactory(action=action, name="ADEME", amount=Decimal("3000"), added_after_adoption=True)
    line = action.budget_lines.get()
    response = login(cast.referent).post(
        url("action_planning", action.pk),
        planning_data(
            action,
            budget=[{"id": line.pk, "year": line.year, "kind": line.kind, "forecast": "20000", "actual": ""}],
            cofunders=[
                {"id": adopted.pk, "name": "Région", "amount": "5000", "status": "requested"},
                {"id": added.pk, "name": "ADEME Fonds chaleur", "amount": "3500", "status": "granted"},
            ],
        ),
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.amount, added.status) == ("ADEME Fonds chaleur", Decimal("3500"), "granted")


def test_the_form_names_the_year_without_a_thousands_separator(login, cast, action):
    html = login(cast.referent).get(url("action_follow_up", action.pk)).content.decode()
    assert f"Dépenses en {YEAR}" in html


def test_outside_the_plan_period_the_form_records_no_spending(login, cast):
    plan = adopted_plan(cast.commune, start_year=YEAR - 6, end_year=YEAR - 1)
    action = ActionFactory(plan=plan)
    client = login(cast.referent)
    assert 'id="no-spending-year"' in client.get(url("action_follow_up", action.pk)).content.decode()
    response = client.post(url("action_follow_up", action.pk), form_data(action, spending_investment=""))
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(action=action).exists()


def test_an_advisor_with_nothing_to_follow_sees_an_empty_list(login, cast):
    response = login(cast.outsider).get(url("to_update"))
    assert response.status_code == 200
    assert 'id="to-update-empty"' in response.content.decode()


def test_the_follow_up_form_reads_spending_typed_the_french_way(login, cast, action):
    response = login(cast.referent).post(
        url("action_follow_up", action.pk), form_data(action, spending_investment="12 500,5")
    )
    assert response.status_code == 302
    assert BudgetLine.objects.get(action=action, kind=BudgetKind.INVESTMENT).actual == Decimal("12500.5")
