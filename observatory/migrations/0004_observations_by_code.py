"""The fact table refers to communes, sectors and energies by their codes instead of their ids.

A file in the platform's own form then maps column for column onto the table, and the import COPYs it
straight into the batch's partition (observatory/importers/direct.py): the second full write of every
row that turned codes into ids was two thirds of the import's time. Columns:

- `insee_code` (the commune's INSEE code) instead of `commune_id`;
- `sector_code` (the sector's code) instead of `sector_id`;
- `energy` (the carrier's code for a consumption, the renewable source's for a production) instead of
  `carrier_id` and `source_id`;
- `status` ("consolidated" or "estimated") instead of `is_estimate`.

On PostgreSQL the table stays partitioned by batch. Its unique key index gives way to a lookup index on
(insee_code, year): the import checks that a value appears once per batch itself, in one scan, for a
fraction of a unique index's build (importers/direct.py). The code columns compare byte by byte
(COLLATE "C"): indexes on them build faster, and a comparison with the communes' codes, whose collation
is the database's default, takes the columns' one. Rows of a commune deleted since they were imported
have nothing to be converted to and are left out. SQLite rebuilds its plain table.

Both directions convert the rows."""

from django.db import migrations, models

TABLE = "observatory_observation"

CONVERT_FORWARD = f"""
SELECT o.id, o.dataset_id, o.batch_id, c.insee_code, o.year, o.quantity, se.code AS sector_code,
    coalesce(ca.code, so.code) AS energy, o.value,
    CASE WHEN o.is_estimate THEN 'estimated' ELSE 'consolidated' END AS status
FROM {TABLE} o
JOIN communes_commune c ON c.id = o.commune_id
LEFT JOIN observatory_sector se ON se.id = o.sector_id
LEFT JOIN observatory_carrier ca ON ca.id = o.carrier_id
LEFT JOIN observatory_renewablesource so ON so.id = o.source_id
"""

CONVERT_BACKWARD = f"""
SELECT o.id, o.year, o.quantity, o.value, o.status = 'estimated' AS is_estimate, o.batch_id,
    ca.id AS carrier_id, c.id AS commune_id, o.dataset_id, so.id AS source_id, se.id AS sector_id
FROM {TABLE} o
JOIN communes_commune c ON c.insee_code = o.insee_code
LEFT JOIN observatory_sector se ON se.code = o.sector_code
LEFT JOIN observatory_carrier ca ON ca.code = o.energy AND o.quantity = 'consumption'
LEFT JOIN observatory_renewablesource so ON so.code = o.energy AND o.quantity = 'production'
"""

NEW_COLUMNS = "id, dataset_id, batch_id, insee_code, year, quantity, sector_code, energy, value, status"
OLD_COLUMNS = (
    "id, year, quantity, value, is_estimate, batch_id, carrier_id, commune_id, dataset_id, source_id, sector_id"
)

PARTITIONS = f"""
DO $$
DECLARE batch bigint;
BEGIN
    FOR batch IN SELECT DISTINCT batch_id FROM {TABLE}_rows LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF {TABLE} FOR VALUES IN (%s)',
            '{TABLE}_b' || batch, batch);
    END LOOP;
END $$
"""


def _postgres(select: str, create: str, columns: str, index: str) -> list[str]:
    """Rebuilds the partitioned table: rows aside, the old table (and its partitions) dropped, the new
    one created with a partition per batch, the rows back in, the id sequence where it was."""
    return [
        f"CREATE TABLE {TABLE}_rows AS {select}",
        f"CREATE TABLE {TABLE}_last_id AS SELECT last_value FROM {TABLE}_id_seq",
        f"DROP TABLE {TABLE}",
        f"CREATE SEQUENCE {TABLE}_id_seq",
        create,
        f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id",
        f"SELECT setval('{TABLE}_id_seq', greatest((SELECT last_value FROM {TABLE}_last_id), "
        f"coalesce((SELECT max(id) FROM {TABLE}_rows), 0)) + 1, false)",
        f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT",
        index,
        PARTITIONS,
        f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {TABLE}_rows",
        f"DROP TABLE {TABLE}_rows, {TABLE}_last_id",
    ]


