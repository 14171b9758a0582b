"""The observatory's reads: series of a territory, per inhabitant, against the targets, and the communes
compared.

The observations are written directly (the importer has its own tests), with the codes of the managed
lists shipped by the data migration."""

from decimal import Decimal

import pytest

from observatory import selectors
from observatory.models import (
    Basis,
    BatchStatus,
    Dataset,
    ImportBatch,
    Observation,
    Quantity,
    Sector,
    Status,
    Target,
)
from observatory.totals import totals_rebuild
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


class Observatory:
    """Writes observations of one dataset, each batch recorded as an import of that dataset."""

    def __init__(self, code="orcae"):
        self.dataset = Dataset.objects.get(code=code)
        self.batch = ImportBatch.objects.create(
            dataset=self.dataset,
            format="long",
            original_name=f"{code}.csv",
            file="x.csv",
            status=BatchStatus.DONE,
        )

    def add(self, commune, year, quantity, value, *, sector=None, carrier=None, source=None, estimate=False):
        observation = Observation.objects.create(
            dataset=self.dataset,
            batch=self.batch,
            commune=commune,
            year=year,
            quantity=quantity,
            sector=Sector.objects.get(code=sector) if sector else None,
            energy=carrier or source,
            value=value,
            status=Status.ESTIMATED if estimate else Status.CONSOLIDATED,
        )
        # Written straight into the fact table: its aggregates follow, as after an import.
        totals_rebuild(dataset_id=self.dataset.pk)
        return observation

    def population(self, commune, values: dict[int, float]):
        for year, value in values.items():
            self.add(commune, year, Quantity.POPULATION, value)

    def emissions(self, commune, values: dict[int, float], sector="residential"):
        for year, value in values.items():
            self.add(commune, year, Quantity.EMISSIONS, value, sector=sector)

    def consumption(self, commune, values: dict[int, float], sector="residential", carrier="electricity"):
        for year, value in values.items():
            self.add(commune, year, Quantity.CONSUMPTION, value, sector=sector, carrier=carrier)

    def production(self, commune, values: dict[int, float], source="photovoltaic"):
        for year, value in values.items():
            self.add(commune, year, Quantity.PRODUCTION, value, source=source)


@pytest.fixture
def orcae():
    return Observatory("orcae")


@pytest.fixture
def towns(db):
    return [
        CommuneFactory(insee_code="38421", name="Saint-Martin-d'Hères"),
        CommuneFactory(insee_code="38151", name="Échirolles"),
        CommuneFactory(insee_code="38185", name="Grenoble"),
    ]


def territory(observatory, communes, commune=None):
    """The communes' observatory against the commune's targets, or else their territory's."""
    return selectors.territory_observatory(
        commune_ids=[c.pk for c in communes],
        dataset=observatory.dataset,
        commune=commune,
        territory_id=communes[0].territory_id,
    )


# --- series ----------------------------------------------------------------------------------------


@pytest.fixture
def two_towns(orcae, towns):
    a, b, outside = towns
    for town, scale in ((a, 1), (b, 2)):
        orcae.population(town, {2005: 10000 * scale, 2020: 12500 * scale})
        orcae.consumption(town, {2005: 100 * scale, 2020: 80 * scale}, "residential", "electricity")
        orcae.consumption(town, {2005: 50 * scale, 2020: 60 * scale}, "residential", "natural_gas")
        orcae.consumption(town, {2005: 200 * scale, 2020: 160 * scale}, "road_transport", "oil_products")
        orcae.emissions(town, {2005: 30 * scale, 2020: 20 * scale}, "residential")
        orcae.emissions(town, {2005: 70 * scale, 2020: 55 * scale}, "road_transport")
        orcae.production(town, {2005: 7 * scale, 2020: 20 * scale}, "photovoltaic")
        orcae.production(town, {2005: 10.5 * scale, 2020: 13 * scale}, "hydro")
    orcae.add(b, 2020, Quantity.EMISSIONS, 5, sector="waste", estimate=True)
    # Neither another commune nor another dataset counts.
    orcae.emissions(outside, {2005: 1000, 2020: 1000})
    Observatory("demo").emissions(a, {2005: 5000, 2020: 5000})
    return a, b


