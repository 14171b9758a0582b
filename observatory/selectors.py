"""Reads of the observatory: series by year, sector, energy and source, per inhabitant, against the
targets. Every aggregation runs in SQL; each selector costs a fixed number of queries whatever the
number of years or communes."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from communes.models import Commune, Epci

from .models import (
    Basis,
    BatchStatus,
    Carrier,
    Dataset,
    ImportBatch,
    Observation,
    Quantity,
    RenewableSource,
    Sector,
    Status,
    Target,
)


@dataclass
class Series:
    """Yearly values of one quantity for a territory (a commune or several)."""

    quantity: str
    years: list[int]
    totals: dict[int, float]
    # {(part name): {year: value}}, parts being sectors, carriers or sources
    by_part: dict[str, dict[int, float]]
    estimated_years: set[int] = field(default_factory=set)


def _part_names() -> dict[str, dict[str, str]]:
    """{part: {code: name}}: the fact table refers to sectors, carriers and sources by code."""
    return {
        "sector": dict(Sector.objects.values_list("code", "name")),
        "carrier": dict(Carrier.objects.values_list("code", "name")),
        "source": dict(RenewableSource.objects.values_list("code", "name")),
    }


# The fact table's column naming each part: the sector's code, or the energy's (a carrier's code for a
# consumption, a source's for a production).
PART_COLUMNS = {"sector": "sector_id", "carrier": "energy", "source": "energy"}


def communes_by_ids(commune_ids):
    """The communes of these ids, as the fact table's references take them (by INSEE code, in SQL)."""
    return Commune.objects.filter(pk__in=commune_ids)


def datasets_with_data(*, commune_ids=None):
    """The datasets holding values (of these communes, when given), in the order pages show them: the
    first is the one shown by default. One query when evaluated."""
    has_data = Observation.objects.filter(dataset=OuterRef("pk"))
    if commune_ids is not None:
        has_data = has_data.filter(commune__in=communes_by_ids(commune_ids))
    return Dataset.objects.filter(Exists(has_data)).order_by("priority", "name")


def _series(observations, quantity: str, part: str | None, names: dict | None = None) -> Series:
    rows = observations.filter(quantity=quantity)
    totals: dict[int, float] = defaultdict(float)
    by_part: dict[str, dict[int, float]] = defaultdict(dict)
    estimated: set[int] = set()
    if part:
        names = (names or _part_names())[part]
        column = PART_COLUMNS[part]
        for year, code, value, estimate in (
            rows.values("year", column)
            .annotate(total=Sum("value"), estimate=Count("pk", filter=Q(status=Status.ESTIMATED)))
            .values_list("year", column, "total", "estimate")
        ):
            name = names.get(code, "—")
            by_part[name][year] = by_part[name].get(year, 0) + value
            totals[year] += value
            if estimate:
                estimated.add(year)
    else:
        for year, value, estimate in (
            rows.values("year")
            .annotate(total=Sum("value"), estimate=Count("pk", filter=Q(status=Status.ESTIMATED)))
            .values_list("year", "total", "estimate")
        ):
            totals[year] = value
            if estimate:
                estimated.add(year)
    return Series(
        quantity=quantity,
        years=sorted(totals),
        totals=dict(totals),
        by_part={name: by_part[name] for name in sorted(by_part)},
        estimated_years=estimated,
    )


@dataclass
class TrajectoryPoint:
    year: int
    target_value: float


@dataclass
class TargetView:
    target: Target
    reference_value: float | None
    target_value: float | None
    latest_year: int | None
    latest_value: float | None
    expected_now: float | None  # on the straight line from the reference year to the target
    gap_pct: float | None  # latest vs expected, in % of the expected value (positive: behind)


@dataclass
class TerritoryObservatory:
    dataset: Dataset | None
    consumption: Series
    emissions: Series
    production: Series
    population: dict[int, float]
    consumption_by_carrier: Series
    reference_year: int
    targets: list[Target]
    ghg_targets: list[TargetView]
    consumption_targets: list[TargetView]
    renewable_targets: list[TargetView]
    provenance: list[ImportBatch]

    def per_inhabitant(self, series: Series) -> dict[int, float]:
        return {
            year: value / self.population[year]
            for year, value in series.totals.items()
            if self.population.get(year)
        }

    @property
    def renewable_share(self) -> dict[int, float]:
        return {
            year: 100 * self.production.totals[year] / value
            for year, value in self.consumption.totals.items()
            if value and year in self.production.totals
        }

    def change_since_reference(self, values: dict[int, float]) -> dict[int, float]:
        reference = values.get(self.reference_year)
        if not reference:
            return {}
        return {year: 100 * (value - reference) / reference for year, value in values.items()}