POSTGRES_FORWARD = _postgres(
    CONVERT_FORWARD,
    f"""CREATE TABLE {TABLE} (
        id bigint NOT NULL DEFAULT nextval('{TABLE}_id_seq'),
        dataset_id bigint NOT NULL,
        batch_id bigint NOT NULL,
        insee_code varchar(5) COLLATE "C" NOT NULL,
        year smallint NOT NULL CONSTRAINT {TABLE}_year_check CHECK (year >= 0),
        quantity varchar(12) COLLATE "C" NOT NULL,
        sector_code varchar(40) COLLATE "C" NULL,
        energy varchar(40) COLLATE "C" NULL,
        value double precision NOT NULL,
        status varchar(12) COLLATE "C" NOT NULL
    ) PARTITION BY LIST (batch_id)""",
    NEW_COLUMNS,
    f"CREATE INDEX {TABLE}_key ON {TABLE} (insee_code, year)",
)

POSTGRES_BACKWARD = _postgres(
    CONVERT_BACKWARD,
    f"""CREATE TABLE {TABLE} (
        id bigint NOT NULL DEFAULT nextval('{TABLE}_id_seq'),
        year smallint NOT NULL CONSTRAINT {TABLE}_year_check CHECK (year >= 0),
        quantity varchar(12) NOT NULL,
        value double precision NOT NULL,
        is_estimate boolean NOT NULL,
        batch_id bigint NOT NULL,
        carrier_id bigint NULL,
        commune_id bigint NOT NULL,
        dataset_id bigint NOT NULL,
        source_id bigint NULL,
        sector_id bigint NULL
    ) PARTITION BY LIST (batch_id)""",
    OLD_COLUMNS,
    f"""CREATE UNIQUE INDEX {TABLE}_key ON {TABLE}
        (commune_id, year, quantity COLLATE "C", sector_id, carrier_id, source_id, batch_id) NULLS NOT DISTINCT""",
)


def _sqlite(select: str, create: str, columns: str, index: str) -> list[str]:
    return [
        create,
        f"INSERT INTO {TABLE}_new ({columns}) {select}",
        f"DROP TABLE {TABLE}",
        f'ALTER TABLE {TABLE}_new RENAME TO "{TABLE}"',
        index,
    ]


SQLITE_FORWARD = _sqlite(
    CONVERT_FORWARD,
    f'CREATE TABLE "{TABLE}_new" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
    '"dataset_id" bigint NOT NULL, "batch_id" bigint NOT NULL, "insee_code" varchar(5) NOT NULL, '
    '"year" smallint unsigned NOT NULL CHECK ("year" >= 0), "quantity" varchar(12) NOT NULL, '
    '"sector_code" varchar(40) NULL, "energy" varchar(40) NULL, "value" real NOT NULL, '
    '"status" varchar(12) NOT NULL)',
    NEW_COLUMNS,
    f"CREATE INDEX {TABLE}_key ON {TABLE} (dataset_id, quantity, insee_code, year)",
)

SQLITE_BACKWARD = _sqlite(
    CONVERT_BACKWARD,
    f'CREATE TABLE "{TABLE}_new" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
    '"year" smallint unsigned NOT NULL CHECK ("year" >= 0), "quantity" varchar(12) NOT NULL, '
    '"value" real NOT NULL, "is_estimate" bool NOT NULL, "batch_id" bigint NOT NULL, '
    '"carrier_id" bigint NULL, "commune_id" bigint NOT NULL, "dataset_id" bigint NOT NULL, '
    '"source_id" bigint NULL, "sector_id" bigint NULL)',
    OLD_COLUMNS,
    f"CREATE INDEX {TABLE}_key ON {TABLE} (dataset_id, quantity, commune_id, year)",
)


def run(postgres: list[str], sqlite: list[str]):
    def operation(apps, schema_editor):
        statements = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)  # no parameters: format()'s %I and %s stay as they are

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0002_commune_group"),
        ("observatory", "0003_partition_observations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(
                    run(POSTGRES_FORWARD, SQLITE_FORWARD), run(POSTGRES_BACKWARD, SQLITE_BACKWARD)
                )
            ],
            state_operations=[
                migrations.RemoveField(model_name="observation", name="carrier"),
                migrations.RemoveField(model_name="observation", name="is_estimate"),
                migrations.RemoveField(model_name="observation", name="source"),
                migrations.AddField(
                    model_name="observation",
                    name="energy",
                    field=models.CharField(blank=True, max_length=40, null=True),
                ),
                migrations.AddField(
                    model_name="observation",
                    name="status",
                    field=models.CharField(
                        choices=[("consolidated", "consolidated"), ("estimated", "estimated")],
                        default="consolidated",
                        max_length=12,
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="commune",
                    field=models.ForeignKey(
                        db_column="insee_code",
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="communes.commune",
                        to_field="insee_code",
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="sector",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="sector_code",
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="observatory.sector",
                        to_field="code",
                    ),
                ),
            ],
        )
    ]
