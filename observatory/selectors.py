"""Reads of the observatory: series by year, sector, energy and source, per inhabitant, against the
targets. Every aggregation runs in SQL; each selector costs a fixed number of queries whatever the
number of years or communes.

Real data is sparse (a dataset may cover 2 of 49 communes, or some years only): a territory's total is
only a total where every one of its communes has a value (see `territory_observatory`), and the
coverage of each year travels with the figures (`Coverage`) so that pages and documents say it."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404

from communes import permissions
from communes.models import Commune, localized_name
from pcl import formatting
from pcl.versions import cached

from .comparison import COMPARISON_IN_LIST, CommuneRow, communes_comparison, comparison_counts  # noqa: F401
from .coverage import Coverage, YearCoverage
from .figures import communes_by_ids, territory_figures
from .importers.common import batch_message, error_reason
from .models import (
    BatchStatus,
    Carrier,
    Dataset,
    ImportBatch,
    Observation,
    ObservationTotal,
    PlatformCoverage,
    Quantity,
    RenewableSource,
    Sector,
    Target,
)
from .page_cache import PAGES_VERSION
from .targets import (  # noqa: F401 (the selectors of the observatory's callers)
    TargetView,
    TrajectoryPoint,
    target_views,
    territory_targets,
    trajectory,
)
from .totals import data_version


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


def datasets_with_data(*, commune_ids=None, territory_id: int | None = None):
    """The datasets holding values (of these communes, when given; else of the territory's communes,
    when given), in the order pages show them: the first is the one shown by default. A territory reads
    its own datasets and the shared ones, never another territory's. One query when evaluated, on the
    aggregates (totals.py)."""
    if commune_ids is None:
        has_data = PlatformCoverage.objects.filter(dataset=OuterRef("pk"))
        if territory_id is not None:
            has_data = has_data.filter(territory_id=territory_id)
    else:
        has_data = ObservationTotal.objects.filter(
            dataset=OuterRef("pk"), commune__in=communes_by_ids(commune_ids)
        )
    datasets = Dataset.objects.filter(Exists(has_data))
    if territory_id is not None:
        datasets = datasets.filter(Q(territory__isnull=True) | Q(territory_id=territory_id))
    return datasets.order_by("priority", "name")


def open_datasets(*, territory_id: int | None = None):
    """The datasets published as open data (`is_open`, never demonstration data): every one, or those a
    territory's public observatory reads (its own and the shared ones). Every public read of the
    observatory (pages, open data, the anonymous API) starts here."""
    datasets = Dataset.objects.filter(is_open=True, is_demo=False)
    if territory_id is not None:
        datasets = datasets.filter(Q(territory__isnull=True) | Q(territory_id=territory_id))
    return datasets.order_by("priority", "name")


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


def territory_observatory(
    *, commune_ids: list[int] | None, dataset: Dataset | None, commune=None, territory_id: int | None = None
) -> TerritoryObservatory:
    """Everything the observatory page of a territory shows, in a fixed number of queries: of these
    communes (`commune_ids`; None: every commune of the territory `territory_id`), against the targets
    of the commune (its own, else its territory's) or of the territory.

    The rule of totals: a year's value of a quantity is a total of the territory only when every commune
    of the territory has a value of that quantity that year. Only those totals feed `totals`, `by_part`,
    the per-inhabitant values, the renewable share, the charts, the trajectories and the gaps to the
    targets: a sum over 2 of 49 communes is no agglomeration total, and a trend between years covering
    different communes measures the coverage rather than the climate. The other years' sums stay visible
    as `partial_totals`, which pages label "partial" beside their coverage (`coverage`: communes and share
    of the population per year). A commune's own page is always complete where it has values.
    """
    figures = territory_figures(
        commune_ids=commune_ids, dataset_id=dataset.pk if dataset else None, territory_id=territory_id
    )
    coverage = figures.coverage
    population = figures.population
    population_series = _complete_only(
        Series(quantity=Quantity.POPULATION, years=list(population), totals=population, by_part={}), coverage
    )
    names = _part_names()
    targets = territory_targets(commune=commune, territory_id=territory_id)
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
        target_views(view, target)
    return view


def year_range(*, dataset: Dataset | None, territory_id: int) -> tuple[int | None, int | None]:
    """The first and last years of the dataset's values of the territory's communes."""
    if dataset is None:
        return None, None
    bounds = PlatformCoverage.objects.filter(dataset=dataset, territory_id=territory_id).aggregate(
        first=Min("year"), last=Max("year")
    )
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


def import_history(*, territory_ids: frozenset[int] | None = None):
    """The imports, latest first: into the datasets of these territories (None: every import, the
    administrator's list; shared datasets are the administrator's)."""
    batches = ImportBatch.objects.select_related("dataset__territory", "uploaded_by", "replaced_by")
    if territory_ids is not None:
        batches = batches.filter(dataset__territory_id__in=sorted(territory_ids))
    return batches


def importable_datasets(*, territory_ids: frozenset[int] | None = None):
    """The datasets one may import into: those of these territories (None: all of them, the shared ones
    included: the administrator's)."""
    datasets = Dataset.objects.select_related("territory").order_by("priority", "name")
    if territory_ids is not None:
        datasets = datasets.filter(territory_id__in=sorted(territory_ids))
    return datasets


def imports_finished_between(*, start, end) -> list[ImportBatch]:
    """Imports finished between two days (both included), each with its `day` and dataset (one query)."""
    return list(
        ImportBatch.objects.filter(status=BatchStatus.DONE)
        .annotate(day=TruncDate(Coalesce("finished_at", "created_at")))
        .filter(day__range=(start, end))
        .select_related("dataset")
        .order_by("day", "pk")
    )


def totals_by_commune_and_year(*, dataset: Dataset, quantities, from_year: int) -> list[dict]:
    """Per quantity, commune and year from `from_year`: the total value and how many of its values
    are estimates (`quantity`, `commune_id`, `year`, `total`, `estimates`; one query)."""
    quantities = list(quantities)
    rows = (
        ObservationTotal.objects.filter(dataset=dataset, year__gte=from_year)
        .values("commune_id", "year")
        .annotate(
            **{f"sum_{quantity}": Sum(quantity) for quantity in quantities},
            **{f"estimates_{quantity}": Sum(f"{quantity}_estimates") for quantity in quantities},
        )
    )
    return [
        {
            "quantity": quantity,
            "commune_id": row["commune_id"],
            "year": row["year"],
            "total": row[f"sum_{quantity}"],
            "estimates": row[f"estimates_{quantity}"],
        }
        for row in rows
        for quantity in quantities
        if row[f"sum_{quantity}"] is not None
    ]


def figures_version() -> str:
    """The version of the observatory's figures, for the keys of what other apps cache from them: a new one
    with every import and every change of the communes (totals.data_version)."""
    return data_version()


def pages_version() -> str:
    """The version of everything the observatory's pages show: its figures' and what they show beside
    them (datasets and their imports, communes, territories, targets: page_cache.PAGES_VERSION), for what
    other apps cache of the observatory alone, such as `territory_latest_figures`."""
    return f"{data_version()}:{PAGES_VERSION.current()}"


# --- the territories compared (the administrator's platform-wide view) ---------------------------


@dataclass
class TerritoryLatestFigures:
    """A territory's observatory at a glance: how many datasets hold values of its communes; of the
    first of them (the one its observatory shows by default, by priority then name), the latest year
    with values, and the latest year whose emissions per inhabitant are a total of the territory (every
    commune with its emissions and its population that year, the rule of `territory_observatory`)."""

    datasets: int = 0
    dataset_id: int | None = None
    latest_year: int | None = None
    emissions_year: int | None = None
    emissions_per_inhabitant: float | None = None  # t CO2e per inhabitant


def territory_latest_figures() -> dict[int, TerritoryLatestFigures]:
    """Each territory's TerritoryLatestFigures, by territory id (a territory without values is left
    out), from the communes' yearly totals (ObservationTotal): two queries grouped by territory,
    dataset and year, whatever the number of territories."""
    communes = dict(
        Commune.objects.values("territory_id")
        .annotate(count=Count("pk"))
        .values_list("territory_id", "count")
        .order_by()
    )
    both = Q(emissions__isnull=False, population__isnull=False)
    rows = (
        ObservationTotal.objects.values("commune__territory_id", "dataset_id", "year")
        .annotate(
            complete=Count("commune", filter=both),
            emissions_total=Sum("emissions", filter=both),
            population_total=Sum("population", filter=both),
            priority=Min("dataset__priority"),
            name=Min("dataset__name"),
        )
        .order_by()
    )
    by_territory: dict[int, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_territory[row["commune__territory_id"]][row["dataset_id"]].append(row)
    figures = {}
    for territory_id, datasets in by_territory.items():
        first = min(datasets.values(), key=lambda years: (years[0]["priority"], years[0]["name"]))
        territory = TerritoryLatestFigures(
            datasets=len(datasets),
            dataset_id=first[0]["dataset_id"],
            latest_year=max(row["year"] for row in first),
        )
        complete = [
            row for row in first if row["complete"] == communes.get(territory_id) and row["population_total"]
        ]
        if complete:
            latest = max(complete, key=lambda row: row["year"])
            territory.emissions_year = latest["year"]
            territory.emissions_per_inhabitant = latest["emissions_total"] / latest["population_total"]
        figures[territory_id] = territory
    return figures


# --- the open observatory and the open data (the public app) ---------------------------------------


def open_dataset_territory_ids() -> set[int | None]:
    """The territories owning an open dataset (`open_datasets`); None among them: a shared open dataset,
    which every territory with communes reads (one query)."""
    return set(open_datasets().values_list("territory_id", flat=True))


def has_open_datasets(*, territory_id: int) -> bool:
    """Whether the territory's public observatory reads an open dataset (one query)."""
    return open_datasets(territory_id=territory_id).exists()


def open_datasets_with_data(*, territory_id: int) -> list[Dataset]:
    """The open datasets (`open_datasets`) that hold values of the territory's communes, in the order
    the public observatory offers them: the first is the one it shows by default (one query)."""
    has_data = PlatformCoverage.objects.filter(dataset=OuterRef("pk"), territory_id=territory_id)
    return list(open_datasets(territory_id=territory_id).filter(Exists(has_data)))


def open_dataset(*, code: str) -> Dataset | None:
    """The open dataset of this code (None: no such dataset, or not open: demonstration data never is),
    with its territory and `last_import_at`, when its latest import finished (one query)."""
    return (
        open_datasets()
        .filter(code=code)
        .select_related("territory")
        .annotate(
            last_import_at=Max(
                Coalesce("batches__finished_at", "batches__created_at"),
                filter=Q(batches__status=BatchStatus.DONE),
            )
        )
        .first()
    )


@dataclass
class OpenDatasetSummary:
    """An open dataset as the open data catalogue lists it: its first and last years, how many values
    it holds and when its latest import finished."""

    dataset: Dataset
    first_year: int | None
    last_year: int | None
    values: int
    last_import_at: object = None


def open_data_catalogue() -> list[OpenDatasetSummary]:
    """Every open dataset with its years and count of values: two queries (the datasets, then one count
    of the fact table grouped by dataset), cached until the next import or change of a dataset
    (`pages_version`): the count reads every value once per change, not once per visit."""

    def compute() -> list[OpenDatasetSummary]:
        datasets = list(
            open_datasets()
            .select_related("territory")
            .annotate(
                last_import_at=Max(
                    Coalesce("batches__finished_at", "batches__created_at"),
                    filter=Q(batches__status=BatchStatus.DONE),
                )
            )
        )
        counts = {
            row["dataset_id"]: row
            for row in Observation.objects.filter(dataset_id__in=[dataset.pk for dataset in datasets])
            .values("dataset_id")
            .annotate(values=Count("*"), first_year=Min("year"), last_year=Max("year"))
            .order_by()
        }
        return [
            OpenDatasetSummary(
                dataset=dataset,
                first_year=counts.get(dataset.pk, {}).get("first_year"),
                last_year=counts.get(dataset.pk, {}).get("last_year"),
                values=counts.get(dataset.pk, {}).get("values", 0),
                last_import_at=dataset.last_import_at,
            )
            for dataset in datasets
        ]

    return cached(("observatory:open-data-catalogue", pages_version()), compute, timeout=60 * 60)


def part_names_in_french() -> dict[str, dict[str, str]]:
    """{"sector" | "carrier" | "source": {code: French name}}: the names the open data files write beside
    each code, the same whatever the reader's language (three queries)."""
    return {
        part: dict(model.objects.values_list("code", "name"))
        for part, model in (("sector", Sector), ("carrier", Carrier), ("source", RenewableSource))
    }


# --- what a person reads through the API -----------------------------------------------------------


def readable_datasets(user, *, territory_id: int | None = None):
    """The open datasets, and those of the observatories the user reads (a territory's own and the
    shared ones, demonstration data included, as the pages show them); those a territory's observatory
    reads when `territory_id` is given. Ordered on a unique key (stable pages of the API)."""
    public = Q(pk__in=open_datasets(territory_id=territory_id).values("pk"))
    condition: Q | None = public
    if user.is_authenticated and permissions.can_view_observatory(user):
        territories = permissions.visible_territory_ids(user)
        if territories is None:
            condition = None
        else:
            condition = public | Q(territory__isnull=True) | Q(territory_id__in=sorted(territories))
    datasets = Dataset.objects.order_by("priority", "name", "pk")
    if condition is not None:
        datasets = datasets.filter(condition)
    if territory_id is not None:
        datasets = datasets.filter(Q(territory__isnull=True) | Q(territory_id=territory_id))
    return datasets


def readable_dataset(user, *, code: str, territory_id: int) -> Dataset:
    """A dataset of the territory's observatory the user may read: open, or theirs (404 otherwise)."""
    dataset = get_object_or_404(Dataset, code=code)
    if dataset.territory_id not in (None, territory_id):
        raise Http404
    if dataset.is_open and not dataset.is_demo:
        return dataset
    permissions.require_found(permissions.can_view_observatory(user, territory_id))
    return dataset
