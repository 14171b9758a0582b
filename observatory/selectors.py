"""Reads of the observatory: series by year, sector, energy and source, per inhabitant, against the
targets. Every aggregation runs in SQL; each selector costs a fixed number of queries whatever the
number of years or communes.

Real data is sparse (a dataset may cover 2 of 49 communes, or some years only): a territory's total is
only a total where every one of its communes has a value (see `territory_observatory`), and the
coverage of each year travels with the figures (`Coverage`) so that pages and documents say it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Exists,
    Max,
    Min,
    OuterRef,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from communes.models import Epci, localized_name
from pcl import formatting

from .coverage import Coverage, YearCoverage
from .figures import communes_by_ids, territory_figures
from .importers.common import batch_message, error_reason
from .models import (
    Basis,
    BatchStatus,
    Carrier,
    Dataset,
    ImportBatch,
    ObservationTotal,
    PlatformCoverage,
    Quantity,
    RenewableSource,
    Sector,
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
    # The sums of the years when only part of the territory has values: not totals of the territory,
    # kept apart so that nothing adds, charts or compares them as such by mistake.
    partial_totals: dict[int, float] = field(default_factory=dict)
    # Every part of the administrators' list, in its order (what keeps a part's colour in the charts).
    part_order: list[str] = field(default_factory=list)


def _complete_only(series: Series, coverage: Coverage) -> Series:
    """The series with its totals, parts and years limited to the years when every commune of the
    territory has a value of its quantity; the other years' sums move to `partial_totals`."""
    complete = {year for year in series.totals if coverage.get(year).is_complete_for(series.quantity)}
    return Series(
        quantity=series.quantity,
        years=[year for year in series.years if year in complete],
        totals={year: value for year, value in series.totals.items() if year in complete},
        by_part={
            name: {year: value for year, value in values.items() if year in complete}
            for name, values in series.by_part.items()
            if any(year in complete for year in values)
        },
        estimated_years=series.estimated_years,
        partial_totals={year: value for year, value in series.totals.items() if year not in complete},
        part_order=series.part_order,
    )


def _part_names() -> dict[str, dict[str, str]]:
    """{part: {code: name}}: the fact table refers to sectors, carriers and sources by code."""
    return {
        part: {
            code: localized_name(name, name_en)
            for code, name, name_en in model.objects.values_list("code", "name", "name_en")
        }
        for part, model in (("sector", Sector), ("carrier", Carrier), ("source", RenewableSource))
    }


def datasets_with_data(*, commune_ids=None):
    """The datasets holding values (of these communes, when given), in the order pages show them: the
    first is the one shown by default. One query when evaluated, on the aggregates (totals.py)."""
    if commune_ids is None:
        has_data = PlatformCoverage.objects.filter(dataset=OuterRef("pk"))
    else:
        has_data = ObservationTotal.objects.filter(
            dataset=OuterRef("pk"), commune__in=communes_by_ids(commune_ids)
        )
    return Dataset.objects.filter(Exists(has_data)).order_by("priority", "name")


