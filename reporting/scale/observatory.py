"""Twenty years of observatory values for every commune, through the platform's observatory import.

The values are written to temporary files in the platform's own long CSV form (the form its export
writes), a few years per file, streamed line by line; each file is imported by the import service
(`observatory.services.batch_run`), which COPYs it straight into its batch's partition and maintains
whatever the import maintains. Per commune and year: the consumption of each sector in one or two energy
carriers (every carrier appears), the emissions of each sector, the production of each renewable source
and the population: 30 values, so 21 million for 34,969 communes over 20 years."""

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from observatory import services
from observatory.models import BatchStatus, Carrier, Dataset, ImportFormat, RenewableSource, Sector

HEADER = "insee_code,year,quantity,sector,energy,value,unit,status\n"
DATASET_CODE = "demo"
LAST_YEAR = 2024


@dataclass
class ObservatoryLoad:
    values: int = 0
    files: int = 0
    megabytes: float = 0.0
    generate_seconds: float = 0.0
    import_seconds: float = 0.0
    batches: list[int] = field(default_factory=list)


def series_per_year() -> list[tuple[str, str, str, str]]:
    """(quantity, sector, energy, unit) of the values each commune has each year."""
    sectors = list(Sector.objects.values_list("code", flat=True))
    carriers = list(Carrier.objects.values_list("code", flat=True))
    sources = list(RenewableSource.objects.values_list("code", flat=True))
    consumption = []
    for index, sector in enumerate(sectors):
        used = {carriers[index % len(carriers)], carriers[(index + 4) % len(carriers)] if index < 3 else None}
        consumption += [("consumption", sector, carrier, "MWh") for carrier in sorted(used - {None})]
    return (
        consumption
        + [("emissions", sector, "", "t CO2e") for sector in sectors]
        + [("production", "", source, "MWh") for source in sources]
        + [("population", "", "", "inhabitants")]
    )


def scale_dataset() -> Dataset:
    """The demonstration dataset (created by the observatory's migrations), marked as such."""
    dataset = Dataset.objects.get(code=DATASET_CODE)
    if not dataset.is_demo:
        dataset.is_demo = True
        dataset.save(update_fields=["is_demo"])
    return dataset


def write_values(path: str, communes: list[tuple[str, int]], years: list[int], last_year: int) -> int:
    """Writes the values of `communes` ((INSEE code, population)) over `years` to `path`; returns the
    number of values. Figures vary with the commune, year and series, and scale with the population."""
    series = series_per_year()
    written = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as handle:
        handle.write(HEADER)
        for index, (code, population) in enumerate(communes):
            size = max(population, 50)
            lines = []
            for year in years:
                status = "estimated" if year == last_year else "consolidated"
                trend = 1 - (year - 2005) * 0.012
                for position, (quantity, sector, energy, unit) in enumerate(series):
                    if quantity == "population":
                        value = float(size)
                    else:
                        spread = 1 + ((index * 7 + year * 13 + position * 17) % 97) / 200
                        value = round(size * spread * trend * (0.9 + position % 5 / 10), 1)
                    lines.append(f"{code},{year},{quantity},{sector},{energy},{value},{unit},{status}\n")
            handle.writelines(lines)
            written += len(lines)
    return written


def observatory_load(
    *,
    communes: list[tuple[str, int]],
    years: int,
    years_per_file: int,
    log: Callable[[str], None] = lambda message: None,
) -> ObservatoryLoad:
    """Imports `years` years (up to LAST_YEAR) of values for `communes`, `years_per_file` years per file."""
    dataset = scale_dataset()
    all_years = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    load = ObservatoryLoad()
    with tempfile.TemporaryDirectory(prefix="pcl-scale-") as folder:
        for start in range(0, len(all_years), years_per_file):
            chunk = all_years[start : start + years_per_file]
            path = os.path.join(folder, f"observatory-{chunk[0]}-{chunk[-1]}.csv")
            started = time.perf_counter()
            write_values(path, communes, chunk, LAST_YEAR)
            generated = time.perf_counter()
            batch = services.batch_create_from_path(dataset=dataset, file_format=ImportFormat.LONG, path=path)
            batch = services.batch_run(batch=batch, path=path)
            imported = time.perf_counter()
            if batch.status != BatchStatus.DONE:
                raise RuntimeError(
                    f"The import of {chunk[0]}–{chunk[-1]} failed: {batch.message} {batch.errors[:3]}"
                )
            size = os.path.getsize(path) / 2**20
            os.remove(path)
            load.values += batch.rows_imported
            load.files += 1
            load.megabytes += size
            load.generate_seconds += generated - started
            load.import_seconds += imported - generated
            load.batches.append(batch.pk)
            phases = ", ".join(f"{phase} {seconds:.1f}s" for phase, seconds in batch.timings.items())
            log(
                f"  {chunk[0]}–{chunk[-1]}: {batch.rows_imported:,} values, {size:.0f} MB, written in "
                f"{generated - started:.1f} s, imported in {imported - generated:.1f} s ({phases})"
            )
    return load


OPEN_DATASET_CODE = "bench-open"


def open_dataset_load(*, territory, years: int, log: Callable[[str], None] = lambda message: None) -> int:
    """A territory's own open dataset (`is_open`, under Licence Ouverte 2.0), of `years` years of its
    communes' values: what its public observatory, its open-data files and the anonymous API publish.
    Does nothing when it exists; returns the number of values imported."""
    if Dataset.objects.filter(code=OPEN_DATASET_CODE).exists():
        return 0
    dataset = Dataset.objects.create(
        code=OPEN_DATASET_CODE,
        territory=territory,
        name=f"Observatoire ouvert — {territory.name}",
        producer=territory.name,
        licence="Licence Ouverte / Open Licence version 2.0",
        is_open=True,
        priority=5,
    )
    communes = list(territory.communes.order_by("insee_code").values_list("insee_code", "population"))
    all_years = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    with tempfile.TemporaryDirectory(prefix="pcl-scale-open-") as folder:
        path = os.path.join(folder, "open.csv")
        write_values(path, [(code, population or 0) for code, population in communes], all_years, LAST_YEAR)
        batch = services.batch_create_from_path(dataset=dataset, file_format=ImportFormat.LONG, path=path)
        batch = services.batch_run(batch=batch, path=path)
    if batch.status != BatchStatus.DONE:
        raise RuntimeError(f"The open dataset's import failed: {batch.message} {batch.errors[:3]}")
    log(f"  {territory.name}: {len(communes)} communes, {batch.rows_imported:,} values (open dataset)")
    return batch.rows_imported
