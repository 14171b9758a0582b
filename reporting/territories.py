"""Reads of the administrator's platform-wide view comparing the territories: one row per territory, its
communes, engagement, plans, actions, budget, agencies, officers and observatory.

Every figure is aggregated in SQL grouped by territory, through each app's selectors: the communes'
(`territory_comparison_rows`: four queries), the plans' (`plan_figures_by_territory`: three) and the
observatory's (`territory_latest_figures`: two). The rows of every territory and the platform's totals are
then kept in the cache with the dashboards' figures (figures_cache: every write to what they count,
territories, their agencies and officers included, replaces their version; an import replaces the
observatory's), sorted in memory; the page keeps each page of its table rendered there too
(views/territories.py). A page costs the same number of queries for two territories or for the 1,250
EPCIs of a national platform, and none once its figures are in the cache. The plans' figures are also
kept on their own: an import into the observatory does not count the plans again; and the observatory's
under the observatory's own version (figures_cache.cached_observatory): an action's edit does not read
the communes' yearly totals again, the costly part (over a second at national scale).

The figures are those each territory's network dashboard shows: the plans its councils deliberated
(every adopted version), the actions of its communes' followed plans and their forecast budget."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from actions.selectors import TerritoryPlanFigures, plan_figures_by_territory
from communes.models import Stage, sort_key
from communes.selectors import ENGAGED_STAGES, TerritoryCommuneFigures, territory_comparison_rows
from observatory.selectors import TerritoryLatestFigures, territory_latest_figures

from .figures_cache import cached_figures, cached_observatory, cached_with_observatory


@dataclass
class TerritoryRow:
    """One territory of the comparison: `territory` carries its communes' figures
    (communes.selectors.territory_comparison_rows)."""

    territory: TerritoryCommuneFigures
    plans: TerritoryPlanFigures = field(default_factory=TerritoryPlanFigures)
    observatory: TerritoryLatestFigures = field(default_factory=TerritoryLatestFigures)

    @property
    def stages(self) -> list[tuple[Stage, int]]:
        """(stage, communes) of the engaged stages, in the order of the engagement."""
        return [(stage, self.territory.stage_counts[stage]) for stage in ENGAGED_STAGES]

    @property
    def engaged(self) -> int:
        """The communes that signed the charter, whatever their stage since."""
        return sum(self.territory.stage_counts.values())


# ?sort= of the page and of its CSV: (label, key of a row, whether the largest comes first). A row
# without the figure (no plan, no observatory value) comes last whatever the order; ties by name.
SORTS = {
    "name": (_("Name"), lambda row: sort_key(row.territory.name), False),
    "communes": (_("Communes (most first)"), lambda row: row.territory.commune_count, True),
    "population": (_("Population (largest first)"), lambda row: row.territory.population, True),
    "engaged": (_("Charter signatories (most first)"), lambda row: row.engaged, True),
    "plans": (_("Plans deliberated (most first)"), lambda row: row.plans.plans_deliberated, True),
    "actions": (_("Actions (most first)"), lambda row: row.plans.actions, True),
    "done": (_("Share of actions done (highest first)"), lambda row: row.plans.done_share, True),
    "budget": (_("Forecast budget (largest first)"), lambda row: row.plans.forecast, True),
    "officers": (_("Officers (most first)"), lambda row: row.territory.officer_count, True),
    "datasets": (_("Datasets (most first)"), lambda row: row.observatory.datasets, True),
    "emissions": (
        _("Emissions per inhabitant (highest first)"),
        lambda row: row.observatory.emissions_per_inhabitant,
        True,
    ),
}
DEFAULT_SORT = "name"


def sort_rows(by_name: list[TerritoryRow], sort: str) -> list[TerritoryRow]:
    """The rows, given by name (ties by id), in the order `sort` names (by name when it names none), in
    memory: no query. Python's sort is stable, also largest first: ties stay by name."""
    if sort not in SORTS or sort == DEFAULT_SORT:
        return list(by_name)
    _label, key, largest_first = SORTS[sort]
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=largest_first) + unknown


@dataclass
class ComparisonTotals:
    """The platform's sums over every territory (a commune belongs to one territory: nothing counts twice)."""

    territories: int
    communes: int
    population: int
    stages: list[tuple[Stage, int]]
    plans_deliberated: int
    actions: int
    actions_done: int
    forecast: Decimal
    officers: int

    @property
    def done_share(self) -> float | None:
        return 100 * self.actions_done / self.actions if self.actions else None


def totals_of(rows: list[TerritoryRow]) -> ComparisonTotals:
    """The sums of every territory's row (in memory: no query). Officers are counted per territory: a
    person who is the officer of two territories counts twice."""
    return ComparisonTotals(
        territories=len(rows),
        communes=sum(row.territory.commune_count for row in rows),
        population=sum(row.territory.population or 0 for row in rows),
        stages=[(stage, sum(row.territory.stage_counts[stage] for row in rows)) for stage in ENGAGED_STAGES],
        plans_deliberated=sum(row.plans.plans_deliberated for row in rows),
        actions=sum(row.plans.actions for row in rows),
        actions_done=sum(row.plans.actions_done for row in rows),
        forecast=sum((row.plans.forecast for row in rows), Decimal(0)),
        officers=sum(row.territory.officer_count for row in rows),
    )


@dataclass
class TerritoryComparison:
    """Every territory's row, by name (ties by id), and the platform's totals."""

    by_name: list[TerritoryRow]
    totals: ComparisonTotals

    def rows(self, sort: str = DEFAULT_SORT) -> list[TerritoryRow]:
        """Every row, in the order `sort` names (in memory: no query)."""
        return sort_rows(self.by_name, sort)


def _comparison_compute() -> TerritoryComparison:
    plans = cached_figures("territories-plans", (), plan_figures_by_territory)
    observatory = cached_observatory("territories-observatory", territory_latest_figures)
    rows = [
        TerritoryRow(
            territory=territory,
            plans=plans.get(territory.pk, TerritoryPlanFigures()),
            observatory=observatory.get(territory.pk, TerritoryLatestFigures()),
        )
        for territory in territory_comparison_rows()
    ]
    rows.sort(key=lambda row: (sort_key(row.territory.name), row.territory.pk))
    return TerritoryComparison(by_name=rows, totals=totals_of(rows))


def territory_comparison() -> TerritoryComparison:
    """Every territory's row and the totals: from the cache when they were computed since the last
    change of what they count (no query), otherwise in the nine queries of the selectors (six when the
    plans' figures are in the cache)."""
    return cached_with_observatory("territories-comparison", (), _comparison_compute)


def comparison_totals(
    comparison: Callable[[], TerritoryComparison] = territory_comparison,
) -> ComparisonTotals:
    """The platform's totals (and the number of territories, which the pages of the table are cut from),
    on their own in the cache: a page whose table is in the cache reads them without the rows of 1,250
    territories. `comparison` reads the rows on a miss (a page reading them for its table too passes
    its own, read once)."""
    return cached_with_observatory("territories-totals", (), lambda: comparison().totals)