def _series(rows, quantity: str, part: str, names: dict | None = None) -> Series:
    """The yearly series of a quantity by part ("sector", "carrier" or "source") from its sums by year
    and part's code: [(year, code, total, estimates), ...] (figures.TerritoryFigures.parts)."""
    totals: dict[int, float] = defaultdict(float)
    by_part: dict[str, dict[int, float]] = defaultdict(dict)
    estimated: set[int] = set()
    names = (names or _part_names())[part]
    for year, code, value, estimate in rows:
        name = names.get(code, "—")
        by_part[name][year] = by_part[name].get(year, 0) + value
        totals[year] += value
        if estimate:
            estimated.add(year)
    return Series(
        quantity=quantity,
        years=sorted(totals),
        totals=dict(totals),
        by_part={name: by_part[name] for name in sorted(by_part)},
        estimated_years=estimated,
        part_order=list(names.values()),
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
    unit: str = ""  # of the values ("t CO2e", "MWh per inhabitant"...), "%" for a share
    # Why the figures are missing, as a sentence ("The reference year 2005 is not covered."), or "".
    reason: str = ""

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    def _value_text(self, value) -> str:
        if self.is_share:
            return formatting.percent(value, 1)
        # Totals in whole units, per-inhabitant values (a few units) with two decimals.
        decimals = 2 if value is not None and abs(value) < 100 else 0
        return formatting.quantity(value, self.unit, decimals)

    @property
    def reference_text(self) -> str:
        return self._value_text(self.reference_value)

    @property
    def target_text(self) -> str:
        return self._value_text(self.target_value)

    @property
    def latest_text(self) -> str:
        return self._value_text(self.latest_value)

    @property
    def expected_text(self) -> str:
        return self._value_text(self.expected_now)

    @property
    def gap_text(self) -> str:
        if self.is_share:
            return formatting.points(self.gap_pct)
        return formatting.percent(self.gap_pct, 1, signed=True)

    @property
    def is_behind(self) -> bool:
        if self.gap_pct is None:
            return False
        return self.gap_pct < 0 if self.is_share else self.gap_pct > 0


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
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0, {}))
    # The population of the years covering part of the territory, beside `population`'s complete years.
    partial_population: dict[int, float] = field(default_factory=dict)

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

    def _same_communes(self, year: int, first: str, second: str) -> bool:
        return self.coverage.get(year).same_communes(first, second)

    def partial_per_inhabitant(self, series: Series) -> dict[int, float]:
        """Per inhabitant of the communes that have values, for the years covering part of the
        territory: only where the same communes give the quantity and their population."""
        return {
            year: value / self.partial_population[year]
            for year, value in series.partial_totals.items()
            if self.partial_population.get(year)
            and self._same_communes(year, series.quantity, Quantity.POPULATION)
        }

    @property
    def partial_renewable_share(self) -> dict[int, float]:
        return {
            year: 100 * self.production.partial_totals[year] / value
            for year, value in self.consumption.partial_totals.items()
            if value
            and year in self.production.partial_totals
            and self._same_communes(year, Quantity.CONSUMPTION, Quantity.PRODUCTION)
        }

    @property
    def partial_years(self) -> list[int]:
        """The years whose values cover part of the territory only: left out of totals and charts."""
        return self.coverage.partial_years

    @property
    def partial_coverages(self) -> list[YearCoverage]:
        return [self.coverage.get(year) for year in self.partial_years]

    @property
    def partial_years_text(self) -> str:
        return formatting.list_text([str(year) for year in self.partial_years])

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
    """Everything the observatory page of a territory shows, in a fixed number of queries.

    The rule of totals: a year's value of a quantity is a total of the territory only when every commune
    of the territory has a value of that quantity that year. Only those totals feed `totals`, `by_part`,
    the per-inhabitant values, the renewable share, the charts, the trajectories and the gaps to the
    targets: a sum over 2 of 49 communes is no agglomeration total, and a trend between years covering
    different communes measures the coverage rather than the climate. The other years' sums stay visible
    as `partial_totals`, which pages label "partial" beside their coverage (`coverage`: communes and share
    of the population per year). A commune's own page is always complete where it has values.
    """
    figures = territory_figures(commune_ids=commune_ids, dataset_id=dataset.pk if dataset else None)
    coverage = figures.coverage
    population = figures.population
    population_series = _complete_only(
        Series(quantity=Quantity.POPULATION, years=list(population), totals=population, by_part={}), coverage
    )
    names = _part_names()
    targets = territory_targets(commune=commune)
    reference_year = targets[0].reference_year if targets else 2005

    def series(quantity: str, column: str, part: str) -> Series:
        rows = figures.parts.get((quantity, column), [])
        return _complete_only(_series(rows, quantity, part, names), coverage)

    view = TerritoryObservatory(
        dataset=dataset,
        consumption=series(Quantity.CONSUMPTION, "sector", "sector"),
        emissions=series(Quantity.EMISSIONS, "sector", "sector"),
        production=series(Quantity.PRODUCTION, "energy", "source"),
        population=population_series.totals,
        consumption_by_carrier=series(Quantity.CONSUMPTION, "energy", "carrier"),
        reference_year=reference_year,
        targets=targets,
        ghg_targets=[],
        consumption_targets=[],
        renewable_targets=[],
        provenance=list(
            ImportBatch.objects.filter(pk__in=figures.batch_ids).select_related("dataset", "uploaded_by")
        )
        if dataset and figures.batch_ids
        else [],
        coverage=coverage,
        partial_population=population_series.partial_totals,
    )
    for target in targets:
        if target.ghg_reduction_pct is not None:
            total = target.ghg_basis == Basis.TOTAL
            values = view.emissions.totals if total else view.per_inhabitant(view.emissions)
            item = _reduction_view(target, values, target.ghg_reduction_pct)
            item.unit = "t CO2e" if total else _("t CO2e per inhabitant")
            item.reason = _missing_reason(view, item, values)
            view.ghg_targets.append(item)
        if target.consumption_reduction_pct is not None:
            total = target.consumption_basis == Basis.TOTAL
            values = view.consumption.totals if total else view.per_inhabitant(view.consumption)
            item = _reduction_view(target, values, target.consumption_reduction_pct)
            item.unit = "MWh" if total else _("MWh per inhabitant")
            item.reason = _missing_reason(view, item, values)
            view.consumption_targets.append(item)
        if target.renewable_share_pct is not None:
            item = _share_view(target, view.renewable_share)
            item.unit = "%"
            item.reason = _missing_reason(view, item, view.renewable_share)
            view.renewable_targets.append(item)
    return view


