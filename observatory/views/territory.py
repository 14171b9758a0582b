"""The observatory's pages of a territory (a whole territory, one of its communes), their CSV exports and
the territory's map outlines."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communes import outlines, permissions
from communes import selectors as communes_selectors
from pcl import formatting
from pcl.pagination import paginate

from .. import charts, exports, selectors
from ..forms import DatasetChoiceForm
from ..page_cache import cached_page_part, outlines_version


def yearly_rows(view) -> list[dict]:
    """The table under the charts (and its CSV export): one row per year. The years covering part of the
    territory give their partial sums, named in `partial`, beside their `coverage`; no change since the
    reference is computed for them (see selectors.territory_observatory)."""
    consumption_per_inhabitant = view.per_inhabitant(view.consumption) | view.partial_per_inhabitant(
        view.consumption
    )
    emissions_per_inhabitant = view.per_inhabitant(view.emissions) | view.partial_per_inhabitant(
        view.emissions
    )
    emissions_change = view.change_since_reference(view.emissions.totals)
    shares = view.renewable_share | view.partial_renewable_share
    population = view.population | view.partial_population
    series = {"consumption": view.consumption, "emissions": view.emissions, "production": view.production}
    totals = {key: item.totals | item.partial_totals for key, item in series.items()}
    years = sorted(set(view.coverage.years) | {year for values in totals.values() for year in values})
    estimated = (
        view.consumption.estimated_years | view.emissions.estimated_years | view.production.estimated_years
    )
    rows = []
    for year in years:
        partial = {key for key, item in series.items() if year in item.partial_totals}
        if year in view.partial_population:
            partial.add("population")
        if partial & {"consumption", "population"}:
            partial.add("consumption_per_inhabitant")
        if partial & {"emissions", "population"}:
            partial.add("emissions_per_inhabitant")
        if partial & {"consumption", "production"}:
            partial.add("renewable_share")
        row = {
            "year": year,
            "estimated": year in estimated,
            "population": population.get(year),
            "consumption": totals["consumption"].get(year),
            "consumption_per_inhabitant": consumption_per_inhabitant.get(year),
            "emissions": totals["emissions"].get(year),
            "emissions_per_inhabitant": emissions_per_inhabitant.get(year),
            "emissions_change": emissions_change.get(year),
            "production": totals["production"].get(year),
            "renewable_share": shares.get(year),
            "partial": partial,
            "coverage": view.coverage.get(year),
        }
        row["cells"] = _year_cells(row)
        rows.append(row)
    return rows


# The year table's columns after the year: (key, decimals); units are in the headers.
YEAR_COLUMNS = [
    ("population", 0),
    ("consumption", 0),
    ("consumption_per_inhabitant", 2),
    ("emissions", 0),
    ("emissions_per_inhabitant", 2),
    ("emissions_change", 1),
    ("production", 0),
    ("renewable_share", 1),
]


def _year_cells(row) -> list[dict]:
    """The year table's cells as text (pcl.formatting), each marked when its value is partial."""
    cells = []
    for key, decimals in YEAR_COLUMNS:
        value = row[key]
        if key == "emissions_change":
            text = formatting.number(value, decimals, signed=True)
        else:
            text = formatting.number(value, formatting.auto_decimals(value, decimals))
        cells.append({"text": text, "partial": value is not None and key in row["partial"]})
    return cells


def _territory_choice(request):
    """The territory the page shows (`?territory=<slug>`, else the reader's first): 404 for one the
    reader may not see, or when they see none."""
    choice = communes_selectors.territory_choice(request.user, request.GET.get("territory"))
    if choice.territory is None or not permissions.can_view_observatory(request.user, choice.territory.pk):
        raise Http404("No such territory.")
    return choice


def _dataset_choice(request, commune_ids, *, territory_id: int):
    """The dataset form and the dataset chosen (or shown first) for these communes (None: every commune
    of the territory), among the territory's own datasets and the shared ones."""
    datasets = list(selectors.datasets_with_data(commune_ids=commune_ids, territory_id=territory_id))
    form = DatasetChoiceForm(request.GET or None, datasets=datasets)
    chosen = form.cleaned_data.get("dataset") if form.is_valid() else None
    return form, chosen or (datasets[0] if datasets else None)


