"""Shared fixtures of the reporting tests: a small network with plans, money, meetings and
observatory figures, built around the global `cast`."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from actions.models import Action, ActionStatus, BudgetKind, CoFunderStatus, Theme
from communes.models import Commune, CommuneGroup, Stage
from observatory.models import BatchStatus, Dataset, ImportBatch, Observation, Quantity, Sector
from observatory.totals import totals_rebuild
from tests.actions.factories import (
    ActionFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    adopted_plan,
)
from tests.factories import CommuneFactory
from workgroups.models import Meeting, WorkingGroup


def sign(commune, *, on: datetime.date, stage=Stage.IN_FOLLOW_UP):
    commune.charter_signed_on = on
    commune.stage = stage
    commune.save()
    return commune


def meet(commune, *, days_ago: int):
    group, _created = WorkingGroup.objects.get_or_create(
        commune=commune, defaults={"created_on": datetime.date(2020, 1, 1)}
    )
    return Meeting.objects.create(group=group, starts_at=timezone.now() - datetime.timedelta(days=days_ago))


def observe(communes_values: dict, quantity: str, *, dataset="orcae", sector="residential"):
    """Writes observations {commune: {year: value}} of one quantity straight into the fact table."""
    dataset = Dataset.objects.get(code=dataset)
    batch = ImportBatch.objects.create(
        dataset=dataset, format="long", original_name="orcae.csv", file="x.csv", status=BatchStatus.DONE
    )
    sector_id = Sector.objects.get(code=sector).code if quantity != Quantity.POPULATION else None
    Observation.objects.bulk_create(
        Observation(
            dataset=dataset,
            batch=batch,
            commune=commune,
            year=year,
            quantity=quantity,
            sector_id=sector_id if quantity in (Quantity.CONSUMPTION, Quantity.EMISSIONS) else None,
            value=value,
        )
        for commune, values in communes_values.items()
        for year, value in values.items()
    )
    totals_rebuild()  # written straight into the fact table: its aggregates follow, as after an import


@dataclass
class Network:
    """The cast's commune in follow-up with five actions, a second commune with an older plan, a
    signatory without a plan and a commune that never signed; one group of communes."""

    cast: object
    commune: object
    other: object
    signed_without_plan: object
    never_signed: object
    plan: object
    other_plan: object
    renovation: Action
    lighting: Action
    late: Action
    stale: Action
    abandoned: Action
    south: CommuneGroup
    themes: list


@pytest.fixture
def network(cast):
    themes = list(Theme.objects.order_by("order", "pk")[:2])
    commune = sign(cast.commune, on=datetime.date(2008, 5, 17))
    other = sign(cast.other_commune, on=datetime.date(2007, 3, 1))
    signed_without_plan = sign(
        CommuneFactory(name="Seyssins", insee_code="38486"),
        on=datetime.date(2009, 1, 15),
        stage=Stage.SIGNATORY,
    )
    never_signed = CommuneFactory(name="Sarcenas", insee_code="38472")

    plan = adopted_plan(
        commune, title="Plan climat de Saint-Martin-d'Hères", deliberation_date=datetime.date(2024, 3, 12)
    )
    other_plan = adopted_plan(
        other, title="Plan climat d'Échirolles", deliberation_date=datetime.date(2022, 11, 8)
    )

    renovation = ActionFactory(
        plan=plan,
        theme=themes[0],
        title="Rénover le groupe scolaire Langevin",
        status=ActionStatus.IN_PROGRESS,
        progress=40,
        start_date=datetime.date(2024, 1, 8),
        end_date=datetime.date(2027, 12, 17),
        mwh_saved=Decimal("120"),
        achieved_mwh_saved=Decimal("30"),
        tco2e_avoided=Decimal("24.5"),
    )
    BudgetLineFactory(
        action=renovation,
        year=2024,
        kind=BudgetKind.INVESTMENT,
        forecast=Decimal("100000"),
        actual=Decimal("80000"),
    )
    BudgetLineFactory(
        action=renovation, year=2025, kind=BudgetKind.OPERATING, forecast=Decimal("20000"), actual=None
    )
    CoFunderFactory(
        action=renovation,
        name="Région Auvergne-Rhône-Alpes",
        amount=Decimal("50000"),
        status=CoFunderStatus.GRANTED,
    )
    CoFunderFactory(action=renovation, name="ADEME", amount=Decimal("15000"), status=CoFunderStatus.REQUESTED)

    lighting = ActionFactory(
        plan=plan,
        theme=themes[1],
        title="Éclairage public à LED",
        status=ActionStatus.DONE,
        progress=100,
        start_date=datetime.date(2024, 2, 1),
        end_date=datetime.date(2025, 6, 30),
        mwh_saved=Decimal("40"),
        achieved_mwh_saved=Decimal("45"),
        mwh_renewable=Decimal("10"),
        achieved_mwh_renewable=Decimal("8"),
    )
    BudgetLineFactory(
        action=lighting,
        year=2025,
        kind=BudgetKind.INVESTMENT,
        forecast=Decimal("30000"),
        actual=Decimal("32500"),
    )
    late = ActionFactory(
        plan=plan,
        theme=themes[0],
        title="Isoler la mairie annexe",
        status=ActionStatus.IN_PROGRESS,
        progress=20,
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2026, 6, 30),
    )
    MilestoneFactory(action=late, name="Choix de l'entreprise", due_date=datetime.date(2025, 1, 15))
    stale = ActionFactory(plan=plan, theme=themes[1], title="Plan de déplacements des agents", progress=0)
    Action.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=400))
    abandoned = ActionFactory(
        plan=plan,
        theme=themes[1],
        title="Chaufferie au fioul rénovée",
        status=ActionStatus.ABANDONED,
        mwh_saved=Decimal("1000"),
    )

    ActionFactory(
        plan=other_plan,
        theme=themes[0],
        title="Diagnostic énergétique des gymnases",
        status=ActionStatus.DONE,
        progress=100,
        start_date=datetime.date(2022, 1, 10),
        end_date=datetime.date(2023, 3, 31),
        mwh_saved=Decimal("15"),
        achieved_mwh_saved=Decimal("12"),
    )
    BudgetLineFactory(
        action=other_plan.actions.get(),
        year=2023,
        kind=BudgetKind.OPERATING,
        forecast=Decimal("8000"),
        actual=Decimal("7000"),
    )

    meet(commune, days_ago=30)
    meet(other, days_ago=400)

    south = CommuneGroup.objects.create(territory=cast.territory, name="Sud de l'agglomération", order=1)
    south.communes.set([other])
    return Network(
        cast=cast,
        commune=commune,
        other=other,
        signed_without_plan=signed_without_plan,
        never_signed=never_signed,
        plan=plan,
        other_plan=other_plan,
        renovation=renovation,
        lighting=lighting,
        late=late,
        stale=stale,
        abandoned=abandoned,
        south=south,
        themes=themes,
    )


@pytest.fixture
def observatory_figures(network):
    """Population, consumption, emissions and production of the two communes with plans."""
    commune, other = network.commune, network.other
    observe({commune: {2005: 10000, 2020: 12500}, other: {2005: 30000, 2020: 30000}}, Quantity.POPULATION)
    observe(
        {commune: {2005: 300000, 2020: 250000}, other: {2005: 600000, 2020: 540000}}, Quantity.CONSUMPTION
    )
    observe({commune: {2005: 60000, 2020: 45000}, other: {2005: 150000, 2020: 120000}}, Quantity.EMISSIONS)
    observe({commune: {2005: 15000, 2020: 25000}, other: {2005: 30000, 2020: 81000}}, Quantity.PRODUCTION)
    return network


@pytest.fixture
def observatory_everywhere(observatory_figures):
    """The two communes' figures, and zero for every other commune in 2005 and 2020: every commune of
    the agglomeration has values, so its totals are totals (and still the two communes' sums)."""
    others = list(
        Commune.objects.exclude(pk__in=[observatory_figures.commune.pk, observatory_figures.other.pk])
    )
    for quantity in Quantity.values:
        observe({commune: {2005: 0, 2020: 0} for commune in others}, quantity)
    return observatory_figures