def _missing_reason(view: TerritoryObservatory, item: TargetView, values: dict[int, float]) -> str:
    """Why a target's row lacks figures, as a sentence; "" when it has them all."""
    reference_year = item.target.reference_year
    if item.reference_value is None:
        if reference_year in view.partial_years:
            message = _("The reference year %(year)s covers only part of the territory.")
            return message % {"year": reference_year}
        return _("No value for the reference year %(year)s.") % {"year": reference_year}
    if not values or item.latest_year == reference_year:
        if view.partial_years:
            return _("No year after %(year)s covers the whole territory yet.") % {"year": reference_year}
        return _("No value after the reference year %(year)s yet.") % {"year": reference_year}
    return ""


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
    # No gap from the reference year to itself: a trajectory needs a later year.
    if reference is not None and latest_year is not None and latest_year != target.reference_year:
        year = min(latest_year, target.target_year)
        expected = _line(target.reference_year, reference, target.target_year, target_value, year)
        gap = 100 * (latest_value - expected) / expected if expected else None
    return TargetView(target, reference, target_value, latest_year, latest_value, expected, gap)


def _share_view(target: Target, shares: dict[int, float]) -> TargetView:
    reference = shares.get(target.reference_year)
    latest_year, latest_value = _latest(shares)
    target_value = float(target.renewable_share_pct)
    expected = gap = None
    if reference is not None and latest_year is not None and latest_year != target.reference_year:
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

    @property
    def cells(self) -> list[str]:
        """The comparison table's figures as text, in the order of its columns (units in the headers)."""
        return [
            formatting.number(self.population),
            formatting.number(self.consumption_per_inhabitant, 2),
            formatting.number(self.emissions_per_inhabitant, 2),
            formatting.number(self.emissions_change, 1, signed=True),
            formatting.number(self.renewable_share, 1),
        ]


# Beyond this many communes the comparison reads the dataset's totals of the two years whole (by their
# index) rather than through a list of every commune's code: the rows of other communes are not read.
COMPARISON_IN_LIST = 1000


def communes_comparison(
    *, communes, dataset: Dataset | None, year: int | None, reference_year: int
) -> list[CommuneRow]:
    """One row per commune for a year, per inhabitant, in two queries whatever the number of communes."""
    if dataset is None or year is None:
        return []
    rows = ObservationTotal.objects.filter(dataset=dataset, year__in=[year, reference_year])
    if len(communes) <= COMPARISON_IN_LIST:
        rows = rows.filter(commune__in=communes)
    rows = rows.values("commune_id", "year", "quantity").annotate(total=Sum("total"))
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
    bounds = PlatformCoverage.objects.filter(dataset=dataset).aggregate(first=Min("year"), last=Max("year"))
    return bounds["first"], bounds["last"]


def batch_errors(batch: ImportBatch, *, limit: int | None = None) -> list[dict]:
    """The batch's errors, each {"line", "column", "value", "reason"}, the reason a sentence in the
    active language (the page's, the command's), whatever the language of the import."""
    return [{**error, "reason": error_reason(error)} for error in batch.errors[:limit]]


def batch_result_message(batch: ImportBatch, *, stuck: bool = False) -> str:
    """The sentence the batch's result opens with ("40 752 values imported for 2005–2024.", why a file
    was refused), in the active language whatever the language of the import; an import recorded before
    the platform kept its code reads as it was written. A `stuck` one has lost its worker."""
    if stuck:
        return batch_message("worker_lost", {})
    return batch_message(batch.message_code, batch.message_params) or batch.message


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
        ObservationTotal.objects.filter(dataset=dataset, quantity__in=list(quantities), year__gte=from_year)
        .values("quantity", "commune_id", "year")
        .annotate(total=Sum("total"), estimates=Sum("estimates"))
    )