def _territory(request, *, territory_id: int, commune=None):
    commune_ids = None if commune is None else [commune.pk]
    form, dataset = _dataset_choice(request, commune_ids, territory_id=territory_id)
    view = selectors.territory_observatory(
        commune_ids=commune_ids, dataset=dataset, commune=commune, territory_id=territory_id
    )
    return form, dataset, view


def _query(request, **extra) -> str:
    params = request.GET.copy()
    for key, value in extra.items():
        params[key] = value
    return f"?{params.urlencode()}" if params else ""


def territory_charts(view) -> dict:
    emissions_per_inhabitant = view.per_inhabitant(view.emissions)
    # The chart follows the basis of the latest GHG target; targets on the other basis are left out.
    basis = view.ghg_targets[-1].target.ghg_basis if view.ghg_targets else "total"
    values = view.emissions.totals if basis == "total" else emissions_per_inhabitant
    unit = "t CO2e" if basis == "total" else _("t CO2e per inhabitant")
    targets = [item for item in view.ghg_targets if item.target.ghg_basis == basis]
    return {
        "consumption": charts.stacked_bars(view.consumption, "MWh"),
        "emissions": charts.emissions_against_trajectory(
            view, values, selectors.trajectory(view, values, targets), unit
        ),
        "production": charts.stacked_bars(view.production, "MWh"),
    }


INDICATOR_UNITS = {
    "emissions_per_inhabitant": "t CO2e",
    "consumption_per_inhabitant": "MWh",
    "emissions_change": "%",
    "renewable_share": "%",
}


@login_required
def agglomeration(request):
    """A whole territory's observatory (the agglomeration's, for the Métro)."""
    user = request.user
    choice = _territory_choice(request)
    territory = choice.territory
    form, dataset = _dataset_choice(request, None, territory_id=territory.pk)
    indicator = (
        form.cleaned_data.get("indicator") if form.is_valid() else None
    ) or "emissions_per_inhabitant"
    # The figures, charts, map and tables: the same for every reader, rendered once per version of them.
    part = (
        cached_page_part(
            "territory",
            (territory.pk, dataset.pk, indicator),
            request.GET.urlencode(),
            lambda: _territory_body(request, territory, dataset, indicator),
        )
        if dataset
        else {"body": "", "draws_map": False}
    )
    query = _query(request, territory=territory.slug)
    return render(
        request,
        "observatory/territory.html",
        {
            "title": _("Observatory of %(territory)s") % {"territory": territory.name},
            "territory": territory,
            "territory_choice": choice,
            "form": form,
            "dataset": dataset,
            "body": mark_safe(part["body"]),
            "draws_map": part["draws_map"],
            "can_manage": permissions.can_manage_observatory(user, territory.pk),
            "export_url": reverse("observatory:agglomeration_export") + query,
            "machine_export_url": reverse("observatory:agglomeration_export")
            + _query(request, territory=territory.slug, variant="machine"),
            "data_url": reverse("observatory:agglomeration_data") + query,
        },
    )


@dataclass
class TerritoryCommunes:
    """The communes part of a territory's observatory page (this one and the public one): a page of its
    communes' figures for the latest year, and the map of those it has outlines of."""

    indicator: str
    indicator_label: str
    last_year: int | None
    page: dict
    comparison: list
    drawn: list
    map_message: str
    map_is_empty: bool

    def context(self, outlines_url: str) -> dict:
        """What the templates read (`observatory/includes/territory_body.html`, the public page)."""
        return {
            "map": charts.communes_map(
                self.drawn, self.indicator, self.indicator_label, f"{outlines_url}?v={outlines_version()}"
            ),
            "map_is_empty": self.map_is_empty,
            "map_message": self.map_message,
            "indicator_label": self.indicator_label,
            "comparison": self.comparison,
            "comparison_page": self.page["page"],
            "comparison_query": self.page["query"],
            "last_year": self.last_year,
        }


