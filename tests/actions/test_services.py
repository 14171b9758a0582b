"""Services and selectors of the action plans, tested directly."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import selectors, services
from actions.models import (
    Action,
    ActionStatus,
    BudgetLine,
    CatalogueAction,
    HistoryEntry,
    Milestone,
    Origin,
    PlanAxis,
    PlanStatus,
    Theme,
)
from communes.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(cast):
    cast.commune.charter_signed_on = date(2009, 3, 1)
    cast.commune.stage = Stage.SIGNATORY
    cast.commune.save()
    return cast.commune


@pytest.fixture
def plan(commune, cast):
    return services.plan_create(
        commune=commune, title="Plan climat", start_year=2024, end_year=2030, user=cast.advisor
    )


def new_action(plan, user, **data):
    return services.action_create(
        plan=plan, data={"title": "Rénovation de l'école", "theme": Theme.objects.first(), **data}, user=user
    )


def deliberate(plan, user, on=date(2025, 3, 12)):
    for status in (PlanStatus.SUBMITTED, PlanStatus.VALIDATED):
        plan = services.plan_transition(plan=plan, to_status=status, user=user)
    return services.plan_transition(
        plan=plan,
        to_status=PlanStatus.DELIBERATED,
        user=user,
        deliberation_date=on,
        deliberation_number="2025-017",
    )


def test_the_starter_catalogue_ships_with_every_theme():
    assert CatalogueAction.objects.count() >= 30
    assert Theme.objects.count() >= 11
    assert set(Theme.objects.values_list("code", flat=True)) >= {
        "municipal_buildings",
        "public_lighting",
        "municipal_fleet",
        "renewable_energy",
        "mobility",
        "planning_housing",
        "public_procurement",
        "awareness",
        "water_waste",
        "agriculture_food",
        "adaptation",
    }
    assert CatalogueAction.objects.filter(title__icontains="Relamping LED").exists()


def test_loading_the_catalogue_again_adds_nothing_and_keeps_edits():
    entry = CatalogueAction.objects.first()
    entry.description = "Édité par l'ALE"
    entry.save()
    assert services.catalogue_load_starter() == 0
    entry.refresh_from_db()
    assert entry.description == "Édité par l'ALE"


def test_creating_a_plan_moves_the_commune_to_plan_in_preparation(plan, commune):
    commune.refresh_from_db()
    assert (plan.version, plan.status, commune.stage) == (1, PlanStatus.DRAFT, Stage.PLAN_IN_PREPARATION)


def test_a_second_plan_in_preparation_is_refused(plan, commune, cast):
    with pytest.raises(ValidationError, match="a déjà un plan en préparation"):
        services.plan_create(
            commune=commune, title="Autre", start_year=2025, end_year=2030, user=cast.advisor
        )


def test_an_action_from_the_catalogue_is_prefilled(plan, cast):
    entry = CatalogueAction.objects.filter(mwh_saved__isnull=False).first()
    action = services.action_create(
        plan=plan, data={"origin": Origin.NEW}, user=cast.advisor, catalogue_action=entry
    )
    assert (action.title, action.theme, action.mwh_saved, action.catalogue_action) == (
        entry.title,
        entry.theme,
        entry.mwh_saved,
        entry,
    )


def test_the_workflow_is_recorded_and_follows_its_order(plan, cast, commune):
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, to_status=PlanStatus.DELIBERATED, user=cast.advisor)
    plan = deliberate(plan, cast.referent)
    commune.refresh_from_db()
    assert commune.stage == Stage.PLAN_DELIBERATED
    assert list(plan.transitions.values_list("from_status", "to_status")) == [
        ("draft", "submitted"),
        ("submitted", "validated"),
        ("validated", "deliberated"),
    ]
    assert plan.transitions.last().by == cast.referent
    services.plan_transition(plan=plan, to_status=PlanStatus.FOLLOW_UP, user=cast.advisor)
    commune.refresh_from_db()
    assert commune.stage == Stage.IN_FOLLOW_UP


def test_a_deliberation_needs_a_date_not_in_the_future_and_a_number(plan, cast):
    for status in (PlanStatus.SUBMITTED, PlanStatus.VALIDATED):
        plan = services.plan_transition(plan=plan, to_status=status, user=cast.advisor)
    with pytest.raises(ValidationError) as error:
        services.plan_transition(
            plan=plan,
            to_status=PlanStatus.DELIBERATED,
            user=cast.advisor,
            deliberation_date=timezone.localdate() + timedelta(days=3),
            deliberation_number="",
        )
    assert set(error.value.message_dict) == {"deliberation_date", "deliberation_number"}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED


def test_an_adopted_version_freezes_commitments_but_not_follow_up(plan, cast):
    action = new_action(plan, cast.advisor)
    plan = deliberate(plan, cast.advisor)
    with pytest.raises(ValidationError, match="délibérée"):
        services.action_update(
            action=action, data={"title": "Autre titre"}, user=cast.referent, base_revision=action.revision
        )
    with pytest.raises(ValidationError):
        new_action(plan, cast.advisor)
    action = services.action_update(
        action=action,
        data={"status": ActionStatus.IN_PROGRESS, "progress": 40},
        user=cast.referent,
        base_revision=action.revision,
    )
    assert (action.title, action.status, action.progress) == ("Rénovation de l'école", "in_progress", 40)


def test_a_new_version_carries_the_actions_over_and_leaves_the_adopted_one_as_it_was(plan, cast):
    axis = services.axis_save(axis=PlanAxis(plan=plan, title="Patrimoine"), user=cast.advisor)
    action = new_action(plan, cast.advisor, axis=axis)
    Milestone.objects.create(action=action, name="Études", due_date=date(2025, 6, 1))
    BudgetLine.objects.create(action=action, year=2025, kind="investment", forecast=Decimal("120000"))
    adopted = deliberate(plan, cast.advisor)
    new = services.plan_new_version(plan=adopted, user=cast.advisor)
    assert (new.version, new.status, new.previous_version) == (2, PlanStatus.DRAFT, adopted)
    copy = new.actions.get()
    assert copy.pk != action.pk and copy.axis.plan == new and copy.axis.title == "Patrimoine"
    assert list(copy.milestones.values_list("name", flat=True)) == ["Études"]
    assert copy.budget_lines.get().forecast == Decimal("120000")
    services.action_update(
        action=copy,
        data={"title": "Rénovation de deux écoles"},
        user=cast.advisor,
        base_revision=copy.revision,
    )
    action.refresh_from_db()
    assert action.title == "Rénovation de l'école"
    with pytest.raises(ValidationError, match="version plus récente"):
        services.plan_new_version(plan=adopted, user=cast.advisor)


def test_every_change_is_kept_with_who_when_before_and_after(plan, cast):
    action = new_action(plan, cast.advisor)
    services.action_update(
        action=action, data={"progress": 25}, user=cast.referent, base_revision=action.revision
    )
    entry = HistoryEntry.objects.filter(action=action).first()
    assert (entry.user, entry.revision) == (cast.referent, 2)
    assert [(change["before"], change["after"]) for change in entry.changes] == [("0", "25")]
    assert entry.at is not None


def test_history_writes_a_figure_by_its_field_not_by_how_it_was_typed(plan, cast):
    """A stored 125.00 and a typed 12.5 read alike ("125 → 12,5", not "125,00 → 12,5"); amounts in
    euros are money, with their cents, as in the budget tables."""
    action = new_action(plan, cast.advisor, mwh_saved=Decimal("125"))
    action.refresh_from_db()  # as stored: Decimal("125.00")
    line = BudgetLine.objects.create(action=action, year=2025, kind="investment", forecast=Decimal("120000"))
    action = services.action_update(
        action=action, data={"mwh_saved": Decimal("12.5")}, user=cast.advisor, base_revision=action.revision
    )
    line.refresh_from_db()
    line.forecast = Decimal("12500.5")
    services.action_planning_save(
        action=action,
        rows=services.PlanningRows(milestones=[], budget_lines=[line], cofunders=[], deleted=[]),
        user=cast.advisor,
        base_revision=action.revision,
    )
    energy, budget = HistoryEntry.objects.filter(action=action).order_by("at", "pk")[1:]
    assert [(change["before"], change["after"]) for change in energy.changes] == [("125", "12,5")]
    assert [(change["before"], change["after"]) for change in budget.changes] == [
        ("120\u202f000,00\u00a0€", "12\u202f500,50\u00a0€")
    ]


def test_a_stale_revision_is_refused_with_what_changed(plan, cast):
    action = new_action(plan, cast.advisor)
    base = action.revision
    services.action_update(action=action, data={"progress": 50}, user=cast.advisor, base_revision=base)
    with pytest.raises(services.ActionConflict) as conflict:
        services.action_update(action=action, data={"progress": 10}, user=cast.referent, base_revision=base)
    assert [entry.user for entry in conflict.value.entries] == [cast.advisor]
    action.refresh_from_db()
    assert action.progress == 50


def test_an_overdue_milestone_makes_an_action_late_unless_overridden(plan, cast):
    action = new_action(plan, cast.advisor, status=ActionStatus.IN_PROGRESS)
    Milestone.objects.create(action=action, name="Travaux", due_date=timezone.localdate() - timedelta(days=1))
    flagged = selectors.with_flags(Action.objects.filter(pk=action.pk)).get()
    assert selectors.action_is_late(flagged)
    services.action_update(
        action=action,
        data={"late_override_reason": "Report voté en conseil"},
        user=cast.advisor,
        base_revision=action.revision,
    )
    flagged = selectors.with_flags(Action.objects.filter(pk=action.pk)).get()
    assert not selectors.action_is_late(flagged)


def test_an_action_without_update_for_months_is_stale(plan, cast, settings):
    settings.STALE_ACTION_DAYS = 30
    action = new_action(plan, cast.advisor, status=ActionStatus.IN_PROGRESS)
    Action.objects.filter(pk=action.pk).update(updated_at=timezone.now() - timedelta(days=31))
    action.refresh_from_db()
    assert selectors.action_is_stale(action)
    services.note_add(action=action, user=cast.referent, text="Devis reçus")
    action.refresh_from_db()
    assert not selectors.action_is_stale(action)


def test_deliberated_plans_are_counted_in_total_and_by_year(plan, cast, commune):
    deliberate(plan, cast.advisor, on=date(2024, 11, 5))
    counts = selectors.deliberated_plans(commune_ids=[commune.pk, cast.other_commune.pk])
    assert counts == {"total": 1, "by_year": {2024: 1}}


def test_budget_summary_adds_up_by_year_and_kind(plan, cast):
    action = new_action(plan, cast.advisor)
    BudgetLine.objects.create(
        action=action, year=2025, kind="investment", forecast=Decimal("100"), actual=Decimal("90")
    )
    BudgetLine.objects.create(action=action, year=2025, kind="operating", forecast=Decimal("10"))
    other = new_action(plan, cast.advisor, title="Éclairage")
    BudgetLine.objects.create(action=other, year=2026, kind="investment", forecast=Decimal("50"))
    summary = selectors.plan_budget_summary(plan=plan)
    year_2025 = next(row for row in summary.years if row["year"] == 2025)
    assert (year_2025["investment_forecast"], year_2025["operating_forecast"], year_2025["actual"]) == (
        Decimal("100"),
        Decimal("10"),
        Decimal("90"),
    )
    assert summary.totals["forecast"] == Decimal("160")
    assert [row["year"] for row in summary.years] == list(range(2024, 2031))
