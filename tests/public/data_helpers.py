"""The data of the open observatory's and the open data's tests: an open dataset of the cast's territory
with small, distinctive values, and the datasets that must never show (demonstration, not open)."""

import datetime

from django.utils import timezone

from actions.models import BudgetKind, FollowUpNote
from observatory.models import Dataset
from tests.actions.factories import (
    ActionFactory,
    BudgetLineFactory,
    MilestoneFactory,
    PlanAxisFactory,
    adopted_plan,
)
from tests.observatory.helpers import import_rows

# The open dataset's values: (insee_code, year, quantity, sector, energy, value, unit, status).
OPEN_ROWS = [
    ("38421", 2020, "consumption", "residential", "electricity", 1234.5, "MWh", "consolidated"),
    ("38421", 2020, "emissions", "residential", "", 98.25, "t CO2e", "consolidated"),
    ("38421", 2020, "production", "", "photovoltaic", 12.75, "MWh", "estimated"),
    ("38421", 2020, "population", "", "", 26000, "inhabitants", "consolidated"),
    ("38151", 2020, "consumption", "road_transport", "oil_products", 4321, "MWh", "consolidated"),
]

# Values no public page or file may ever show: the demonstration data's and a dataset not open's.
SECRET_DEMO_VALUE = 777111.0
SECRET_CLOSED_VALUE = 888222.0


def open_dataset(territory, code="metro-ouvert", **fields) -> Dataset:
    values = {
        "code": code,
        "name": "Observatoire ouvert de la Métro",
        "name_en": "The Métro's open observatory",
        "producer": "Grenoble-Alpes Métropole",
        "url": "https://data.example.org/observatoire",
        "description": "Séries ouvertes par commune.",
        "territory": territory,
        "is_open": True,
        "priority": 5,
        **fields,
    }
    return Dataset.objects.create(**values)


def open_dataset_with_values(cast, rows=OPEN_ROWS, **fields) -> Dataset:
    dataset = open_dataset(cast.territory, **fields)
    import_rows(rows, dataset_code=dataset.code, user=cast.metro_officer)
    return dataset


def whole_territory_rows(value: float, year: int = 2021) -> list[tuple]:
    """Every quantity of both communes of the cast's territory in one year: a complete year, whose totals
    the observatory shows (each commune's consumption and emissions `value`)."""
    rows = []
    for code in ("38421", "38151"):
        rows += [
            (code, year, "consumption", "residential", "electricity", value, "MWh", "consolidated"),
            (code, year, "emissions", "residential", "", value, "t CO2e", "consolidated"),
            (code, year, "production", "", "hydro", value, "MWh", "consolidated"),
            (code, year, "population", "", "", 10000, "inhabitants", "consolidated"),
        ]
    return rows


def hidden_datasets(cast) -> None:
    """The demonstration data and the ORCAE series (not open) with values of the cast's communes."""
    import_rows(whole_territory_rows(SECRET_DEMO_VALUE), dataset_code="demo", user=cast.admin)
    import_rows(whole_territory_rows(SECRET_CLOSED_VALUE), dataset_code="orcae", user=cast.metro_officer)


def published_plan(cast):
    """An adopted, published plan of the cast's commune: an axis with a sub-axis, two actions (one with
    milestones, budget lines, a person responsible and a follow-up note that must never be public)."""
    plan = adopted_plan(
        cast.commune,
        title="Plan climat 2024-2030",
        published_at=timezone.make_aware(datetime.datetime(2024, 4, 2, 10, 0)),
        published_by=cast.referent,
    )
    axis = PlanAxisFactory(plan=plan, title="Bâtiments", order=1)
    sub_axis = PlanAxisFactory(plan=plan, title="Écoles", parent=axis, order=2)
    first = ActionFactory(
        plan=plan,
        axis=sub_axis,
        title="Rénover l'école Langevin",
        owner=cast.staff,
        owner_name="Service des bâtiments secret",
        elected_referent="Mme la maire adjointe",
        status="in_progress",
        progress=40,
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2026, 8, 31),
        mwh_saved="120.50",
        tco2e_avoided="24.10",
        achieved_mwh_saved="30.25",
        order=1,
    )
    BudgetLineFactory(
        action=first, year=2024, kind=BudgetKind.INVESTMENT, forecast="150000.00", actual="42000.50"
    )
    BudgetLineFactory(action=first, year=2025, kind=BudgetKind.OPERATING, forecast="2500.00", actual=None)
    MilestoneFactory(
        action=first, name="Études", due_date=datetime.date(2024, 12, 15), done_on=datetime.date(2024, 12, 10)
    )
    MilestoneFactory(action=first, name="Travaux", due_date=datetime.date(2026, 6, 30))
    FollowUpNote.objects.create(
        action=first, author=cast.referent, date=datetime.date(2025, 1, 5), text="Note interne confidentielle"
    )
    second = ActionFactory(plan=plan, axis=None, title="Éclairage public LED", order=2)
    return plan, first, second