def territory_targets(*, commune=None) -> list[Target]:
    """The targets a territory works to: a commune's own, else the agglomeration's. The agglomeration's
    targets are those of one EPCI's climate plan (Epci.holds_agglomeration_targets): a commune of another
    EPCI has none. One or two queries."""
    if commune is not None:
        own = list(Target.objects.filter(commune=commune).order_by("target_year"))
        if own:
            return own
        holder = Epci.objects.filter(pk=commune.epci_id, holds_agglomeration_targets=True)
        return list(Target.objects.filter(Exists(holder), commune__isnull=True).order_by("target_year"))
    return list(Target.objects.filter(commune__isnull=True).order_by("target_year"))


def territory_observatory(
    *, commune_ids: list[int], dataset: Dataset | None, commune=None
) -> TerritoryObservatory:
    """Everything the observatory page of a territory shows, in a fixed number of queries."""
    observations = Observation.objects.filter(commune__in=communes_by_ids(commune_ids))
    if dataset is not None:
        observations = observations.filter(dataset=dataset)
    else:
        observations = observations.none()
    population_series = _series(observations, Quantity.POPULATION, None)
    names = _part_names()
    targets = territory_targets(commune=commune)
    reference_year = targets[0].reference_year if targets else 2005
    view = TerritoryObservatory(
        dataset=dataset,
        consumption=_series(observations, Quantity.CONSUMPTION, "sector", names),
        emissions=_series(observations, Quantity.EMISSIONS, "sector", names),
        production=_series(observations, Quantity.PRODUCTION, "source", names),
        population=population_series.totals,
        consumption_by_carrier=_series(observations, Quantity.CONSUMPTION, "carrier", names),
        reference_year=reference_year,
        targets=targets,
        ghg_targets=[],
        consumption_targets=[],
        renewable_targets=[],
        provenance=list(
            ImportBatch.objects.filter(pk__in=observations.values("batch_id").distinct()).select_related(
                "dataset", "uploaded_by"
            )
        )
        if dataset
        else [],
    )
    for target in targets:
        if target.ghg_reduction_pct is not None:
            values = (
                view.emissions.totals
                if target.ghg_basis == Basis.TOTAL
                else view.per_inhabitant(view.emissions)
            )
            view.ghg_targets.append(_reduction_view(target, values, target.ghg_reduction_pct))
        if target.consumption_reduction_pct is not None:
            values = (
                view.consumption.totals
                if target.consumption_basis == Basis.TOTAL
                else view.per_inhabitant(view.consumption)
            )
            view.consumption_targets.append(_reduction_view(target, values, target.consumption_reduction_pct))
        if target.renewable_share_pct is not None:
            view.renewable_targets.append(_share_view(target, view.renewable_share))
    return view


def _latest(values: dict[int, float]) -> tuple[int | None, float | None]:
    if not values:
        return None, None
    year = max(values)
    return year, values[year]


def _line(start_year, start_value, end_year, end_value, year) -> float:
    return start_value + (end_value - start_value) * (year - start_year) / (end_year - start_year)


def _reduction_view(target: Target, values: dict[int, float], reduction: Decimal) -> TargetView:
    reference = values.get(target.reference_year)
    latest_year, latest_value = _latest(values)
    target_value = reference * (1 - float(reduction) / 100) if reference is not None else None
    expected = gap = None
    if reference is not None and latest_year is not None:
        year = min(latest_year, target.target_year)
        expected = _line(target.reference_year, reference, target.target_year, target_value, year)
        gap = 100 * (latest_value - expected) / expected if expected else None
    return TargetView(target, reference, target_value, latest_year, latest_value, expected, gap)