def test_totals_by_year_sector_carrier_and_source(orcae, two_towns):
    view = territory(orcae, two_towns)

    assert view.dataset == orcae.dataset
    assert view.consumption.years == [2005, 2020]
    assert view.consumption.totals == pytest.approx({2005: 3 * 350, 2020: 3 * 300})
    assert view.emissions.totals == pytest.approx({2005: 300, 2020: 3 * 75 + 5})
    assert view.production.totals == pytest.approx({2005: 3 * 17.5, 2020: 3 * 33})
    assert view.population == pytest.approx({2005: 30000, 2020: 37500})

    assert view.consumption.by_part == {
        "Résidentiel": pytest.approx({2005: 3 * 150, 2020: 3 * 140}),
        "Transport routier": pytest.approx({2005: 3 * 200, 2020: 3 * 160}),
    }
    assert view.emissions.by_part == {
        "Déchets": pytest.approx({2020: 5}),
        "Résidentiel": pytest.approx({2005: 90, 2020: 60}),
        "Transport routier": pytest.approx({2005: 210, 2020: 165}),
    }
    assert view.consumption_by_carrier.by_part == {
        "Gaz naturel": pytest.approx({2005: 150, 2020: 180}),
        "Produits pétroliers": pytest.approx({2005: 600, 2020: 480}),
        "Électricité": pytest.approx({2005: 300, 2020: 240}),
    }
    assert view.consumption_by_carrier.totals == pytest.approx(view.consumption.totals)
    assert view.production.by_part == {
        "Hydroélectricité": pytest.approx({2005: 31.5, 2020: 39}),
        "Photovoltaïque": pytest.approx({2005: 21, 2020: 60}),
    }
    assert view.emissions.estimated_years == {2020}
    assert view.consumption.estimated_years == set()
    assert [batch.pk for batch in view.provenance] == [orcae.batch.pk]


def test_per_inhabitant_change_since_reference_and_renewable_share(orcae, two_towns):
    view = territory(orcae, two_towns)

    assert view.reference_year == 2005
    assert view.per_inhabitant(view.consumption) == pytest.approx({2005: 1050 / 30000, 2020: 900 / 37500})
    assert view.per_inhabitant(view.emissions) == pytest.approx({2005: 0.01, 2020: 230 / 37500})
    assert view.change_since_reference(view.emissions.totals) == pytest.approx(
        {2005: 0.0, 2020: -100 * 70 / 300}
    )
    assert view.renewable_share == pytest.approx({2005: 100 * 52.5 / 1050, 2020: 100 * 99 / 900})


def test_one_commune_is_its_own_territory(orcae, two_towns):
    a, _b = two_towns
    view = territory(orcae, [a], commune=a)

    assert view.emissions.totals == pytest.approx({2005: 100, 2020: 75})
    assert view.per_inhabitant(view.emissions) == pytest.approx({2005: 0.01, 2020: 0.006})
    assert view.emissions.estimated_years == set()


def test_no_dataset_means_no_figures(towns):
    view = selectors.territory_observatory(commune_ids=[t.pk for t in towns], dataset=None)
    assert (view.consumption.totals, view.emissions.years, view.population, view.provenance) == (
        {},
        [],
        {},
        [],
    )
    assert all(item.reference_value is None and item.gap_pct is None for item in view.ghg_targets)


# --- against the targets ---------------------------------------------------------------------------


@pytest.fixture
def halving(towns):
    """GHG −50 % in total by 2030 against 2005, as the commune's own target (the only one it has)."""
    return Target.objects.create(
        territory=towns[0].territory,
        commune=towns[0],
        reference_year=2005,
        target_year=2030,
        ghg_reduction_pct=Decimal("50"),
        ghg_basis=Basis.TOTAL,
    )


@pytest.mark.parametrize(
    "latest, gap",
    [
        (800, 100 * (800 - 700) / 700),  # above the line: behind, positive
        (600, 100 * (600 - 700) / 700),  # below the line: ahead, negative
    ],
)
def test_a_ghg_target_halving_total_emissions_by_2030(orcae, towns, halving, latest, gap):
    town = towns[0]
    orcae.emissions(town, {2005: 1000, 2012: 900, 2020: latest})
    view = territory(orcae, [town], commune=town)

    assert view.targets == [halving]
    assert view.consumption_targets == [] and view.renewable_targets == []
    [item] = view.ghg_targets
    assert item.target == halving
    assert item.reference_value == pytest.approx(1000)
    assert item.target_value == pytest.approx(500)
    assert (item.latest_year, item.latest_value) == (2020, pytest.approx(latest))
    # On the straight line from 1000 in 2005 to 500 in 2030: 15 years of 25 → 1000 − 0.6 × 500.
    assert item.expected_now == pytest.approx(700)
    assert item.gap_pct == pytest.approx(gap)
    assert (item.gap_pct > 0) == (latest > 700)
    assert selectors.trajectory(view, view.emissions.totals, view.ghg_targets) == [
        (2005, pytest.approx(1000)),
        (2030, pytest.approx(500)),
    ]


