"""The observatory's aggregates, maintained by the import: computed once, not at every request.

Pages read a territory's figures by year, quantity, sector and energy with their coverage. Summed from
the fact table at every request, that is every value of every commune of the territory (about eighty per
commune and year; 20 million values at national scale). Instead the import, in its own transaction and
with set-based statements that run the same on both databases where they can, keeps:

- `ObservationTotal`: each commune's total of each quantity per year, with its count of estimates (one
  row per commune and year, a column per quantity), which serves any set of communes (a commune, a
  group, an advisor's);
- `PlatformTotal`: each territory's totals per year, quantity, and sector or energy (the territory's
  observatory page, every commune of it: tens of thousands for a national operator's);
- `PlatformCoverage`: each territory's coverage per year (communes with values, their population, the
  counts that decide the "same communes" rules of coverage.py).

Each commune's values count in its territory's rows. A territory's own dataset holds its communes'
values only (the import refuses others'), so its rows are all of one territory, known before the pass;
a shared dataset's values are counted in the territory of their commune, through a join.

An import replaces whole years of its dataset (importers/facts.py): the aggregates of those years are
deleted and computed again from the new batch's rows alone, in one GROUP BY pass over them (GROUPING
SETS on PostgreSQL, where the direct path runs that pass on each half of the file in parallel: see
direct.py; two passes joined by UNION ALL on SQLite). `Observation` stays the source of truth:
`totals_rebuild` computes everything again from it (the data migration, a commune deleted, and tests
that write values straight into the fact table).

Then the import ANALYZEs what it attached (the partition, the parent, the aggregates) before it reports
success: a partition attached without statistics makes the planner loop over it row by row."""

from django.db import connection, transaction

from pcl.versions import CacheVersion

from .models import COVERAGE_PAIRS, Observation, ObservationTotal, PlatformCoverage, PlatformTotal, Quantity

FACT_TABLE = Observation._meta.db_table
COMMUNE_TOTALS = ObservationTotal._meta.db_table
PLATFORM_TOTALS = PlatformTotal._meta.db_table
PLATFORM_COVERAGE = PlatformCoverage._meta.db_table
AGGREGATE_TABLES = (COMMUNE_TOTALS, PLATFORM_TOTALS, PLATFORM_COVERAGE)

# The stage's columns: a commune's total of a quantity (`insee_code` set), or a territory's total of a
# quantity's sector and energy (`insee_code` NULL), from which its totals by sector, by energy and in all
# follow (a few thousand rows). Two groupings of the values, not four: the pass over them costs less.
STAGE_COLUMNS = (
    "dataset_id, batch_id, territory_id, insee_code, year, quantity, sector_code, energy, total, estimates"
)

# How the stage finds each value's territory when it is not one known in advance (a shared dataset).
COMMUNE_JOIN = "JOIN communes_commune c ON c.insee_code = o.insee_code"


# The communes' totals' columns (one row per commune and year): each quantity's total, NULL where the
# commune has no value of it, and its count of estimates; and their sums of the stage rows.
COMMUNE_COLUMNS = [column for quantity in Quantity.values for column in (quantity, f"{quantity}_estimates")]
COMMUNE_SUMS = ", ".join(
    f"sum(CASE WHEN quantity = '{quantity}' THEN total END), "
    f"coalesce(sum(CASE WHEN quantity = '{quantity}' THEN estimates END), 0)"
    for quantity in Quantity.values
)


def stage_passes() -> int:
    """How many times stage_select_sql's SQL names its `where` (one pass on PostgreSQL, two on SQLite)."""
    return 1 if connection.vendor == "postgresql" else 2


ESTIMATES = "count(*) FILTER (WHERE o.status = 'estimated')"


