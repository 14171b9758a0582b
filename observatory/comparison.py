"""The communes of a territory compared, per inhabitant, in a year: a page of them at a time (a national
platform has tens of thousands), and how many of the territory's communes have each indicator (the map's
message), counted once per data version and cached."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum

from pcl import formatting
from pcl.versions import cached

from .figures import CACHE_SECONDS
from .models import Dataset, ObservationTotal, Quantity
from .totals import COMMUNE_TOTALS, data_version, fingerprint_sql


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
    rows = rows.values("commune_id", "year").annotate(
        **{f"sum_{quantity}": Sum(quantity) for quantity in Quantity.values}
    )
    # The fact table's commune_id is the INSEE code.
    values: dict[tuple, float] = {
        (row["commune_id"], row["year"], quantity): row[f"sum_{quantity}"]
        for row in rows
        for quantity in Quantity.values
        if row[f"sum_{quantity}"] is not None
    }
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


# Each indicator of the comparison (CommuneRow's fields) and the two sums it needs, both non-zero (as
# communes_comparison computes it): a quantity of the year, or emissions of the reference year.
INDICATORS = {
    "consumption_per_inhabitant": ("consumption", "population"),
    "emissions_per_inhabitant": ("emissions", "population"),
    "renewable_share": ("production", "consumption"),
    "emissions_change": ("emissions", "reference"),
}


def comparison_counts(
    *, dataset: Dataset | None, year: int | None, reference_year: int, territory_id: int
) -> dict[str, int]:
    """{indicator: how many of the territory's communes have it for the year} (the communes whose row in
    communes_comparison has it): one COUNT over the communes' totals of two years, cached under the
    data version and the territory's communes' fingerprint (two queries when not cached, one when cached)."""
    if dataset is None or year is None:
        return dict.fromkeys(INDICATORS, 0)
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_sql(), [territory_id])
        fingerprint = cursor.fetchone()[0]
    key = (
        "observatory:comparison",
        data_version(),
        territory_id,
        fingerprint,
        dataset.pk,
        year,
        reference_year,
    )
    return cached(key, lambda: _counts(dataset.pk, year, reference_year, territory_id), timeout=CACHE_SECONDS)


def _counts(dataset_id: int, year: int, reference_year: int, territory_id: int) -> dict[str, int]:
    sums = [f"sum(CASE WHEN t.year = %s THEN t.{quantity} END) AS {quantity}" for quantity in Quantity.values]
    sums.append("sum(CASE WHEN t.year = %s THEN t.emissions END) AS reference")
    flags = ", ".join(
        f"sum(CASE WHEN s.{first} <> 0 AND s.{second} <> 0 THEN 1 ELSE 0 END)"
        for first, second in INDICATORS.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {flags} FROM (SELECT t.insee_code, {', '.join(sums)} FROM {COMMUNE_TOTALS} t "
            "WHERE t.dataset_id = %s AND t.year IN (%s, %s) "
            "AND t.insee_code IN (SELECT insee_code FROM communes_commune WHERE territory_id = %s) "
            "GROUP BY t.insee_code) AS s",
            [*[year] * len(Quantity.values), reference_year, dataset_id, year, reference_year, territory_id],
        )
        row = cursor.fetchone()
    return {indicator: int(count or 0) for indicator, count in zip(INDICATORS, row, strict=True)}
