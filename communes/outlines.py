"""Commune outlines for the maps, per territory (communes.CommuneOutline): which communes a territory's map
can draw, and the GeoJSON the map fetches. The outlines come from IGN's Admin Express or one of its simplified
public derivatives (`manage.py territory_create --outlines FILE`); the Métro's ship with the platform."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Commune, CommuneOutline


def outlined_codes(territory_id: int) -> frozenset[str]:
    """The INSEE codes of the territory's communes that have an outline. One query."""
    return frozenset(
        Commune.objects.filter(territory_id=territory_id, outline__isnull=False).values_list(
            "insee_code", flat=True
        )
    )


def territory_geojson(territory_id: int) -> str:
    """The territory's outlines as a GeoJSON FeatureCollection, each feature's `properties.code` its INSEE
    code and `properties.name` its name (the geometries are stored as text and written as they are)."""
    rows = (
        CommuneOutline.objects.filter(commune__territory_id=territory_id)
        .order_by("commune__insee_code")
        .values_list("commune__insee_code", "commune__name", "geometry")
    )
    features = ",".join(
        f'{{"type":"Feature","properties":{json.dumps({"code": code, "name": name}, ensure_ascii=False)},'
        f'"geometry":{geometry}}}'
        for code, name, geometry in rows
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'


# --- importing outlines (territory_create --outlines, the admin's onboarding page, migration 0008) ---------

# Where a feature's INSEE code is, in the files people bring: `code` (france-geojson, the platform's own
# file), `INSEE_COM` (IGN's Admin Express), `insee` (OpenStreetMap-based exports).
CODE_PROPERTIES = ("code", "INSEE_COM", "insee")
OUTLINE_TYPES = ("Polygon", "MultiPolygon")
SHIPPED_OUTLINES = settings.BASE_DIR / "static" / "data" / "communes-grenoble-alpes-metropole.geojson"
SHIPPED_SOURCE = "IGN Admin Express COG 2018, via france-geojson (Grégoire David) — Licence Ouverte / Etalab"


class OutlineFileError(Exception):
    """The file is not GeoJSON, or holds no outline the platform can use; nothing was imported."""


@dataclass
class ParsedOutlines:
    geometries: dict[str, str]  # INSEE code -> the geometry as compact GeoJSON text
    features: int = 0  # features read
    skipped: int = 0  # features without a code or with another type of geometry


@dataclass
class OutlinesResult:
    outlined: int = 0  # communes of the territory that got an outline from the file
    missing: list[str] = field(default_factory=list)  # names of the territory's communes without one
    ignored: int = 0  # features of other communes, without a code or not a polygon
    source: str = ""


def _feature_code(properties) -> str:
    if not isinstance(properties, dict):
        return ""
    for name in CODE_PROPERTIES:
        value = properties.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip().zfill(5)
    return ""


def outlines_parse(data: bytes | str, *, name: str = "") -> ParsedOutlines:
    """The outlines of a GeoJSON FeatureCollection, by INSEE code; only Polygon and MultiPolygon
    geometries are kept. Raises OutlineFileError when the file is not GeoJSON."""
    label = name or _("The file")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise OutlineFileError(
            _("%(file)s is not a GeoJSON file (it does not read as JSON: %(error)s).")
            % {"file": label, "error": error}
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise OutlineFileError(
            _("%(file)s is not a GeoJSON FeatureCollection: it should hold one feature per commune.")
            % {"file": label}
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise OutlineFileError(_("%(file)s has no list of features.") % {"file": label})
    parsed = ParsedOutlines(geometries={}, features=len(features))
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry")
        code = _feature_code(feature.get("properties"))
        if (
            not code
            or not isinstance(geometry, dict)
            or geometry.get("type") not in OUTLINE_TYPES
            or not isinstance(geometry.get("coordinates"), list)
        ):
            parsed.skipped += 1
            continue
        parsed.geometries[code] = json.dumps(
            {"type": geometry["type"], "coordinates": geometry["coordinates"]}, separators=(",", ":")
        )
    return parsed


def outlines_store(
    *, parsed: ParsedOutlines, commune_ids: dict[str, int], source: str, outline_model=CommuneOutline
) -> int:
    """Writes the parsed outlines of the given communes (INSEE code -> id), replacing theirs; returns
    how many. `outline_model` may be a data migration's historical model."""
    rows = [
        outline_model(commune_id=commune_ids[code], geometry=geometry, source=source)
        for code, geometry in parsed.geometries.items()
        if code in commune_ids
    ]
    outline_model.objects.filter(commune_id__in=[row.commune_id for row in rows]).delete()
    outline_model.objects.bulk_create(rows)
    return len(rows)


def outlines_import(
    *, territory_id: int, data: bytes | str, source: str, name: str = "", keep_existing: bool = False
) -> OutlinesResult:
    """Imports the outlines of a territory's communes from a GeoJSON file (features matched by INSEE code
    in `code`, `INSEE_COM` or `insee`), replacing theirs (or, with keep_existing, only for the communes
    that have none); refuses a file with no outline of any of them. Says which of the territory's
    communes still lack one. The caller holds the transaction."""
    parsed = outlines_parse(data, name=name)
    communes = Commune.objects.filter(territory_id=territory_id)
    if keep_existing:
        communes = communes.filter(outline__isnull=True)
    communes = dict(communes.values_list("insee_code", "pk"))
    matching = parsed.geometries.keys() & communes.keys()
    if not matching and not keep_existing:
        raise OutlineFileError(
            _(
                "%(file)s holds no outline of this territory's communes (%(features)d features read, "
                "%(skipped)d without an INSEE code in “code”, “INSEE_COM” or “insee”, or not a polygon): "
                "nothing was imported."
            )
            % {"file": name or _("The file"), "features": parsed.features, "skipped": parsed.skipped}
        )
    outlined = outlines_store(parsed=parsed, commune_ids=communes, source=source)
    missing = Commune.objects.filter(territory_id=territory_id, outline__isnull=True).order_by("sort_name")
    return OutlinesResult(
        outlined=outlined,
        missing=list(missing.values_list("name", flat=True)),
        ignored=parsed.features - outlined,
        source=source,
    )