def stage_select_sql(
    source: str, *, where: str = "", batch: tuple[int, int] | None = None, territory_id: int | None = None
) -> str:
    """The stage rows of the values in `source` (a table, aliased `o`), in one pass on PostgreSQL. The
    values of one batch (`batch`: its dataset's id and its own) are grouped without those two columns,
    the same in every row: a third less work per row. The values of one territory (`territory_id`: a
    territory's own dataset) name it as a constant; else each value's commune gives it (a join)."""
    if batch is None:
        keys = grouped_keys = "o.dataset_id, o.batch_id"
    else:
        keys, grouped_keys = f"{int(batch[0])} AS dataset_id, {int(batch[1])} AS batch_id", ""
    if territory_id is None:
        join, territory, by_territory = COMMUNE_JOIN, "c.territory_id", "c.territory_id, "
    else:
        join, territory, by_territory = "", str(int(territory_id)), ""
    group_by = f"GROUP BY {grouped_keys}{', ' if grouped_keys else ''}o.year, o.quantity"
    if connection.vendor == "postgresql":
        return (
            f"SELECT {keys}, {territory} AS territory_id, o.insee_code, o.year, o.quantity, o.sector_code, "
            f"o.energy, sum(o.value) AS total, {ESTIMATES} AS estimates FROM {source} o {join} {where} "
            f"{group_by}, GROUPING SETS ((o.insee_code), ({by_territory}o.sector_code, o.energy))"
        )
    selects = [
        ("NULL", "o.insee_code", "NULL", "NULL", "o.insee_code"),
        (territory, "NULL", "o.sector_code", "o.energy", f"{by_territory}o.sector_code, o.energy"),
    ]
    return " UNION ALL ".join(
        f"SELECT {keys}, {territory_column} AS territory_id, {code} AS insee_code, o.year, o.quantity, "
        f"{sector} AS sector_code, {energy} AS energy, "
        f"sum(o.value) AS total, {ESTIMATES} AS estimates FROM {source} o {join} {where} "
        f"{group_by}, {grouped}"
        for territory_column, code, sector, energy, grouped in selects
    )


def dataset_territory_id(cursor, dataset_id: int) -> int | None:
    """The territory of a dataset (None: a shared one), as the import's SQL needs it."""
    cursor.execute("SELECT territory_id FROM observatory_dataset WHERE id = %s", [dataset_id])
    row = cursor.fetchone()
    return row[0] if row else None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _years_filter(column: str, years) -> tuple[str, list]:
    if years is None:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(years))})", list(years)


def totals_replace(cursor, *, dataset_id: int, batch_id: int, years: list[int], stages=None) -> None:
    """The dataset's aggregates of `years`, after an import replaced them: from `stages` (tables of
    stage rows, see stage_select_sql; the direct path's halves), or else from the batch's values."""
    if not years:
        return
    own_stage = stages is None
    if own_stage:
        stage = f"obs_totals_{batch_id}"
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_quote(stage)} AS "
            + stage_select_sql(
                _quote(FACT_TABLE),
                where="WHERE o.batch_id = %s",
                batch=(dataset_id, batch_id),
                territory_id=dataset_territory_id(cursor, dataset_id),
            ),
            [batch_id] * stage_passes(),
        )
        stages = [stage]
    _delete(cursor, dataset_id, years)
    _insert_from_stages(cursor, stages)
    if own_stage:
        cursor.execute(f"DROP TABLE {_quote(stages[0])}")
    coverage_refresh(cursor, dataset_id=dataset_id, years=years)


def _delete(cursor, dataset_id: int | None, years) -> None:
    for table in AGGREGATE_TABLES:
        where, params = ("1 = 1", []) if dataset_id is None else ("dataset_id = %s", [dataset_id])
        in_years, year_params = _years_filter("year", years)
        # (The same batch run again covers the same years: its rows go with them.)
        cursor.execute(f"DELETE FROM {_quote(table)} WHERE {where}{in_years}", params + year_params)


