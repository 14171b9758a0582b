"""Onboarding a territory (`manage.py territory_create`, the administration's “Onboard a territory” page, the
demo): the territory of an EPCI, its communes from the bundled national list, their outlines from a GeoJSON
file, the agency that serves it; then the apps that read communes add their part (`territory_onboarded`: the
observatory sets the national strategy's targets when the territory has none). All or nothing."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .importers import (
    GRENOBLE_METROPOLE,
    GRENOBLE_METROPOLE_CLIMATE_PLAN,
    NATIONAL_FILE,
    CommuneImportError,
    communes_import,
)
from .models import Agency, Commune, Epci, Territory, validate_siren
from .outlines import SHIPPED_OUTLINES, SHIPPED_SOURCE, OutlineFileError, OutlinesResult, outlines_import
from .signals import territory_onboarded

# The EPCIs the platform knows by name (the bundled national list gives each commune's EPCI SIREN, not the
# EPCI's name): another EPCI is onboarded with its name given. The Métro's outlines ship with the platform.
KNOWN_EPCIS = {
    GRENOBLE_METROPOLE["siren"]: {"name": GRENOBLE_METROPOLE["name"], **GRENOBLE_METROPOLE_CLIMATE_PLAN},
    "243800984": {
        "name": "Communauté d'agglomération du Pays Voironnais",
        "slug": "pays-voironnais",
        "climate_plan_name": "Plan Climat Air Énergie Territorial du Pays Voironnais",
        "climate_plan_year": 2019,
    },
}
SHIPPED = {GRENOBLE_METROPOLE["siren"]: SHIPPED_OUTLINES}
MISSING_NAMES_SHOWN = 20


class OnboardingError(Exception):
    """Why a territory could not be onboarded; nothing was written."""


@dataclass
class OnboardingResult:
    territory: Territory
    territory_created: bool
    communes_created: int
    communes_updated: int
    outlines: OutlinesResult | None = None
    created: list[Commune] = field(default_factory=list)  # the communes created
    agency: Agency | None = None
    agency_created: bool = False
    notes: list[str] = field(default_factory=list)  # what the other apps did (default targets...)

    def summary(self) -> list[str]:
        """What was done, one sentence a line, for the command's output and the administration's message."""
        territory = self.territory
        lines = [
            (
                _("Territory %(name)s (SIREN %(siren)s) created, short name “%(slug)s”.")
                if self.territory_created
                else _("Territory %(name)s (SIREN %(siren)s) updated, short name “%(slug)s”.")
            )
            % {"name": territory.name, "siren": territory.siren, "slug": territory.slug},
            _("Communes: %(created)d created, %(updated)d updated; %(count)d in the territory.")
            % {
                "created": self.communes_created,
                "updated": self.communes_updated,
                "count": Commune.objects.filter(territory=territory).count(),
            },
        ]
        lines.append(self._outlines_line())
        if self.agency is not None:
            lines.append(
                (
                    _("Agency %(name)s created, serving the territory.")
                    if self.agency_created
                    else _("Agency %(name)s serves the territory.")
                )
                % {"name": self.agency.name}
            )
        return lines + self.notes

    def _outlines_line(self) -> str:
        missing = list(
            Commune.objects.filter(territory=self.territory, outline__isnull=True)
            .order_by("sort_name")
            .values_list("name", flat=True)
        )
        if self.outlines is None:
            text = _("Outlines: no file given.")
        else:
            text = ngettext(
                "Outlines: %(count)d commune outlined from %(source)s.",
                "Outlines: %(count)d communes outlined from %(source)s.",
                self.outlines.outlined,
            ) % {"count": self.outlines.outlined, "source": self.outlines.source}
        if not missing:
            return text + " " + _("Every commune has an outline.")
        names = ", ".join(missing[:MISSING_NAMES_SHOWN])
        if len(missing) > MISSING_NAMES_SHOWN:
            names += ", " + _("… and %(count)d more") % {"count": len(missing) - MISSING_NAMES_SHOWN}
        return (
            text
            + " "
            + ngettext(
                "%(count)d commune has no outline (the map leaves it out): %(names)s.",
                "%(count)d communes have no outline (the map leaves them out): %(names)s.",
                len(missing),
            )
            % {"count": len(missing), "names": names}
        )


def _epci_listed(path: Path, siren: str) -> bool:
    """Whether the commune list names the EPCI (a list without an `epci_siren` column is all one EPCI's)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "epci_siren" not in (reader.fieldnames or []):
                return True
            return any((row.get("epci_siren") or "").strip() == siren for row in reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise OnboardingError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error


def _name_for(siren: str, territory: Territory | None) -> str:
    if territory is not None:
        return territory.name
    if siren in KNOWN_EPCIS:
        return KNOWN_EPCIS[siren]["name"]
    epci = Epci.objects.filter(siren=siren).first()
    placeholder = _("EPCI %(siren)s") % {"siren": siren}
    return epci.name if epci is not None and epci.name != placeholder else ""


def _territory_save(*, siren: str, name: str, slug: str, is_demo: bool) -> tuple[Territory, bool]:
    territory = Territory.objects.filter(siren=siren).first()
    created = territory is None
    if created:
        territory = Territory(siren=siren, is_demo=is_demo)
        for field_name, value in KNOWN_EPCIS.get(siren, {}).items():
            if field_name != "name":
                setattr(territory, field_name, value)
    territory.name = name
    territory.slug = slug or territory.slug or slugify(name)[:60] or siren
    try:
        territory.full_clean()
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from error
    territory.save()
    return territory, created


@transaction.atomic
def territory_onboard(
    *,
    siren: str,
    name: str = "",
    slug: str = "",
    outlines: bytes | None = None,
    outlines_name: str = "",
    outlines_source: str = "",
    agency_name: str = "",
    communes_file: Path = NATIONAL_FILE,
    population_year: int | None = None,
    is_demo: bool = False,
) -> OnboardingResult:
    """Creates (or updates) the territory of the EPCI `siren`, imports its communes from `communes_file`
    (the bundled national list by default) and, when given, their outlines from the GeoJSON `outlines`
    (the Métro's ship with the platform: used when no file is given, for its communes that have none);
    links the agency `agency_name` (made when missing) to it. Raises OnboardingError, having written
    nothing, on a bad SIREN, an EPCI absent from the list, an unknown EPCI without `name`, or a file with
    no usable outline."""
    siren, name, slug, agency_name = siren.strip(), name.strip(), slug.strip(), agency_name.strip()
    try:
        validate_siren(siren)
    except ValidationError as error:
        raise OnboardingError(
            _("EPCI %(siren)s: %(reason)s") % {"siren": siren, "reason": error.messages[0]}
        ) from error
    if not _epci_listed(communes_file, siren):
        raise OnboardingError(
            _("No commune of EPCI %(siren)s in %(path)s: check the SIREN; nothing was imported.")
            % {"siren": siren, "path": communes_file.name}
        )
    existing = Territory.objects.filter(siren=siren).first()
    name = name or _name_for(siren, existing)
    if not name:
        raise OnboardingError(
            _(
                "The platform does not know the name of EPCI %(siren)s (the national list gives only its "
                'SIREN): give it, e.g. --name "Communauté de communes …".'
            )
            % {"siren": siren}
        )
    territory, created = _territory_save(siren=siren, name=name, slug=slug, is_demo=is_demo)
    try:
        imported = communes_import(
            path=communes_file,
            epci_siren=siren,
            epci_name=name,
            population_year=population_year,
            territory=territory,
        )
    except CommuneImportError as error:
        raise OnboardingError(str(error)) from error
    result = OnboardingResult(
        territory=territory,
        territory_created=created,
        communes_created=len(imported.created),
        communes_updated=len(imported.updated),
        created=imported.created,
    )
    try:
        if outlines is not None:
            source = (
                outlines_source.strip() or f"{outlines_name or 'GeoJSON'} ({timezone.localdate():%Y-%m-%d})"
            )
            result.outlines = outlines_import(
                territory_id=territory.pk, data=outlines, source=source[:300], name=outlines_name
            )
        elif siren in SHIPPED and Commune.objects.filter(territory=territory, outline__isnull=True).exists():
            result.outlines = outlines_import(
                territory_id=territory.pk,
                data=SHIPPED[siren].read_bytes(),
                source=SHIPPED_SOURCE,
                name=SHIPPED[siren].name,
                keep_existing=True,
            )
    except OutlineFileError as error:
        raise OnboardingError(str(error)) from error
    if agency_name:
        result.agency, result.agency_created = Agency.objects.get_or_create(name=agency_name)
        result.agency.territories.add(territory)
    for _receiver, lines in territory_onboarded.send(sender=Territory, territory=territory):
        result.notes += list(lines or [])
    return result
