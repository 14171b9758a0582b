"""A territory's figures for one dataset, as the selectors build pages from them: read from the
aggregates the import maintains (totals.py), and cached.

`territory_figures` answers with the coverage, the population and the sums by sector and energy of a
set of communes. A whole territory (every commune of it: the territory's observatory page, tens of
thousands of communes for a national operator) reads its pre-aggregated rows; any other set (a
commune, a group, an advisor's communes) reads its communes' totals for the coverage and population,
and its values by sector and energy from the fact table (per commune they are no fewer than the values
themselves, and keeping them too would double the import's writes). Either way the result, free of any
language or object, is cached in the default cache under the data version that imports and commune
changes renew (totals.data_version): the next request, in any process sharing the cache, costs one cache
read."""

import hashlib
from dataclasses import dataclass, field

from django.db import connection

from communes.models import Commune
from pcl.versions import cached

from .coverage import Coverage, coverage_from_rows, platform_coverage
from .models import PlatformCoverage, PlatformTotal, Quantity, Status
from .totals import (
    COMMUNE_TOTALS,
    COVERAGE_COLUMNS,
    FACT_TABLE,
    FINGERPRINT,
    coverage_select_sql,
    data_version,
    fingerprint_sql,
)

CACHE_SECONDS = 24 * 3600

# (quantity, column) of the sums by part pages show: the sectors of consumption and emissions, the
# carriers of consumption and the sources of production (both in the `energy` column).
PARTS = (
    (Quantity.CONSUMPTION, "sector"),
    (Quantity.EMISSIONS, "sector"),
    (Quantity.CONSUMPTION, "energy"),
    (Quantity.PRODUCTION, "energy"),
)
FACT_COLUMNS = {"sector": "sector_code", "energy": "energy"}


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


def territory_fingerprint(territory_id: int) -> str:
    """The territory's communes and their reference population, as its stored coverage names them
    (totals.fingerprint_sql): "count:population:weighted sum". One query."""
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_sql(), [territory_id])
        return cursor.fetchone()[0]


def territory_figures(
    *, commune_ids, dataset_id: int | None, territory_id: int | None = None
) -> TerritoryFigures:
    """The figures of these communes for the dataset: cached under the data version and the communes'
    fingerprint (any change of the communes or their population shows at once); three queries when
    not cached, one when cached. `commune_ids` None: every commune of the territory `territory_id`,
    whatever they are (a territory's page need not list tens of thousands of ids); a list of the
    territory's communes, with `territory_id`, that holds them all reads the same figures."""
    ids = None if commune_ids is None else sorted(set(commune_ids))
    if ids is None and territory_id is None:
        raise ValueError("The figures of a whole territory need its id.")
    if territory_id is not None:
        fingerprint = territory_fingerprint(territory_id)
    else:
        communes_sql, params = _communes_where(ids)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {FINGERPRINT} FROM communes_commune fc WHERE fc.{communes_sql}", params)
            fingerprint = cursor.fetchone()[0]
    communes, population, _weighted = (int(part) for part in fingerprint.split(":"))
    if ids is not None and ids and territory_id is not None and len(ids) == communes:
        ids = None  # every commune of the territory: its figures, cached once for any list of them
    digest = "territory" if ids is None else hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()
    key = ("observatory:figures", data_version(), fingerprint, dataset_id, territory_id, digest)
    if ids is None:
        return cached(
            key,
            lambda: _whole_territory_figures(territory_id, dataset_id, communes, population, fingerprint),
            timeout=CACHE_SECONDS,
        )
    return cached(key, lambda: _communes_figures(ids, dataset_id), timeout=CACHE_SECONDS)


