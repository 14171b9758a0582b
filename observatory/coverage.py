"""The coverage of a dataset's values over a territory: per year and quantity, which of its communes have
values and how much of its population they hold. Read by the observatory's selectors, which compute a
territory's totals only where the coverage is complete (see selectors.territory_observatory)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, FloatField, IntegerField, Sum, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes.models import Commune
from pcl import formatting

from .models import COVERAGE_PAIRS, Quantity


@dataclass(frozen=True)
class YearCoverage:
    """Which part of a territory a year's values cover: its communes with at least one value, and their
    population (the communes' reference population, `Commune.population`)."""

    year: int
    communes: int
    population: int
    territory_communes: int
    territory_population: int
    # {quantity: how many communes have a value of it this year}
    by_quantity: dict[str, int]
    # {(quantity, quantity): how many communes have a value of both} for models.COVERAGE_PAIRS
    together: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return self.communes == self.territory_communes

    def is_complete_for(self, quantity: str) -> bool:
        return self.by_quantity.get(quantity, 0) == self.territory_communes

    def same_communes(self, first: str, second: str) -> bool:
        """Whether the same communes (at least one) give both quantities: two sets are equal when both
        have the size of their intersection."""
        count = self.by_quantity.get(first, 0)
        if not count or first == second:
            return bool(count)
        return self.by_quantity.get(second, 0) == count and self.together.get((first, second)) == count

    @property
    def population_share(self) -> float | None:
        return formatting.ratio(self.population, self.territory_population)

    @property
    def text(self) -> str:
        """ "2 communes of 49 (4 % of the population)", "every commune (49)"."""
        if self.is_complete:
            if self.territory_communes == 1:
                return _("the commune")
            return _("every commune (%(total)s)") % {"total": formatting.number(self.territory_communes)}
        communes = ngettext(
            "%(count)s commune of %(total)s", "%(count)s communes of %(total)s", self.communes
        ) % {"count": formatting.number(self.communes), "total": formatting.number(self.territory_communes)}
        share = self.population_share
        if share is None:
            return communes
        return _("%(communes)s (%(share)s of the population)") % {
            "communes": communes,
            "share": formatting.percent(share, 0 if share >= 10 else 1),
        }


@dataclass
class Coverage:
    """The coverage of each year of a dataset's values over a territory."""

    territory_communes: int
    territory_population: int
    years: dict[int, YearCoverage]

    def get(self, year: int) -> YearCoverage:
        return self.years.get(year) or YearCoverage(
            year, 0, 0, self.territory_communes, self.territory_population, {}, {}
        )

    @property
    def partial_years(self) -> list[int]:
        return sorted(year for year, item in self.years.items() if not item.is_complete)

    @property
    def complete_years(self) -> list[int]:
        return sorted(year for year, item in self.years.items() if item.is_complete)

    @property
    def is_complete(self) -> bool:
        return not self.partial_years


def territory_coverage(
    observations, commune_ids, *, value: str = "value"
) -> tuple[Coverage, dict[int, dict[str, float]]]:
    """Which communes of the territory have values, per year and quantity, and the population values
    ({year: {INSEE code: inhabitants}}), in one query whatever the number of years: the sums per year,
    quantity and commune of the values (`observations`: the fact table's rows, or the communes' totals
    with `value="total"`), and, in the same UNION, the territory's communes with their reference
    population (as year 0)."""
    with_values = (
        observations.order_by()
        .values("year", "quantity", "commune_id")
        .annotate(total=Sum(value))
        .values_list("year", "quantity", "commune_id", "total")
    )
    territory = (
        Commune.objects.filter(pk__in=commune_ids)
        .order_by()
        .values_list(
            Value(0, output_field=IntegerField()),
            Value("", output_field=CharField()),
            "insee_code",
            Cast("population", FloatField()),
        )
    )
    # (The observations first: a union takes the ordering of its first queryset, and communes have one.)
    rows = territory if observations.query.is_empty() else with_values.union(territory, all=True)
    return coverage_from_rows(rows)


def coverage_from_rows(rows) -> tuple[Coverage, dict[int, dict[str, float]]]:
    """territory_coverage's answer from its rows: (year, quantity, INSEE code, sum) of each commune with
    values, and (0, "", INSEE code, reference population) of each commune of the territory."""
    populations: dict[str, float] = {}
    by_year: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    inhabitants: dict[int, dict[str, float]] = defaultdict(dict)
    for year, quantity, code, value in rows:
        if year == 0:
            populations[code] = value or 0
        else:
            by_year[year][quantity].add(code)
            if quantity == Quantity.POPULATION:
                inhabitants[year][code] = value
    total = sum(populations.values())
    years = {}
    for year, quantities in by_year.items():
        # A value of a commune outside the territory cannot come in: `observations` is the territory's.
        codes = set().union(*quantities.values()) & populations.keys()
        years[year] = YearCoverage(
            year=year,
            communes=len(codes),
            population=sum(populations[code] for code in codes),
            territory_communes=len(populations),
            territory_population=total,
            by_quantity={quantity: len(found) for quantity, found in quantities.items()},
            together={
                (first, second): len(quantities.get(first, set()) & quantities.get(second, set()))
                for first, second in COVERAGE_PAIRS
            },
        )
    coverage = Coverage(territory_communes=len(populations), territory_population=total, years=years)
    return coverage, dict(inhabitants)


def platform_coverage(rows, territory_communes: int, territory_population: int) -> Coverage:
    """The coverage of the whole platform from its rows of PlatformCoverage (see totals.py)."""
    years = {}
    for row in rows:
        counts = {quantity: getattr(row, f"with_{quantity}") for quantity in Quantity.values}
        years[row.year] = YearCoverage(
            year=row.year,
            communes=row.communes,
            population=row.population,
            territory_communes=territory_communes,
            territory_population=territory_population,
            by_quantity={quantity: count for quantity, count in counts.items() if count},
            together={
                (first, second): getattr(row, f"{first}_and_{second}") for first, second in COVERAGE_PAIRS
            },
        )
    return Coverage(
        territory_communes=territory_communes, territory_population=territory_population, years=years
    )
