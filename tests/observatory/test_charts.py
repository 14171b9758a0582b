"""The observatory's plotly figures: years as categories (estimates included, sparse years to scale), and
one colour per sector, carrier or source that no other part of its list shares."""

import itertools
from types import SimpleNamespace

import pytest

from observatory import charts, selectors
from observatory.models import (
    BatchStatus,
    Carrier,
    Dataset,
    ImportBatch,
    Observation,
    Quantity,
    RenewableSource,
    Sector,
    Status,
)
from observatory.totals import totals_rebuild
from tests.factories import CommuneFactory


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of `colour` against white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[index : index + 2], 16)) for index in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def series(years, estimated=(), parts=("Résidentiel", "Transport routier")):
    return SimpleNamespace(
        years=list(years),
        estimated_years=set(estimated),
        by_part={name: {year: 100.0 for year in years} for name in parts},
        part_order=list(parts),
    )


# --- years as categories ------------------------------------------------------------------------


def test_stacked_bars_put_estimated_years_on_a_category_axis():
    figure = charts.stacked_bars(series([2019, 2020, 2021, 2022], estimated={2021, 2022}), "MWh")

    assert figure["layout"]["xaxis"]["type"] == "category"
    assert figure["data"][0]["x"] == ["2019", "2020", "2021 (e)", "2022 (e)"]


def test_the_trajectory_keeps_sparse_years_to_scale_on_a_category_axis():
    view = SimpleNamespace(emissions=SimpleNamespace(estimated_years={2021}))
    values = {2005: 10.0, 2015: 8.0, 2021: 7.0}

    figure = charts.emissions_against_trajectory(view, values, [(2005, 10.0), (2030, 5.0)], "t CO2e")

    axis = figure["layout"]["xaxis"]
    assert axis["type"] == "category" and axis["categoryorder"] == "array"
    # One slot per year from the first to the last: 2005 → 2015 is ten slots, as 2015 → 2025.
    assert axis["categoryarray"][0] == "2005" and axis["categoryarray"][-1] == "2030"
    assert len(axis["categoryarray"]) == 26 and "2021 (e)" in axis["categoryarray"]
    measured, target = figure["data"]
    assert measured["x"] == ["2005", "2015", "2021 (e)"]
    assert target["x"] == ["2005", "2030"]
    assert set(measured["x"]) | set(target["x"]) <= set(axis["categoryarray"])


# --- colours ------------------------------------------------------------------------------------


def test_the_palette_is_distinct_and_readable_against_white():
    assert len(set(charts.PALETTE)) == len(charts.PALETTE)
    assert all(contrast_with_white(colour) >= 4.5 for colour in charts.PALETTE)


def test_a_list_made_longer_in_the_admin_still_never_repeats_a_colour():
    colours = [charts.palette_colour(index) for index in range(100)]

    assert len(set(colours)) == 100
    assert all(contrast_with_white(colour) >= 3 for colour in colours)  # WCAG 1.4.11, graphics


def test_each_part_keeps_its_colour_whatever_the_other_parts_present():
    everything = series([2020], parts=("Résidentiel", "Branche énergie", "Transport routier"))
    road_only = SimpleNamespace(
        years=[2020],
        estimated_years=set(),
        by_part={"Transport routier": {2020: 1.0}},
        part_order=everything.part_order,
    )

    assert (
        charts.part_colours(everything)["Transport routier"]
        == charts.part_colours(road_only)["Transport routier"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "quantity", "field"),
    [
        (Sector, Quantity.EMISSIONS, "sector"),
        (Carrier, Quantity.CONSUMPTION, "carrier"),
        (RenewableSource, Quantity.PRODUCTION, "source"),
    ],
)
def test_no_two_parts_of_a_list_share_a_colour_on_the_page(model, quantity, field):
    # A part an administrator adds later gets its own colour too.
    model.objects.create(code="added_later", name="Ajouté dans l'administration", order=99)
    commune = CommuneFactory(insee_code="38421")
    dataset = Dataset.objects.get(code="orcae")
    batch = ImportBatch.objects.create(
        dataset=dataset, format="long", original_name="x.csv", file="x.csv", status=BatchStatus.DONE
    )
    observations = []
    for part in model.objects.all():
        observations.append(
            Observation(
                dataset=dataset,
                batch=batch,
                commune=commune,
                year=2020,
                quantity=quantity,
                sector=part if field == "sector" else None,
                energy=part.code if field != "sector" else "",
                value=10,
                status=Status.CONSOLIDATED,
            )
        )
    Observation.objects.bulk_create(observations)
    totals_rebuild()  # written straight into the fact table: its aggregates follow, as after an import
    view = selectors.territory_observatory(commune_ids=[commune.pk], dataset=dataset, commune=commune)
    shown = {
        "sector": view.emissions,
        "carrier": view.consumption_by_carrier,
        "source": view.production,
    }[field]

    figure = charts.stacked_bars(shown, "MWh")

    colours = {trace["name"]: trace["marker"]["color"] for trace in figure["data"]}
    assert set(colours) == set(model.objects.values_list("name", flat=True))
    assert len(set(colours.values())) == len(colours)
    if field == "sector":
        assert colours["Branche énergie"] != colours["Transport routier"]
    for first, second in itertools.combinations(colours.values(), 2):
        assert first != second
