"""The budget grid of an action: every year of its plan, investment and operating, forecast and actual,
saved at once."""

from decimal import Decimal

import pytest
from django.utils import translation

from actions.models import BudgetLine, HistoryEntry
from tests.actions.factories import ActionFactory, BudgetLineFactory
from tests.actions.helpers import ACTION_EDITORS, ACTION_REFUSED, adopt, grid_data, url

pytestmark = pytest.mark.django_db


def lines_of(action):
    return list(
        action.budget_lines.order_by("year", "kind").values_list("year", "kind", "forecast", "actual")
    )


@pytest.mark.parametrize("role", ACTION_EDITORS)
def test_plan_editors_and_the_staff_owner_fill_the_grid_in_one_save(as_role, scene, role):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_budget", action.pk)).status_code == 200
    response = client.post(
        url("action_budget", action.pk),
        grid_data(
            action,
            {
                "investment-forecast-2025": "12 500,50",
                "investment-forecast-2026": "80000",
                "investment-actual-2025": "12\u202f000",
                "operating-forecast-2026": "1 500",
                "operating-actual-2027": "250,5",
            },
        ),
    )
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert lines_of(action) == [
        (2025, "investment", Decimal("12500.50"), Decimal("12000.00")),
        (2026, "investment", Decimal("80000.00"), None),
        (2026, "operating", Decimal("1500.00"), None),
        (2027, "operating", Decimal("0.00"), Decimal("250.50")),
    ]
    action.refresh_from_db()
    assert (action.revision, action.updated_by) == (2, scene.user(role))
    entry = HistoryEntry.objects.get(action=action)
    assert entry.revision == 2
    assert len(entry.changes) == 6


@pytest.mark.parametrize("role, status", ACTION_REFUSED)
def test_others_cannot_open_nor_save_the_grid(as_role, scene, role, status):
    client = as_role(role)
    action = scene.action
    assert client.get(url("action_budget", action.pk)).status_code == status
    response = client.post(
        url("action_budget", action.pk), grid_data(action, {"investment-forecast-2025": "1"})
    )
    assert response.status_code == status
    assert lines_of(action) == []


def test_a_staff_member_opens_only_the_grids_of_their_actions(as_role, scene):
    other = ActionFactory(plan=scene.plan, owner=scene.cast.staff)
    assert as_role("staff_owner").get(url("action_budget", other.pk)).status_code == 403


def test_the_grid_shows_every_year_of_the_plan_with_the_saved_amounts_and_totals(as_role, scene):
    action = scene.action
    BudgetLineFactory(
        action=action, year=2025, kind="investment", forecast=Decimal("1000"), actual=Decimal("900")
    )
    BudgetLineFactory(action=action, year=2026, kind="operating", forecast=Decimal("500"))
    with translation.override("fr"):
        response = as_role("advisor").get(url("action_budget", action.pk), HTTP_ACCEPT_LANGUAGE="fr")
    form = response.context["form"]
    assert form.years == list(range(2024, 2031))
    html = response.content.decode()
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert form["investment-forecast-2025"].label == "Investissement, prévu, 2025"
    label = 'for="id_operating-actual-2030">Fonctionnement, réalisé, 2030</label>'
    assert label in html
    assert form["investment-forecast-2025"].value() == Decimal("1000")
    assert form["operating-actual-2026"].value() is None
    budget = response.context["budget"]
    assert budget.row_totals[("investment", "forecast")] == Decimal("1000")
    assert budget.row_totals[("operating", "actual")] is None
    assert budget.year_totals["forecast"][1:3] == [Decimal("1000"), Decimal("500")]
    assert budget.totals == {"forecast": Decimal("1500"), "actual": Decimal("900")}


def test_a_year_outside_a_shortened_period_keeps_its_column(as_role, scene):
    action = scene.action
    BudgetLineFactory(action=action, year=2031, forecast=Decimal("1000"))
    response = as_role("advisor").get(url("action_budget", action.pk))
    assert response.context["form"].years[-1] == 2031


def test_cleared_cells_delete_the_line_or_its_actual(as_role, scene):
    action = scene.action
    BudgetLineFactory(
        action=action, year=2025, kind="investment", forecast=Decimal("1000"), actual=Decimal("900")
    )
    BudgetLineFactory(
        action=action, year=2026, kind="investment", forecast=Decimal("2000"), actual=Decimal("100")
    )
    BudgetLineFactory(action=action, year=2027, kind="operating", forecast=Decimal("0"), actual=Decimal("40"))
    data = grid_data(
        action,
        {
            # 2025: both cleared → no line; 2026: actual cleared → kept, nothing spent; 2027: a zero
            # forecast and no actual is an empty line → deleted.
            "investment-forecast-2026": "2000",
            "operating-forecast-2027": "0",
        },
    )
    response = as_role("advisor").post(url("action_budget", action.pk), data)
    assert response.status_code == 302
    assert lines_of(action) == [(2026, "investment", Decimal("2000.00"), None)]


