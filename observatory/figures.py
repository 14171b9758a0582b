"""A territory's figures for one dataset, as the selectors build pages from them: read from the
aggregates the import maintains (totals.py), and cached.

`territory_figures` answers with the coverage, the population and the sums by sector and energy of a
set of communes. The whole platform (every commune: the agglomeration's page, tens of thousands of
communes at national scale) reads its pre-aggregated rows; any other set (a commune, a group, an
advisor's communes) reads its communes' totals for the coverage and population, and its values by
sector and energy from the fact table (per commune they are no fewer than the values themselves, and
keeping them too would double the import's writes). Either way the result, free of any language or
object, is cached in the default cache under the data version that imports and commune changes renew
(totals.data_version): the next request, in any process sharing the cache, costs one cache read."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from communes.models import Commune

from .coverage import Coverage, platform_coverage, territory_coverage
from .models import Observation, ObservationTotal, PlatformCoverage, PlatformTotal, Quantity, Status
from .totals import data_version

CACHE_SECONDS = 24 * 3600

# (quantity, column) of the sums by part pages show: the sectors of consumption and emissions, the
# carriers of consumption and the sources of production (both in the `energy` column).
PARTS = (
    (Quantity.CONSUMPTION, "sector"),
    (Quantity.EMISSIONS, "sector"),
    (Quantity.CONSUMPTION, "energy"),
    (Quantity.PRODUCTION, "energy"),
)
FACT_COLUMNS = {"sector": "sector_id", "energy": "energy"}


@dataclass
class TerritoryFigures:
    coverage: Coverage
    population: dict[int, float]  # {year: the inhabitants of the communes with a value}
    # {(quantity, "sector" | "energy"): [(year, code, total, estimates), ...]}
    parts: dict[tuple[str, str], list[tuple]] = field(default_factory=dict)
    batch_ids: list[int] = field(default_factory=list)


def communes_by_ids(commune_ids):
    """The communes of these ids, as the fact table's references take them (by INSEE code, in SQL)."""
    return Commune.objects.filter(pk__in=commune_ids)


def territory_figures(*, commune_ids, dataset_id: int | None) -> TerritoryFigures:
    ids = sorted(set(commune_ids))
    digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()
    key = f"observatory:figures:{data_version()}:{dataset_id}:{digest}"
    figures = cache.get(key)
    if figures is None:
        platform = Commune.objects.aggregate(communes=Count("pk"), population=Coalesce(Sum("population"), 0))
        if ids and len(ids) == platform["communes"]:
            figures = _platform_figures(dataset_id, platform["communes"], platform["population"])
        else:
            figures = _communes_figures(ids, dataset_id)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def _platform_figures(dataset_id: int | None, communes: int, population: int) -> TerritoryFigures:
    if dataset_id is None:
        return TerritoryFigures(coverage=Coverage(communes, population, {}), population={})
    coverage = platform_coverage(
        PlatformCoverage.objects.filter(dataset_id=dataset_id).order_by("year"), communes, population
    )
    figures = TerritoryFigures(coverage=coverage, population={})
    batches = set()
    wanted = set(PARTS)
    for batch_id, year, quantity, part, code, total, estimates in (
        PlatformTotal.objects.filter(dataset_id=dataset_id)
        .order_by("year", "quantity", "part", "code")
        .values_list("batch_id", "year", "quantity", "part", "code", "total", "estimates")
    ):
        batches.add(batch_id)
        if (quantity, part) in wanted:
            figures.parts.setdefault((quantity, part), []).append((year, code, total, estimates))
        elif quantity == Quantity.POPULATION and part == "":
            figures.population[year] = figures.population.get(year, 0) + total
    figures.population = dict(sorted(figures.population.items()))
    figures.batch_ids = sorted(batches)
    return figures


def _communes_figures(ids: list[int], dataset_id: int | None) -> TerritoryFigures:
    totals = ObservationTotal.objects.none()
    if dataset_id is not None:
        totals = ObservationTotal.objects.filter(dataset_id=dataset_id, commune__in=communes_by_ids(ids))
    coverage, inhabitants = territory_coverage(totals, ids, value="total")
    figures = TerritoryFigures(
        coverage=coverage,
        population={year: sum(values.values()) for year, values in sorted(inhabitants.items())},
    )
    if dataset_id is None:
        return figures
    values = Observation.objects.filter(dataset_id=dataset_id, commune__in=communes_by_ids(ids))
    for part, column in FACT_COLUMNS.items():
        quantities = [quantity for quantity, kind in PARTS if kind == part]
        for quantity, year, code, total, estimates in (
            values.filter(quantity__in=quantities)
            .values("quantity", "year", column)
            .annotate(total=Sum("value"), estimates=Count("pk", filter=Q(status=Status.ESTIMATED)))
            .order_by()
            .values_list("quantity", "year", column, "total", "estimates")
        ):
            figures.parts.setdefault((quantity, part), []).append((year, code, total, estimates))
    figures.batch_ids = sorted(set(totals.values_list("batch_id", flat=True).distinct()))
    return figures
