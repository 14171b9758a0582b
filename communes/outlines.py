"""Commune outlines for the maps, per territory (communes.CommuneOutline): which communes a territory's map
can draw, and the GeoJSON the map fetches. The outlines come from IGN's Admin Express or one of its simplified
public derivatives (`manage.py territory_create --outlines FILE`); the Métro's ship with the platform."""

import json

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