def test_a_save_without_change_records_no_history(as_role, scene):
    action = scene.action
    BudgetLineFactory(action=action, year=2025, kind="investment", forecast=Decimal("1000"))
    response = as_role("advisor").post(
        url("action_budget", action.pk), grid_data(action, {"investment-forecast-2025": "1 000,00"})
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.revision == 1 and not HistoryEntry.objects.filter(action=action).exists()


@pytest.mark.parametrize(
    "value, message",
    [
        ("douze", "n'est pas un nombre"),
        ("-5", "supérieure ou égale à 0"),
        ("12,5555", "2 chiffres après la virgule"),
        ("12,345", "peut se lire de deux façons"),
    ],
)
def test_a_bad_amount_is_shown_in_its_cell_and_nothing_is_saved(as_role, scene, value, message):
    action = scene.action
    BudgetLineFactory(action=action, year=2025, kind="investment", forecast=Decimal("1000"))
    data = grid_data(action, {"investment-forecast-2025": "2000", "operating-actual-2026": value})
    with translation.override("fr"):
        response = as_role("advisor").post(url("action_budget", action.pk), data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-describedby="id_operating-actual-2026-error"' in html
    assert 'id="id_operating-actual-2026-error"' in html
    assert message in " ".join(response.context["form"].errors["operating-actual-2026"])
    assert "Rien n'a été enregistré" in response.context["error_message"]
    assert lines_of(action) == [(2025, "investment", Decimal("1000.00"), None)]


def test_after_adoption_forecasts_are_frozen_and_actuals_stay_editable(as_role, scene):
    action = scene.action
    BudgetLineFactory(action=action, year=2025, kind="investment", forecast=Decimal("1000"))
    adopt(scene.plan)
    client = as_role("referent")
    response = client.get(url("action_budget", action.pk))
    form = response.context["form"]
    assert form.fields["investment-forecast-2025"].disabled
    assert not form.fields["investment-actual-2025"].disabled
    # A changed forecast is ignored (disabled), the actuals are recorded, even for a year without a forecast.
    data = grid_data(
        action,
        {
            "investment-forecast-2025": "999999",
            "investment-actual-2025": "1 050",
            "operating-actual-2026": "75",
        },
    )
    response = client.post(url("action_budget", action.pk), data)
    assert response.status_code == 302
    assert lines_of(action) == [
        (2025, "investment", Decimal("1000.00"), Decimal("1050.00")),
        (2026, "operating", Decimal("0.00"), Decimal("75.00")),
    ]
    # Spending with no line reads as not planned, as in the follow-up form; the grid shows no forecast.
    assert list(action.budget_lines.order_by("year").values_list("added_after_adoption", flat=True)) == [
        False,
        True,
    ]
    form = client.get(url("action_budget", action.pk)).context["form"]
    assert form["operating-forecast-2026"].value() is None

    # Emptied, the adopted line stays (it is part of the voted version); the unplanned one goes.
    action.refresh_from_db()
    response = client.post(url("action_budget", action.pk), grid_data(action))
    assert response.status_code == 302
    assert lines_of(action) == [(2025, "investment", Decimal("1000.00"), None)]


def test_the_service_refuses_a_forecast_change_after_adoption(scene):
    from django.core.exceptions import ValidationError

    from actions import services

    action = scene.action
    BudgetLineFactory(action=action, year=2025, kind="investment", forecast=Decimal("1000"))
    adopt(scene.plan)
    with pytest.raises(ValidationError):
        services.action_budget_save(
            action=action,
            cells={("investment", 2025): (None, None)},
            user=scene.cast.advisor,
            base_revision=action.revision,
        )
    with pytest.raises(ValidationError):
        services.action_budget_save(
            action=action,
            cells={("operating", 2026): (Decimal("5"), None)},
            user=scene.cast.advisor,
            base_revision=action.revision,
        )
    assert BudgetLine.objects.get().forecast == Decimal("1000")


def test_the_service_refuses_a_year_outside_the_plan(scene):
    from django.core.exceptions import ValidationError

    from actions import services

    with pytest.raises(ValidationError, match="2035"):
        services.action_budget_save(
            action=scene.action,
            cells={("investment", 2035): (Decimal("5"), None)},
            user=scene.cast.advisor,
            base_revision=scene.action.revision,
        )
    assert not BudgetLine.objects.exists()


def test_a_stale_grid_is_refused_with_what_changed(as_role, scene):
    action = scene.action
    data = grid_data(action, {"investment-forecast-2025": "5000"}, revision=1)
    as_role("referent").post(
        url("action_budget", action.pk), grid_data(action, {"operating-forecast-2026": "10"})
    )
    response = as_role("advisor").post(url("action_budget", action.pk), data)
    assert response.status_code == 200 and response.context["conflict"]
    assert lines_of(action) == [(2026, "operating", Decimal("10.00"), None)]


def test_the_grid_view_runs_a_constant_number_of_queries(as_role, scene, django_assert_max_num_queries):
    action = scene.action
    for year in range(2024, 2031):
        BudgetLineFactory(action=action, year=year, kind="investment", actual=Decimal("5"))
        BudgetLineFactory(action=action, year=year, kind="operating")
    client = as_role("advisor")
    with django_assert_max_num_queries(5):  # whatever the number of lines (14 here)
        assert client.get(url("action_budget", action.pk)).status_code == 200


def test_a_line_left_outside_the_plan_period_must_be_emptied_before_saving(as_role, scene):
    action = scene.action
    BudgetLineFactory(action=action, year=2031, forecast=Decimal("1000"))
    client = as_role("referent")
    cells = {"investment-forecast-2025": "500", "investment-forecast-2031": "1000"}
    response = client.post(url("action_budget", action.pk), grid_data(action, cells))
    assert response.status_code == 200
    assert "2031" in response.context["error_message"]
    assert lines_of(action) == [(2031, "investment", Decimal("1000.00"), None)]
    cells = {"investment-forecast-2025": "1500", "investment-forecast-2031": ""}
    response = client.post(url("action_budget", action.pk), grid_data(action, cells))
    assert response.status_code == 302
    assert lines_of(action) == [(2025, "investment", Decimal("1500.00"), None)]