def _insert_from_stages(cursor, stages: list[str]) -> None:
    """Each commune's totals, and each territory's by part and in all, from the stage rows (a commune
    split between two halves of a file has rows in both: they add up)."""
    rows = " UNION ALL ".join(f"SELECT {STAGE_COLUMNS} FROM {_quote(stage)}" for stage in stages)
    commune_keys = "dataset_id, batch_id, insee_code, year"
    cursor.execute(
        f"INSERT INTO {_quote(COMMUNE_TOTALS)} ({commune_keys}, {', '.join(COMMUNE_COLUMNS)}) "
        f"SELECT {commune_keys}, {COMMUNE_SUMS} FROM ({rows}) AS s "
        f"WHERE insee_code IS NOT NULL GROUP BY {commune_keys}"
    )
    keys = "dataset_id, batch_id, territory_id, year, quantity"
    parts = " UNION ALL ".join(
        f"SELECT {keys}, {part} AS part, {code} AS code, sum(total) AS total, sum(estimates) AS estimates "
        f"FROM ({rows}) AS s WHERE insee_code IS NULL GROUP BY {keys}{grouped}"
        for part, code, grouped in (
            ("''", "NULL", ""),
            ("'sector'", "sector_code", ", sector_code"),
            ("'energy'", "energy", ", energy"),
        )
    )
    cursor.execute(
        f"INSERT INTO {_quote(PLATFORM_TOTALS)} ({keys}, part, code, total, estimates) "
        f"SELECT {keys}, part, code, total, estimates FROM ({parts}) AS p"
    )


def _has(quantity: str) -> str:
    return f"max(CASE WHEN t.{quantity} IS NOT NULL THEN 1 ELSE 0 END)"


COVERAGE_COLUMNS = [
    "dataset_id",
    "territory_id",
    "year",
    "communes",
    "population",
    *(f"with_{quantity}" for quantity in Quantity.values),
    *(f"{first}_and_{second}" for first, second in COVERAGE_PAIRS),
    "communes_fingerprint",
]

# A set of communes (aliased `fc`) as "count:population:weighted sum" (see fingerprint_sql).
FINGERPRINT = (
    "CAST(count(*) AS text) || ':' || CAST(coalesce(sum(fc.population), 0) AS text) || ':' "
    "|| CAST(coalesce(sum(fc.id * coalesce(fc.population, 0)), 0) AS text)"
)


def fingerprint_sql(territory: str = "%s") -> str:
    """What a territory's coverage depends on besides the values: which communes it has and their
    reference population (`territory`: a parameter, or a column of the outer query). Stored with the
    coverage, compared with the communes' own at each read (figures.py), so that a change made around
    the hooks of signals.py (a queryset's update) is seen."""
    return f"SELECT {FINGERPRINT} FROM communes_commune fc WHERE fc.territory_id = {territory}"


def coverage_select_sql(*, dataset_id: int | None = None, years=None) -> tuple[str, list]:
    """Each territory's coverage (COVERAGE_COLUMNS) from the communes' totals and the communes' reference
    population, each commune counted in its territory."""
    where, params = ("1 = 1", []) if dataset_id is None else ("t.dataset_id = %s", [dataset_id])
    in_years, year_params = _years_filter("t.year", years)
    flags = ", ".join(f"{_has(quantity)} AS {quantity}" for quantity in Quantity.values)
    sums = ", ".join(
        [f"sum(f.{quantity})" for quantity in Quantity.values]
        + [f"sum(f.{first} * f.{second})" for first, second in COVERAGE_PAIRS]
    )
    return (
        f"SELECT f.dataset_id, c.territory_id, f.year, count(*), sum(coalesce(c.population, 0)), {sums}, "
        "fp.fingerprint "
        f"FROM (SELECT t.dataset_id, t.year, t.insee_code, {flags} FROM {_quote(COMMUNE_TOTALS)} t "
        f"WHERE {where}{in_years} GROUP BY t.dataset_id, t.year, t.insee_code) AS f "
        "JOIN communes_commune c ON c.insee_code = f.insee_code "
        # Each territory's fingerprint in one pass over the communes (not once per year and territory).
        f"JOIN (SELECT fc.territory_id, {FINGERPRINT} AS fingerprint FROM communes_commune fc "
        "GROUP BY fc.territory_id) AS fp ON fp.territory_id = c.territory_id "
        "GROUP BY f.dataset_id, c.territory_id, f.year, fp.fingerprint",
        params + year_params,
    )