def test_past_the_target_year_the_expected_value_is_the_target(orcae, towns, halving):
    town = towns[0]
    orcae.emissions(town, {2005: 1000, 2031: 450})
    [item] = territory(orcae, [town], commune=town).ghg_targets
    assert item.expected_now == pytest.approx(500)
    assert item.gap_pct == pytest.approx(-10)


def test_the_agglomeration_uses_the_shipped_targets(orcae, towns):
    town = towns[0]
    orcae.population(town, {2005: 10000, 2020: 11000})
    orcae.emissions(town, {2005: 1000, 2020: 800})
    orcae.consumption(town, {2005: 20000, 2020: 19800})
    orcae.production(town, {2005: 400, 2020: 3960})
    view = territory(orcae, [town])

    assert [t.target_year for t in view.targets] == [2014, 2020, 2030]
    ghg = {item.target.target_year: item for item in view.ghg_targets}
    # 2030: −50 % in total.
    assert (ghg[2030].reference_value, ghg[2030].target_value) == (pytest.approx(1000), pytest.approx(500))
    assert ghg[2030].expected_now == pytest.approx(700)
    assert ghg[2030].gap_pct == pytest.approx(100 * 100 / 700)
    # 2014: −14 % per inhabitant.
    assert ghg[2014].reference_value == pytest.approx(0.1)
    assert ghg[2014].target_value == pytest.approx(0.086)
    assert ghg[2014].latest_value == pytest.approx(800 / 11000)


def test_a_consumption_target_per_inhabitant_is_computed_on_per_inhabitant_values(orcae, towns):
    town = towns[0]
    orcae.population(town, {2005: 10000, 2020: 11000})
    orcae.consumption(town, {2005: 20000, 2020: 19800})
    orcae.production(town, {2005: 400, 2020: 3960})
    view = territory(orcae, [town])

    consumption = {item.target.target_year: item for item in view.consumption_targets}
    # 2020: −30 % per inhabitant: 2 MWh per inhabitant in 2005, 1.8 in 2020, 1.4 expected.
    item = consumption[2020]
    assert item.target.consumption_basis == Basis.PER_INHABITANT
    assert item.reference_value == pytest.approx(2.0)
    assert item.target_value == pytest.approx(1.4)
    assert (item.latest_year, item.latest_value) == (2020, pytest.approx(1.8))
    assert item.expected_now == pytest.approx(1.4)
    assert item.gap_pct == pytest.approx(100 * 0.4 / 1.4)
    # 2030: −40 % in total.
    assert consumption[2030].reference_value == pytest.approx(20000)
    assert consumption[2030].target_value == pytest.approx(12000)

    renewables = {item.target.target_year: item for item in view.renewable_targets}
    # 2020: 20 % of consumption; 2 % in 2005, 20 % reached in 2020.
    assert renewables[2020].reference_value == pytest.approx(2.0)
    assert renewables[2020].target_value == pytest.approx(20.0)
    assert renewables[2020].latest_value == pytest.approx(20.0)
    assert renewables[2020].gap_pct == pytest.approx(0.0)


def test_without_the_reference_year_a_target_has_no_trajectory(orcae, towns, halving):
    town = towns[0]
    orcae.emissions(town, {2010: 1000, 2020: 800})
    view = territory(orcae, [town], commune=town)

    [item] = view.ghg_targets
    assert (item.reference_value, item.target_value, item.expected_now, item.gap_pct) == (
        None,
        None,
        None,
        None,
    )
    assert (item.latest_year, item.latest_value) == (2020, pytest.approx(800))
    assert view.change_since_reference(view.emissions.totals) == {}
    assert selectors.trajectory(view, view.emissions.totals, view.ghg_targets) == []


# --- missing values stay missing ------------------------------------------------------------------


