"""Plotly figures of the observatory, as plain data for plotly.js (served from our static files)."""

import math

from django.utils.translation import gettext as _

from pcl.formatting import plotly_separators, year_label

REDS = [[0, "#fff5eb"], [0.5, "#fd8d3c"], [1, "#7f2704"]]
GREENS = [[0, "#f7fcf5"], [0.5, "#74c476"], [1, "#00441b"]]
# The parts of a stacked bar (sectors, carriers, sources), by their place in the administrators' list:
# far apart from each other, each at least 4.5:1 against white (WCAG asks 3:1 of graphics).
PALETTE = [
    "#1e5631",  # dark green
    "#0b5ed7",  # blue
    "#b02a37",  # red
    "#8a5300",  # brown
    "#5a2d91",  # purple
    "#0f766e",  # teal
    "#c2410c",  # orange
    "#be185d",  # pink
    "#4d7c0f",  # olive
    "#6c757d",  # grey
    "#1e3a8a",  # navy
    "#0e7490",  # petrol
]
UNKNOWN_PART_COLOUR = "#343a40"  # values whose sector (carrier, source) is no longer in the list


def palette_colour(index: int) -> str:
    """The colour of the `index`-th entry of a list: the palette's, then (for lists an administrator
    made longer) colours spread round the hue circle by the golden angle at a lightness that keeps
    3:1 against white, never two alike."""
    if index < len(PALETTE):
        return PALETTE[index]
    extra = index - len(PALETTE)
    hue = math.radians((extra * 137.508 + 20) % 360)
    lightness = (38, 48, 43)[extra % 3]
    chroma = (48, 40, 30)[(extra // 3) % 3]
    return _lch_hex(lightness, chroma, hue)


def _lch_hex(lightness: float, chroma: float, hue: float) -> str:
    """CIE LCh (D65) to sRGB hex, clipped into the gamut."""
    a, b = chroma * math.cos(hue), chroma * math.sin(hue)
    fy = (lightness + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200

    def inverse(t: float) -> float:
        return t**3 if t**3 > 0.008856 else (t - 16 / 116) / 7.787

    x, y, z = 0.95047 * inverse(fx), inverse(fy), 1.08883 * inverse(fz)
    linear = (
        3.2406 * x - 1.5372 * y - 0.4986 * z,
        -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z,
    )
    channels = []
    for value in linear:
        value = min(max(value, 0.0), 1.0)
        value = 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
        channels.append(round(value * 255))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def part_colours(series) -> dict[str, str]:
    """{part name: colour}: a part keeps its colour whatever the commune, the year or the chart (its
    place in the administrators' list decides), and no two parts of a list share one."""
    order = list(getattr(series, "part_order", None) or [])
    order += sorted(name for name in series.by_part if name not in order)
    return {
        name: UNKNOWN_PART_COLOUR if name == "—" else palette_colour(index)
        for index, name in enumerate(order)
    }


def year_axis(years, estimated=frozenset(), **extra) -> dict:
    """A category axis of years: one slot per year from the first to the last, so that a sparse series
    keeps its years to scale, labelled "2022 (e)" for estimates (plotly.js drops "2021 (e)" from a numeric
    axis, and writes "2 021,6" between two years on one)."""
    years = sorted(years)
    every_year = range(years[0], years[-1] + 1) if years else []
    labels = [year_label(year, estimated) for year in every_year]
    return {"type": "category", "categoryorder": "array", "categoryarray": labels} | extra


def stacked_bars(series, title_unit: str, per_inhabitant: dict | None = None) -> dict:
    """One stacked bar per year, one colour per part (sector, carrier or source)."""
    x = [year_label(year, series.estimated_years) for year in series.years]
    colours = part_colours(series)
    data = [
        {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [values.get(year) for year in series.years],
            "marker": {"color": colours[name]},
            "hovertemplate": f"%{{x}} — {name}<br>%{{y:,.0f}} {title_unit}<extra></extra>",
        }
        for name, values in series.by_part.items()
    ]
    layout = {
        "barmode": "stack",
        "height": 380,
        "margin": {"l": 70, "r": 10, "t": 10, "b": 60},
        "xaxis": {"type": "category"},
        "yaxis": {"title": {"text": title_unit}, "separatethousands": True},
        "legend": {"orientation": "h", "y": -0.2},
        "separators": plotly_separators(),
    }
    return {"data": data, "layout": layout}


def emissions_against_trajectory(view, values: dict[int, float], trajectory: list[tuple], unit: str) -> dict:
    years = sorted(values)
    estimated = view.emissions.estimated_years
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Measured"),
            "x": [year_label(year, estimated) for year in years],
            "y": [values[year] for year in years],
            "line": {"color": "#1e5631", "width": 3},
            "hovertemplate": "%{x}<br>%{y:,.1f} " + unit + "<extra></extra>",
        }
    ]
    if trajectory:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Target trajectory"),
                "x": [year_label(year, estimated) for year, _value in trajectory],
                "y": [value for _year, value in trajectory],
                "line": {"color": "#b02a37", "dash": "dash"},
                "marker": {"symbol": "diamond", "size": 9},
                "hovertemplate": "%{x}<br>%{y:,.1f} " + unit + "<extra></extra>",
            }
        )
    layout = {
        "height": 360,
        "margin": {"l": 70, "r": 10, "t": 10, "b": 40},
        "yaxis": {"title": {"text": unit}, "rangemode": "tozero"},
        "xaxis": year_axis([*years, *(year for year, _value in trajectory)], estimated),
        "legend": {"orientation": "h", "y": -0.15},
        "separators": plotly_separators(),
    }
    return {"data": data, "layout": layout}


def communes_map(rows, indicator: str, label: str, geojson_url: str) -> dict:
    """A choropleth of the communes from their territory's outlines (communes.outlines) on a blank
    background (no tile server, no CDN); the page fetches the GeoJSON from `geojson_url`, sets it on the
    trace and centres the map."""
    shown = [row for row in rows if getattr(row, indicator) is not None]
    return {
        "geojson_url": geojson_url,
        "data": [
            {
                "type": "choroplethmap",
                "featureidkey": "properties.code",
                "locations": [row.insee_code for row in shown],
                "z": [round(getattr(row, indicator), 2) for row in shown],
                "text": [row.name for row in shown],
                # Darker is worse for consumption and emissions, better for the renewable share.
                "colorscale": GREENS if indicator == "renewable_share" else REDS,
                "marker": {"line": {"color": "#ffffff", "width": 0.6}},
                "colorbar": {"title": {"text": label}},
                "hovertemplate": "%{text}<br>%{z:,.2f}<extra></extra>",
            }
        ],
        "layout": {
            "height": 520,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "map": {"style": "white-bg", "zoom": 9.2, "center": {"lon": 5.72, "lat": 45.17}},
            "separators": plotly_separators(),
        },
    }