def _whole_territory_figures(
    territory_id: int, dataset_id: int | None, communes: int, population: int, fingerprint: str
):
    if dataset_id is None:
        return TerritoryFigures(coverage=Coverage(communes, population, {}), population={})
    rows = list(
        PlatformCoverage.objects.filter(territory_id=territory_id, dataset_id=dataset_id).order_by("year")
    )
    if any(row.communes_fingerprint != fingerprint for row in rows):
        # The communes changed around the hooks that refresh the stored coverage: counted here.
        select, params = coverage_select_sql(dataset_id=dataset_id)
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            rows = [PlatformCoverage(**dict(zip(COVERAGE_COLUMNS, row, strict=True))) for row in cursor]
        rows = [row for row in rows if row.territory_id == territory_id]
    figures = TerritoryFigures(coverage=platform_coverage(rows, communes, population), population={})
    batches = set()
    wanted = set(PARTS)
    for batch_id, year, quantity, part, code, total, estimates in (
        PlatformTotal.objects.filter(territory_id=territory_id, dataset_id=dataset_id)
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
    """Two queries: the coverage and population from the communes' totals; the sums by sector and
    energy from the fact table with, in the same UNION, the batches the values come from."""
    with connection.cursor() as cursor:
        cursor.execute(*_coverage_sql(ids, dataset_id))
        coverage, inhabitants = coverage_from_rows(cursor.fetchall())
    figures = TerritoryFigures(
        coverage=coverage,
        population={year: sum(values.values()) for year, values in sorted(inhabitants.items())},
    )
    if dataset_id is None:
        return figures
    batches = set()
    with connection.cursor() as cursor:
        cursor.execute(*_parts_sql(ids, dataset_id))
        for part, quantity, year, code, total, estimates in cursor.fetchall():
            if part == "batch":
                batches.add(int(code))
            else:
                figures.parts.setdefault((quantity, part), []).append((year, code, total, estimates))
    figures.batch_ids = sorted(batches)
    return figures


def _communes_where(ids: list[int]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "id = ANY(%s)", [ids]
    return f"id IN ({', '.join(['%s'] * len(ids)) or 'NULL'})", ids


def _coverage_sql(ids: list[int], dataset_id: int | None) -> tuple[str, list]:
    """coverage.coverage_from_rows's rows, from the communes' totals (one row per commune and year: a
    row per quantity it has) and the communes' reference population, in one query."""
    communes, id_params = _communes_where(ids)
    selects = [
        f"SELECT 0, '', insee_code, CAST(population AS double precision) FROM communes_commune "
        f"WHERE {communes}"
    ]
    params = list(id_params)
    if dataset_id is not None:
        for quantity in Quantity.values:
            selects.append(
                f"SELECT year, '{quantity}', insee_code, sum({quantity}) FROM {COMMUNE_TOTALS} "
                f"WHERE dataset_id = %s AND {quantity} IS NOT NULL "
                f"AND insee_code IN (SELECT insee_code FROM communes_commune WHERE {communes}) "
                "GROUP BY year, insee_code"
            )
            params += [dataset_id, *id_params]
    return " UNION ALL ".join(selects), params


def _parts_sql(ids: list[int], dataset_id: int) -> tuple[str, list]:
    communes, id_params = _communes_where(ids)
    where = f"dataset_id = %s AND insee_code IN (SELECT insee_code FROM communes_commune WHERE {communes})"
    selects, params = [], []
    for part, column in FACT_COLUMNS.items():
        quantities = [quantity for quantity, kind in PARTS if kind == part]
        selects.append(
            f"SELECT '{part}', quantity, year, {column}, sum(value), "
            f"sum(CASE WHEN status = '{Status.ESTIMATED}' THEN 1 ELSE 0 END) FROM {FACT_TABLE} "
            f"WHERE {where} AND quantity IN ({', '.join(['%s'] * len(quantities))}) "
            f"GROUP BY quantity, year, {column}"
        )
        params += [dataset_id, *id_params, *quantities]
    selects.append(
        f"SELECT DISTINCT 'batch', '', 0, CAST(batch_id AS varchar(20)), 0.0, 0 FROM {COMMUNE_TOTALS} "
        f"WHERE {where}"
    )
    params += [dataset_id, *id_params]
    return " UNION ALL ".join(selects), params