def test_a_missing_year_stays_missing_not_zero(orcae, towns, halving):
    town = towns[0]
    orcae.population(town, {2005: 10000, 2015: 10500, 2020: 11000})  # no 2022 population
    orcae.emissions(town, {2005: 1000, 2020: 800, 2022: 760})  # no 2015 emissions
    orcae.consumption(town, {2005: 20000, 2015: 20500, 2020: 19800, 2022: 19000})
    orcae.production(town, {2005: 400, 2020: 3960})  # no 2015 nor 2022 production
    view = territory(orcae, [town], commune=town)

    assert view.emissions.years == [2005, 2020, 2022]
    assert 2015 not in view.emissions.totals
    assert 2015 not in view.emissions.by_part["Résidentiel"]
    emissions_per_inhabitant = view.per_inhabitant(view.emissions)
    assert set(emissions_per_inhabitant) == {2005, 2020}  # 2015: no emissions; 2022: no population
    assert set(view.per_inhabitant(view.consumption)) == {2005, 2015, 2020}
    assert set(view.change_since_reference(view.emissions.totals)) == {2005, 2020, 2022}
    assert set(view.renewable_share) == {2005, 2020}
    # The latest GHG value is the latest year with emissions.
    [item] = view.ghg_targets
    assert (item.latest_year, item.latest_value) == (2022, pytest.approx(760))


def test_a_commune_missing_a_year_makes_that_year_partial_not_a_total(orcae, towns):
    a, b, _c = towns
    orcae.emissions(a, {2005: 100, 2020: 80})
    orcae.emissions(b, {2005: 50})
    view = territory(orcae, [a, b])
    assert view.emissions.totals == pytest.approx({2005: 150})
    assert view.emissions.partial_totals == pytest.approx({2020: 80})
    assert view.emissions.years == [2005]
    assert view.partial_years == [2020]


# --- communes compared -------------------------------------------------------------------------------


def test_communes_comparison_gives_per_inhabitant_values_per_commune(orcae, towns):
    a, b, c = towns
    orcae.population(a, {2005: 10000, 2020: 12500})
    orcae.consumption(a, {2005: 20000, 2020: 25000}, "residential", "electricity")
    orcae.consumption(a, {2020: 5000}, "tertiary", "natural_gas")
    orcae.emissions(a, {2005: 1000, 2020: 750})
    orcae.production(a, {2020: 1500})
    orcae.population(b, {2020: 4000})
    orcae.emissions(b, {2020: 200})
    Observatory("demo").emissions(a, {2020: 99999})

    rows = selectors.communes_comparison(
        communes=[a, b, c], dataset=orcae.dataset, year=2020, reference_year=2005
    )

    assert [(row.commune_id, row.insee_code, row.name) for row in rows] == [
        (a.pk, "38421", "Saint-Martin-d'Hères"),
        (b.pk, "38151", "Échirolles"),
        (c.pk, "38185", "Grenoble"),
    ]
    first, second, third = rows
    assert first.population == pytest.approx(12500)
    assert first.consumption_per_inhabitant == pytest.approx(30000 / 12500)
    assert first.emissions_per_inhabitant == pytest.approx(0.06)
    assert first.renewable_share == pytest.approx(5.0)
    assert first.emissions_change == pytest.approx(-25.0)
    assert second.emissions_per_inhabitant == pytest.approx(0.05)
    assert (second.consumption_per_inhabitant, second.renewable_share, second.emissions_change) == (
        None,
        None,
        None,
    )
    assert (third.population, third.emissions_per_inhabitant) == (None, None)


def test_communes_comparison_without_data_is_empty(towns, orcae):
    assert selectors.communes_comparison(communes=towns, dataset=None, year=2020, reference_year=2005) == []
    assert (
        selectors.communes_comparison(communes=towns, dataset=orcae.dataset, year=None, reference_year=2005)
        == []
    )


def test_the_selectors_cost_a_fixed_number_of_queries(orcae, django_assert_max_num_queries):
    communes = [CommuneFactory() for _ in range(12)]
    for index, commune in enumerate(communes):
        years = range(2005, 2010 + index)
        orcae.population(commune, dict.fromkeys(years, 1000))
        orcae.emissions(commune, dict.fromkeys(years, 10))
        orcae.consumption(commune, dict.fromkeys(years, 100))
        orcae.production(commune, dict.fromkeys(years, 1))
    for size in (2, 12):
        with django_assert_max_num_queries(13):
            view = territory(orcae, communes[:size])
            len(view.provenance)
        with django_assert_max_num_queries(1):
            rows = selectors.communes_comparison(
                communes=communes[:size], dataset=orcae.dataset, year=2009, reference_year=2005
            )
        assert len(rows) == size
