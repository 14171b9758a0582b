"""Onboarding the communes of an EPCI from a national commune list (CSV), all or nothing."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Commune, Epci, Territory, insee_code_validator, sort_key, validate_siren
from .signals import communes_imported

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_FILE = DATA_DIR / "communes-france.csv"
METRO_FILE = DATA_DIR / "communes-grenoble-alpes-metropole.csv"

GRENOBLE_METROPOLE = {"siren": "200040715", "name": "Grenoble-Alpes Métropole"}
# What the platform knows of La Métro's own climate plan (see communes.Territory).
GRENOBLE_METROPOLE_CLIMATE_PLAN = {
    "climate_plan_name": "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole",
    "climate_plan_year": 2020,
}

REQUIRED_COLUMNS = ("insee_code", "name", "population_municipale")


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def __str__(self):
        return _("line %(line)d, column %(column)s, value %(value)r: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class CommuneImportError(Exception):
    def __init__(self, message: str, errors: list[RowError] | None = None):
        self.errors = errors or []
        details = "".join(f"\n  - {error}" for error in self.errors[:50])
        if len(self.errors) > 50:
            details += "\n  - " + _("… and %(count)d more") % {"count": len(self.errors) - 50}
        super().__init__(message + details)


@dataclass
class ImportResult:
    epci: Epci
    territory: Territory
    created: list[Commune] = field(default_factory=list)
    updated: list[Commune] = field(default_factory=list)


@dataclass
class _Row:
    insee_code: str
    name: str
    population: int
    siren: str


def _parse(path: Path, epci_siren: str) -> list[_Row]:
    """Reads the rows of the EPCI, checking every one; raises with the list of every bad row."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CommuneImportError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    with handle:
        try:
            return _parse_rows(csv.DictReader(handle), path, epci_siren)
        except (csv.Error, UnicodeDecodeError) as error:
            raise CommuneImportError(
                _("%(path)s is not a valid UTF-8 CSV file: %(error)s") % {"path": path.name, "error": error}
            ) from error


def _parse_rows(reader: csv.DictReader, path: Path, epci_siren: str) -> list[_Row]:
    columns = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise CommuneImportError(
            _("%(path)s is not a commune list: missing columns %(missing)s (found: %(found)s).")
            % {"path": path.name, "missing": ", ".join(missing), "found": ", ".join(columns) or "—"}
        )
    filter_by_epci = "epci_siren" in columns
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if None in record or any(value is None for value in record.values()):
            errors.append(RowError(line, "—", "", _("wrong number of fields")))
            continue
        if filter_by_epci and record["epci_siren"].strip() != epci_siren:
            continue
        row_errors = _row_errors(line, record)
        code = record["insee_code"].strip()
        if not row_errors and code in seen:
            row_errors.append(
                RowError(line, "insee_code", code, _("duplicate of line %(line)d") % {"line": seen[code]})
            )
        if row_errors:
            errors += row_errors
            continue
        seen[code] = line
        rows.append(
            _Row(
                insee_code=code,
                name=record["name"].strip(),
                population=int(record["population_municipale"]),
                siren=(record.get("siren") or "").strip(),
            )
        )
    if errors:
        raise CommuneImportError(
            _("%(count)d rows of %(path)s are invalid; nothing was imported.")
            % {"count": len(errors), "path": path.name},
            errors,
        )
    if not rows:
        raise CommuneImportError(
            _("No commune of EPCI %(siren)s in %(path)s: check the SIREN; nothing was imported.")
            % {"siren": epci_siren, "path": path.name}
        )
    return rows


def _row_errors(line: int, record: dict) -> list[RowError]:
    errors = []
    code = record["insee_code"].strip()
    try:
        insee_code_validator(code)
    except ValidationError as error:
        errors.append(RowError(line, "insee_code", code, error.messages[0]))
    if not record["name"].strip():
        errors.append(RowError(line, "name", "", _("a name is required")))
    population = record["population_municipale"].strip()
    if not population.isdigit():
        errors.append(RowError(line, "population_municipale", population, _("not a whole number")))
    siren = (record.get("siren") or "").strip()
    if siren:
        try:
            validate_siren(siren)
        except ValidationError as error:
            errors.append(RowError(line, "siren", siren, error.messages[0]))
    return errors


def territory_for_epci(siren: str, name: str = "") -> Territory:
    """The territory of an EPCI (by its SIREN), made with the EPCI's name when there is none yet."""
    territory = Territory.objects.filter(siren=siren).first()
    if territory is not None:
        return territory
    name = name or _("EPCI %(siren)s") % {"siren": siren}
    if Territory.objects.filter(name=name).exists():
        name = f"{name} ({siren})"
    slug = base = slugify(name)[:50] or siren
    while Territory.objects.filter(slug=slug).exists():
        slug = f"{base}-{siren}"[:60]
        base = slug
    plan = GRENOBLE_METROPOLE_CLIMATE_PLAN if siren == GRENOBLE_METROPOLE["siren"] else {}
    return Territory.objects.create(siren=siren, name=name, slug=slug, **plan)


@transaction.atomic
def communes_import(
    *,
    path: Path,
    epci_siren: str,
    epci_name: str = "",
    population_year: int | None = None,
    territory: Territory | None = None,
) -> ImportResult:
    """Creates or updates the communes of one EPCI from a CSV file; on any error, imports nothing.

    The file has the columns `insee_code`, `name`, `population_municipale` and optionally `siren`;
    with an `epci_siren` column only the rows of that EPCI are read, otherwise every row belongs to it.
    The bundled files do not say which INSEE vintage their populations are: `population_year` stays
    empty unless the caller knows it.
    Engagement data (stage, charter, advisors) of existing communes is left as it is.
    New communes join `territory` (by default the EPCI's own, made when missing); existing communes
    move to it only when it is given.
    """
    try:
        validate_siren(epci_siren)
    except ValidationError as error:
        raise CommuneImportError(
            _("EPCI %(siren)s: %(reason)s") % {"siren": epci_siren, "reason": error.messages[0]}
        ) from error
    rows = _parse(path, epci_siren)
    epci, created = Epci.objects.get_or_create(
        siren=epci_siren, defaults={"name": epci_name or _("EPCI %(siren)s") % {"siren": epci_siren}}
    )
    if epci_name and not created and epci.name != epci_name:
        epci.name = epci_name
        epci.save(update_fields=["name"])

    move = territory is not None
    territory = territory or territory_for_epci(epci_siren, epci.name)
    existing = Commune.objects.in_bulk([row.insee_code for row in rows], field_name="insee_code")
    result = ImportResult(epci=epci, territory=territory)
    for row in rows:
        commune = existing.get(row.insee_code) or Commune(insee_code=row.insee_code)
        commune.name = row.name
        commune.sort_name = sort_key(row.name)
        commune.population = row.population
        commune.population_year = population_year
        commune.epci = epci
        if move or commune.pk is None:
            commune.territory = territory
        if row.siren:
            commune.siren = row.siren
        (result.updated if commune.pk else result.created).append(commune)
    fields = ["name", "sort_name", "population", "population_year", "epci", "territory", "siren"]
    Commune.objects.bulk_create(result.created)
    Commune.objects.bulk_update(result.updated, fields)
    communes_imported.send(sender=Commune, communes=result.created + result.updated)
    return result
