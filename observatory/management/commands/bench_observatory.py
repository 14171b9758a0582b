"""Benchmark: importing a ~1M-row observatory file against a raw PostgreSQL COPY of the same file.

Runs in a throwaway test database (created and dropped here), so it never touches real data.
"""

import csv
import os
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_databases, teardown_databases
from psycopg import sql

from communes.importers import NATIONAL_FILE
from communes.models import Commune, Epci, Territory, sort_key
from observatory import services
from observatory.importers.split import SPLIT_SETTING
from observatory.models import BatchStatus, Carrier, Dataset, ImportFormat, RenewableSource, Sector

HEADER = ["insee_code", "year", "quantity", "sector", "energy", "value", "unit", "status"]


class Command(BaseCommand):
    help = (
        "Times the observatory import of a generated file next to a raw COPY of the same file (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best is kept.")
        parser.add_argument(
            "--split-bytes",
            type=int,
            default=None,
            help="Files from this size on are imported on two connections (default: the setting); "
            "a size larger than the file compares with one connection.",
        )
        parser.add_argument(
            "--other-spellings",
            action="store_true",
            help='Writes energies in kWh and estimates as "e": a file not in the platform\'s own form, '
            "which the import takes the general way (staging table, lookups).",
        )

    def handle(self, *args, rows, repeat, split_bytes, other_spellings, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark measures PostgreSQL: set DATABASE_URL=postgres://...")
        # A database of its own, so that a test run on the same server is left alone.
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench"
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            self.other_spellings = other_spellings
            if split_bytes is None:
                self._run(rows, repeat)
            else:
                with override_settings(**{SPLIT_SETTING: split_bytes}):
                    self._run(rows, repeat)
        finally:
            teardown_databases(old_config, verbosity=0)

    def _run(self, rows: int, repeat: int) -> None:
        communes = self._communes()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "observatory.csv")
            written, years = self._generate(path, communes, rows)
            size_mb = os.path.getsize(path) / 2**20
            form = 'other spellings (kWh, "e")' if self.other_spellings else "the platform's own form"
            self.stdout.write(
                f"File: {written:,} rows, {size_mb:.0f} MB, {len(communes):,} communes known, years {years}, "
                f"in {form}"
            )
            copy_times = [self._raw_copy(path) for _ in range(repeat)]
            # The territory's own dataset: the import checks that every commune is of its territory.
            dataset = Dataset.objects.get(code="orcae")
            dataset.territory = Territory.objects.get(slug="bench")
            dataset.save(update_fields=["territory"])
            import_times, profiles = [], []
            for _ in range(repeat):
                batch = services.batch_create_from_path(
                    dataset=dataset, file_format=ImportFormat.LONG, path=path
                )
                started = time.perf_counter()
                batch = services.batch_run(batch=batch, path=path)
                import_times.append(time.perf_counter() - started)
                profiles.append(batch.timings)
                if batch.status != BatchStatus.DONE:
                    raise CommandError(f"The import failed: {batch.message} {batch.errors[:3]}")
        copy_best, import_best = min(copy_times), min(import_times)
        self.stdout.write(f"Raw COPY into a bare table : {copy_best:6.2f} s  (runs: {_runs(copy_times)})")
        self.stdout.write(f"Observatory import         : {import_best:6.2f} s  (runs: {_runs(import_times)})")
        best = profiles[import_times.index(import_best)]
        # The parts' phases (two connections at once for a large file) happen within the import's own.
        own = {phase: seconds for phase, seconds in best.items() if not phase.startswith("part ")}
        for phase, seconds in own.items():
            self.stdout.write(f"  {phase:<24} : {seconds:6.2f} s")
        self.stdout.write(f"  {'batch bookkeeping':<24} : {import_best - sum(own.values()):6.2f} s")
        for phase, seconds in best.items():
            if phase not in own:
                self.stdout.write(f"    {phase:<22} : {seconds:6.2f} s")
        self.stdout.write(
            f"  values imported: {batch.rows_imported:,}; each run after the first replaces them"
        )
        ratio = f"Ratio import / COPY      : {import_best / copy_best:6.2f}"
        if self.other_spellings:  # the 2x target is the platform's own form's
            self.stdout.write(f"{ratio} (the general path, for the record)")
        else:
            self.stdout.write(self.style.SUCCESS(f"{ratio} (target ≤ 2)"))

    def _communes(self) -> list[str]:
        """Every French commune, as an agglomeration-wide deployment would know a few hundred of them."""
        epci = Epci.objects.create(siren="200040715", name="Bench")
        territory = Territory.objects.create(name="Bench", slug="bench")
        with open(NATIONAL_FILE, encoding="utf-8") as handle:
            Commune.objects.bulk_create(
                Commune(
                    insee_code=row["insee_code"],
                    name=row["name"],
                    sort_name=sort_key(row["name"]),
                    population=int(row["population_municipale"] or 0),
                    epci=epci,
                    territory=territory,
                )
                for row in csv.DictReader(handle)
            )
        return list(Commune.objects.order_by("insee_code").values_list("insee_code", flat=True))

    def _generate(self, path: str, communes: list[str], rows: int) -> tuple[int, str]:
        sectors = list(Sector.objects.values_list("code", flat=True))
        carriers = list(Carrier.objects.values_list("code", flat=True))
        sources = list(RenewableSource.objects.values_list("code", flat=True))
        per_year = (
            [("consumption", sector, carrier, "MWh") for sector in sectors for carrier in carriers]
            + [("emissions", sector, "", "t CO2e") for sector in sectors]
            + [("production", "", source, "MWh") for source in sources]
            + [("population", "", "", "inhabitants")]
        )
        years = list(range(2005, 2025))
        written = 0
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for index, code in enumerate(communes):
                for year in years:
                    status = "estimated" if year == years[-1] else "consolidated"
                    for position, (quantity, sector, energy, unit) in enumerate(per_year):
                        value = round(10 + (index * 7 + year * 13 + position * 17) % 5000 / 3, 1)
                        if self.other_spellings:
                            value, unit = (value * 1000, "kWh") if unit == "MWh" else (value, unit)
                            status = "e" if status == "estimated" else ""
                        writer.writerow([code, year, quantity, sector, energy, value, unit, status])
                    written += len(per_year)
                if written >= rows:
                    break
        return written, f"{years[0]}–{years[-1]}"

    def _raw_copy(self, path: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
            columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in HEADER)
            cursor.execute(sql.SQL("CREATE TABLE bench_raw_copy ({})").format(columns))
            started = time.perf_counter()
            with (
                open(path, "rb") as handle,
                cursor.cursor.copy("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            elapsed = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_raw_copy")
        return elapsed


def _runs(times: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in times)
