"""Plotly figures of the observatory, as plain data for plotly.js (served from our static files)."""

from django.utils.translation import gettext as _

from pcl.formatting import plotly_separators, year_label

REDS = [[0, "#fff5eb"], [0.5, "#fd8d3c"], [1, "#7f2704"]]
GREENS = [[0, "#f7fcf5"], [0.5, "#74c476"], [1, "#00441b"]]
PALETTE = ["#1e5631", "#0b5ed7", "#8a5300", "#5a2d91", "#b02a37", "#0f766e", "#6c757d", "#a16207", "#1d4ed8"]


def stacked_bars(series, title_unit: str, per_inhabitant: dict | None = None) -> dict:
    """One stacked bar per year, one colour per part (sector, carrier or source)."""
    x = [year_label(year, series.estimated_years) for year in series.years]
    data = [
        {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [values.get(year) for year in series.years],
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": f"%{{x}} — {name}<br>%{{y:,.0f}} {title_unit}<extra></extra>",
        }
        for index, (name, values) in enumerate(series.by_part.items())
    ]
    layout = {
        "barmode": "stack",
        "height": 380,
        "margin": {"l": 70, "r": 10, "t": 10, "b": 60},
        "yaxis": {"title": {"text": title_unit}, "separatethousands": True},
        "legend": {"orientation": "h", "y": -0.2},
        "separators": plotly_separators(),
    }
    return {"data": data, "layout": layout}


def emissions_against_trajectory(view, values: dict[int, float], trajectory: list[tuple], unit: str) -> dict:
    years = sorted(values)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Measured"),
            "x": years,
            "y": [values[year] for year in years],
            "line": {"color": "#1e5631", "width": 3},
            "text": ["(e)" if year in view.emissions.estimated_years else "" for year in years],
            "hovertemplate": "%{x} %{text}<br>%{y:,.1f} " + unit + "<extra></extra>",
        }
    ]
    if trajectory:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Target trajectory"),
                "x": [year for year, _value in trajectory],
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
        "xaxis": {"dtick": 5},
        "legend": {"orientation": "h", "y": -0.15},
        "separators": plotly_separators(),
    }
    return {"data": data, "layout": layout}


def communes_map(rows, indicator: str, label: str, geojson_url: str) -> dict:
    """A choropleth of the communes from the bundled outlines on a blank background (no tile server,
    no CDN); the page fetches the GeoJSON from `geojson_url`, sets it on the trace and centres the map."""
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
