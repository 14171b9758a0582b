"""Every French commune under its EPCI, through the platform's own commune import (communes.importers): one
territory per EPCI, as `territory_create` would make it (named "EPCI <siren>" but for the EPCIs the platform
knows by name, the Métro and the Pays Voironnais); the few communes of no EPCI in a territory of their own.

The national list is cut into one small file per EPCI first: the import reads its whole file for each
EPCI, and 1,256 reads of the 35,000-line national list would take minutes."""

import csv
import tempfile
from collections import defaultdict
from pathlib import Path

from communes.importers import NATIONAL_FILE, communes_import
from communes.models import Commune, Epci, Territory, sort_key
from communes.onboarding import KNOWN_EPCIS

NO_EPCI_TERRITORY = {"name": "Communes sans EPCI", "slug": "communes-sans-epci"}


def national_rows(limit: int | None = None) -> list[dict]:
    """The rows of the bundled national list (the first `limit` ones, by INSEE code, when given)."""
    with NATIONAL_FILE.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit] if limit else rows


def communes_load(rows: list[dict]) -> tuple[int, int]:
    """Imports the communes of `rows` EPCI by EPCI; returns (EPCIs, communes) created. The few communes
    that belong to no EPCI (islands, overseas collectivities) are created on their own."""
    by_epci: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_epci[row["epci_siren"].strip()].append(row)
    alone = by_epci.pop("", [])
    created = 0
    with tempfile.TemporaryDirectory(prefix="pcl-scale-") as folder:
        for siren, members in by_epci.items():
            path = Path(folder) / f"{siren}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(members[0]))
                writer.writeheader()
                writer.writerows(members)
            # The bundled list names no EPCI: the import's own default name ("EPCI <siren>") is kept.
            name = KNOWN_EPCIS.get(siren, {}).get("name", "")
            result = communes_import(path=path, epci_siren=siren, epci_name=name)
            created += len(result.created)
    territory = Territory.objects.get_or_create(**NO_EPCI_TERRITORY)[0] if alone else None
    Commune.objects.bulk_create(
        Commune(
            territory=territory,
            insee_code=row["insee_code"],
            name=row["name"],
            sort_name=sort_key(row["name"]),
            population=int(row["population_municipale"].strip() or 0) or None,
        )
        for row in alone
    )
    return Epci.objects.count(), created + len(alone)