def territory_communes(request, *, territory, dataset, indicator: str, view) -> TerritoryCommunes:
    """The table shows a page of communes (a national platform has tens of thousands); the map, the
    communes it has outlines of: only their figures are read. Whether any commune at all has a value
    comes from a count cached once per data version (selectors.comparison_counts); the map's message
    counts the communes it draws, and says how many it cannot (no outline)."""
    _first_year, last_year = selectors.year_range(dataset=dataset, territory_id=territory.pk)
    comparison_pages = paginate(request, communes_selectors.communes_ordered(territory_id=territory.pk))
    page_communes = list(comparison_pages["page"].object_list)
    on_page = {commune.pk for commune in page_communes}
    mapped_communes = communes_selectors.communes_by_insee_codes(
        insee_codes=outlines.outlined_codes(territory.pk)
    )
    rows = selectors.communes_comparison(
        communes=page_communes + [commune for commune in mapped_communes if commune.pk not in on_page],
        dataset=dataset,
        year=last_year,
        reference_year=view.reference_year,
    )
    by_commune = {row.commune_id: row for row in rows}
    with_value = selectors.comparison_counts(
        dataset=dataset, year=last_year, reference_year=view.reference_year, territory_id=territory.pk
    )[indicator]
    drawn = [by_commune[commune.pk] for commune in mapped_communes if commune.pk in by_commune]
    map_message, map_is_empty = map_message_for(
        year=last_year,
        with_value=with_value,
        total=comparison_pages["page"].paginator.count,
        outlined=len(mapped_communes),
        drawn_with_value=sum(1 for row in drawn if getattr(row, indicator) is not None),
    )
    return TerritoryCommunes(
        indicator=indicator,
        indicator_label=f"{dict(DatasetChoiceForm.INDICATORS)[indicator]} ({INDICATOR_UNITS[indicator]})",
        last_year=last_year,
        page=comparison_pages,
        comparison=[by_commune[commune.pk] for commune in page_communes if commune.pk in by_commune],
        drawn=drawn,
        map_message=map_message,
        map_is_empty=map_is_empty,
    )


def _territory_body(request, territory, dataset, indicator) -> dict:
    view = selectors.territory_observatory(commune_ids=None, dataset=dataset, territory_id=territory.pk)
    communes = territory_communes(
        request, territory=territory, dataset=dataset, indicator=indicator, view=view
    )
    body = render_to_string(
        "observatory/includes/territory_body.html",
        {
            "dataset": dataset,
            "view": view,
            "rows": yearly_rows(view),
            "charts": territory_charts(view),
            **communes.context(reverse("observatory:outlines", args=[territory.slug])),
            "territory": territory,
        },
    )
    return {"body": body, "draws_map": not communes.map_is_empty}


@login_required
def territory_outlines(request, slug):
    """The territory's commune outlines for its map (communes.outlines), as GeoJSON: for whoever may
    read its observatory (404 for anyone else), cached by the browser and revalidated by its ETag."""
    choice = communes_selectors.territory_choice(request.user, slug)
    if not permissions.can_view_observatory(request.user, choice.territory.pk):
        raise Http404("No such territory.")
    content = outlines.territory_geojson(choice.territory.pk).encode()
    etag = f'"{hashlib.sha1(content).hexdigest()}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type="application/geo+json")
    response["ETag"] = etag
    # Private (a territory's readers only); an hour before the browser asks again (the page's URL names
    # the outlines' version, so new outlines are fetched at once).
    patch_cache_control(response, private=True, max_age=3600)
    return response


def map_message_for(
    *, year, with_value: int, total: int, outlined: int, drawn_with_value: int
) -> tuple[str, bool]:
    """What the map says under it, and whether there is no map to draw. The map draws the communes whose
    outlines the platform holds (`outlined` of the `total`); `with_value` communes in all have a value of
    the indicator, `drawn_with_value` of those on the map."""
    if year is None:  # no value at all yet: no map
        return "", True
    if not with_value:
        return _("No commune has a value of this indicator for %(year)s: there is nothing to map.") % {
            "year": year
        }, True
    if not outlined:
        return _(
            "None of the %(total)s communes has an outline on this platform: there is no map to draw. "
            "The comparison table below gives their figures."
        ) % {"total": formatting.number(total)}, True
    messages = []
    if drawn_with_value < outlined:
        messages.append(
            _("%(count)s of %(total)s communes have a value for %(year)s; the others are left blank.")
            % {
                "count": formatting.number(drawn_with_value),
                "total": formatting.number(outlined),
                "year": year,
            }
        )
    if outlined < total:
        messages.append(
            _(
                "%(missing)s of the %(total)s communes have no outline on this platform: the map leaves them "
                "out. The comparison table below gives their figures."
            )
            % {"missing": formatting.number(total - outlined), "total": formatting.number(total)}
        )
    return " ".join(messages), False