def _share_view(target: Target, shares: dict[int, float]) -> TargetView:
    reference = shares.get(target.reference_year)
    latest_year, latest_value = _latest(shares)
    target_value = float(target.renewable_share_pct)
    expected = gap = None
    if reference is not None and latest_year is not None:
        year = min(latest_year, target.target_year)
        expected = _line(target.reference_year, reference, target.target_year, target_value, year)
        gap = latest_value - expected  # in points of share: negative is behind
    return TargetView(target, reference, target_value, latest_year, latest_value, expected, gap)


def trajectory(
    view: TerritoryObservatory, values: dict[int, float], targets: list[TargetView]
) -> list[tuple]:
    """The straight line from the reference value through each target: [(year, value), ...]."""
    reference = values.get(view.reference_year)
    if reference is None:
        return []
    points = [(view.reference_year, reference)]
    points += [(t.target.target_year, t.target_value) for t in targets if t.target_value is not None]
    return points


@dataclass
class CommuneRow:
    commune_id: int
    insee_code: str
    name: str
    population: float | None
    consumption_per_inhabitant: float | None
    emissions_per_inhabitant: float | None
    renewable_share: float | None
    emissions_change: float | None  # % since the reference year


def communes_comparison(
    *, communes, dataset: Dataset | None, year: int | None, reference_year: int
) -> list[CommuneRow]:
    """One row per commune for a year, per inhabitant, in two queries whatever the number of communes."""
    if dataset is None or year is None:
        return []
    rows = (
        Observation.objects.filter(dataset=dataset, commune__in=communes, year__in=[year, reference_year])
        .values("commune_id", "year", "quantity")
        .annotate(total=Sum("value"))
    )
    # The fact table's commune_id is the INSEE code.
    values: dict[tuple, float] = {(r["commune_id"], r["year"], r["quantity"]): r["total"] for r in rows}
    result = []
    for commune in communes:
        code = commune.insee_code
        population = values.get((code, year, Quantity.POPULATION))
        consumption = values.get((code, year, Quantity.CONSUMPTION))
        emissions = values.get((code, year, Quantity.EMISSIONS))
        production = values.get((code, year, Quantity.PRODUCTION))
        reference = values.get((code, reference_year, Quantity.EMISSIONS))
        result.append(
            CommuneRow(
                commune_id=commune.pk,
                insee_code=commune.insee_code,
                name=commune.name,
                population=population,
                consumption_per_inhabitant=consumption / population if consumption and population else None,
                emissions_per_inhabitant=emissions / population if emissions and population else None,
                renewable_share=100 * production / consumption if production and consumption else None,
                emissions_change=100 * (emissions - reference) / reference
                if emissions and reference
                else None,
            )
        )
    return result


def year_range(*, dataset: Dataset | None) -> tuple[int | None, int | None]:
    if dataset is None:
        return None, None
    bounds = Observation.objects.filter(dataset=dataset).aggregate(first=Min("year"), last=Max("year"))
    return bounds["first"], bounds["last"]


def import_history():
    return ImportBatch.objects.select_related("dataset", "uploaded_by", "replaced_by")


def imports_finished_between(*, start, end) -> list[ImportBatch]:
    """Imports finished between two days (both included), each with its `day` and dataset (one query)."""
    return list(
        ImportBatch.objects.filter(status=BatchStatus.DONE)
        .annotate(day=TruncDate(Coalesce("finished_at", "created_at")))
        .filter(day__range=(start, end))
        .select_related("dataset")
        .order_by("day", "pk")
    )


def agglomeration_target() -> Target | None:
    """The agglomeration's first target (the one with no commune): its reference year leads."""
    return Target.objects.filter(commune__isnull=True).order_by("target_year").first()


def totals_by_commune_and_year(*, dataset: Dataset, quantities, from_year: int) -> list[dict]:
    """Per quantity, commune and year from `from_year`: the total value and how many of its values
    are estimates (`quantity`, `commune_id`, `year`, `total`, `estimates`; one query)."""
    return list(
        Observation.objects.filter(dataset=dataset, quantity__in=list(quantities), year__gte=from_year)
        .values("quantity", "commune_id", "year")
        .annotate(total=Sum("value"), estimates=Count("pk", filter=Q(status=Status.ESTIMATED)))
    )