def coverage_refresh(cursor, *, dataset_id: int | None = None, years=None) -> None:
    """The territories' coverage (of a dataset, of some years), again whenever the values or the
    communes change."""
    where, params = ("1 = 1", []) if dataset_id is None else ("dataset_id = %s", [dataset_id])
    in_years, year_params = _years_filter("year", years)
    cursor.execute(f"DELETE FROM {_quote(PLATFORM_COVERAGE)} WHERE {where}{in_years}", params + year_params)
    select, params = coverage_select_sql(dataset_id=dataset_id, years=years)
    cursor.execute(
        f"INSERT INTO {_quote(PLATFORM_COVERAGE)} ({', '.join(COVERAGE_COLUMNS)}) {select}", params
    )


def totals_rebuild(*, dataset_id: int | None = None) -> None:
    """Every aggregate (of a dataset) computed again from the fact table, for the values of the
    platform's communes (as pages read them), each counted in its commune's territory (today's: a
    commune that moved counts in its new territory)."""
    with transaction.atomic(), connection.cursor() as cursor:
        aggregates_rebuild(cursor, dataset_id=dataset_id)
        statistics_refresh(cursor, AGGREGATE_TABLES)
    data_changed()


def aggregates_rebuild(cursor, *, dataset_id: int | None = None) -> None:
    """totals_rebuild's statements (the data migrations run them on their own cursor). Migration 0007
    runs them on a schema before territories (0011_h1_territory_totals), which fills the aggregates
    again: nothing to do then."""
    columns = connection.introspection.get_table_description(cursor, PLATFORM_TOTALS)
    if not any(column.name == "territory_id" for column in columns):
        return
    _delete(cursor, dataset_id, None)
    stage = "obs_totals_rebuild"
    where, params = ("", []) if dataset_id is None else ("WHERE o.dataset_id = %s", [dataset_id])
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_quote(stage)} AS " + stage_select_sql(_quote(FACT_TABLE), where=where),
        params * stage_passes(),
    )
    _insert_from_stages(cursor, [stage])
    cursor.execute(f"DROP TABLE {_quote(stage)}")
    coverage_refresh(cursor, dataset_id=dataset_id)


# The statistics target of the import's ANALYZE: samples of 300 times as many rows. The fact table's
# plans need its row counts and the spread of its few key columns (communes, years, quantities), which
# samples of 3,000 rows give (tests/observatory/test_totals.py checks the planner's estimate after an
# import); PostgreSQL's default (100: 30,000 rows in each partition and again in the parent) made ANALYZE
# cost as much as a third of the import.
STATISTICS_TARGET = 10


def statistics_refresh(cursor, tables) -> None:
    """ANALYZE (PostgreSQL): the planner's statistics of what an import wrote, before it reports success.
    The partitioned parent is named: autovacuum never analyses it, and ANALYZE of it also analyses each
    partition (the new one included; PostgreSQL 15 has no ANALYZE ONLY)."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT current_setting('default_statistics_target')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [str(STATISTICS_TARGET)])
        cursor.execute("ANALYZE " + ", ".join(_quote(table) for table in tables))
        cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [before])


# The version of the observatory's figures (pcl/versions.py): what caches a territory's figures names it
# in its keys; every change of the figures (an import, communes changing) draws a new one.
DATA_VERSION = CacheVersion("observatory:data-version")
data_version = DATA_VERSION.current
data_version_bump = DATA_VERSION.renew


def data_changed() -> None:
    """A new version, from the change on: this transaction's own reads see it at once."""
    data_version_bump()


def data_committed() -> None:
    """A new version again once the change is committed, for the writer whose transaction just ended
    (services.batch_run): a reader in another process may have cached the figures from before the
    commit under the version drawn during the transaction."""
    if not connection.in_atomic_block:
        data_version_bump()