@login_required
def commune_observatory(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    form, dataset = _dataset_choice(request, [commune.pk], territory_id=commune.territory_id)
    part = (
        cached_page_part(
            "commune",
            (commune.territory_id, commune.pk, dataset.pk),
            request.GET.urlencode(),
            lambda: _commune_body(commune, dataset),
        )
        if dataset
        else {"body": ""}
    )
    return render(
        request,
        "observatory/territory.html",
        {
            "title": _("Observatory of %(commune)s") % {"commune": commune.name},
            "commune": commune,
            "form": form,
            "dataset": dataset,
            "body": mark_safe(part["body"]),
            "territory": commune.territory,
            "can_manage": permissions.can_manage_observatory(user, commune.territory_id),
            "export_url": reverse("observatory:commune_export", args=[commune.insee_code]) + _query(request),
            "machine_export_url": reverse("observatory:commune_export", args=[commune.insee_code])
            + _query(request, variant="machine"),
            "data_url": reverse("observatory:commune_data", args=[commune.insee_code]) + _query(request),
        },
    )


def _commune_body(commune, dataset) -> dict:
    view = selectors.territory_observatory(
        commune_ids=[commune.pk], dataset=dataset, commune=commune, territory_id=commune.territory_id
    )
    body = render_to_string(
        "observatory/includes/territory_body.html",
        {
            "commune": commune,
            "dataset": dataset,
            "view": view,
            "rows": yearly_rows(view),
            "charts": territory_charts(view),
        },
    )
    return {"body": body}


def _export(request, rows, dataset, view, name: str) -> HttpResponse:
    """The page's table by year: for a spreadsheet, in the page's language, or with `?variant=machine`
    for a program (see exports.table_csv)."""
    machine = request.GET.get("variant") == "machine"
    content = exports.table_csv(
        rows=rows, dataset=dataset, reference_year=view.reference_year, machine=machine
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    suffix = "-donnees" if machine else ""
    response["Content-Disposition"] = f'attachment; filename="observatoire-{slugify(name)}{suffix}.csv"'
    return response


@login_required
def agglomeration_export(request):
    territory = _territory_choice(request).territory
    _form, dataset, view = _territory(request, territory_id=territory.pk)
    return _export(request, yearly_rows(view), dataset, view, territory.slug)


@login_required
def commune_export(request, insee_code):
    commune = permissions.commune_for_user(request.user, insee_code)
    _form, dataset, view = _territory(request, territory_id=commune.territory_id, commune=commune)
    return _export(request, yearly_rows(view), dataset, view, commune.name)


def _data(dataset, insee_codes, name: str, *, territory_id: int | None = None) -> StreamingHttpResponse:
    """The dataset's values (of these communes, or of the territory's) as the platform's long CSV, which
    imports again as it is (with no data yet, the header alone)."""
    rows = exports.long_csv(
        dataset_id=dataset.pk if dataset else None, insee_codes=insee_codes, territory_id=territory_id
    )
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    prefix = dataset.code if dataset else "observatoire"
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{slugify(name)}.csv"'
    return response


@login_required
def agglomeration_data(request):
    territory = _territory_choice(request).territory
    _form, dataset = _dataset_choice(request, None, territory_id=territory.pk)
    return _data(dataset, None, territory.slug, territory_id=territory.pk)


@login_required
def commune_data(request, insee_code):
    commune = permissions.commune_for_user(request.user, insee_code)
    _form, dataset = _dataset_choice(request, [commune.pk], territory_id=commune.territory_id)
    return _data(dataset, [commune.insee_code], commune.name)
