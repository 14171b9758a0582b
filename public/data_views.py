"""The open observatory of a territory and the open data: the catalogue page and the files.

Everything here reads the observatory through `observatory.selectors.open_datasets` (open datasets, never
demonstration data) and the plans through `actions.selectors.published_plans` / `published_plan`: a
dataset or a plan that is not published answers 404, as if it did not exist.

The pages are the public pages' kind (pages.py): the same for every reader, so their HTML is cached whole
under the versions of what they show (cache.py; the observatory's own `pages_version`), and proxies may
keep them five minutes. The files are public too: streamed (a dataset's), revalidated by their ETag.

The open observatory shows what the internal one shows (observatory.views.territory's year table, charts
and map message, the observatory's selectors), from the open datasets only."""

import hashlib
import json
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from actions import selectors as actions_selectors
from communes import outlines
from communes import selectors as communes_selectors
from observatory import exports
from observatory import selectors as observatory_selectors
from observatory.forms import DatasetChoiceForm
from observatory.views.territory import territory_charts, territory_communes, yearly_rows
from pcl import formatting
from pcl.licences import OPEN_LICENCE, OPEN_LICENCE_URL

from . import open_data as files
from .cache import MAX_AGE, PLANS, cached_page
from .pages import page_context, public_page, render_page

FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
DEFAULT_INDICATOR = "emissions_per_inhabitant"


def _public(response, *, max_age: int = MAX_AGE):
    """A file anyone may keep (browsers, proxies) for `max_age` seconds before asking again."""
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _html(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/html; charset=utf-8")


# --- the territory's open observatory -------------------------------------------------------------


def _choice(request, datasets):
    """The dataset (`?dataset=<code>`, else the first) and indicator of the map (`?indicator=`) asked
    for; an unknown one is the default (a link from elsewhere may name a dataset withdrawn since)."""
    by_code = {dataset.code: dataset for dataset in datasets}
    dataset = by_code.get(request.GET.get("dataset", ""), datasets[0] if datasets else None)
    indicators = dict(DatasetChoiceForm.INDICATORS)
    indicator = request.GET.get("indicator", "")
    return dataset, indicator if indicator in indicators else DEFAULT_INDICATOR


def _page_number(request) -> str:
    # What the key names of `?page=`: a number, or the first page as the pager reads anything else.
    page = request.GET.get("page", "")
    return page if page.isdigit() else "1"


@public_page
def observatory(request, territory_slug):
    """A territory's observatory from its open datasets: figures by year, targets, map and communes.
    Cached whole per dataset, map indicator and page of communes, until the observatory's figures or
    what its pages show change (imports, datasets opened or closed, targets, communes: pages_version)."""
    territory = communes_selectors.territory_by_slug(slug=territory_slug)
    datasets = observatory_selectors.open_datasets_with_data(territory_id=territory.pk)
    dataset, indicator = _choice(request, datasets)
    parts = (
        territory.pk,
        dataset.pk if dataset else "",
        indicator,
        _page_number(request),
        observatory_selectors.pages_version(),
    )
    return _html(
        cached_page(
            "observatory",
            parts,
            (),
            lambda: _observatory_page(request, territory, datasets, dataset, indicator),
        )
    )


def _observatory_page(request, territory, datasets, dataset, indicator) -> str:
    context = page_context(
        path=reverse("public:observatory", args=[territory.slug]),
        title=_("Energy and climate observatory of %(territory)s") % {"territory": territory.name},
        description=_(
            "Energy consumption, greenhouse-gas emissions and renewable production of the communes of "
            "%(territory)s, year by year, against the territory's targets: open data."
        )
        % {"territory": territory.name},
    )
    context |= {
        "territory": territory,
        "datasets": datasets,
        "dataset": dataset,
        "indicator": indicator,
        "indicators": DatasetChoiceForm.INDICATORS,
    }
    if dataset is not None:
        context |= _observatory_figures(request, territory, dataset, indicator)
    return render_page("public/observatory.html", context)


def _observatory_figures(request, territory, dataset, indicator) -> dict:
    """The figures of the dataset for the territory, as the internal observatory shows them (its
    selectors, year table and charts), and a page of its communes for the latest year, with the map."""
    view = observatory_selectors.territory_observatory(
        commune_ids=None, dataset=dataset, territory_id=territory.pk
    )
    communes = territory_communes(
        request, territory=territory, dataset=dataset, indicator=indicator, view=view
    )
    outlines_url = reverse("public:observatory_outlines", args=[territory.slug])
    figures = territory_charts(view)
    # The pager's links name the page's choices, never what else a request's address carried: the page
    # is cached for every reader.
    communes.page["query"] = urlencode({"dataset": dataset.code, "indicator": indicator})
    return {
        "view": view,
        "rows": yearly_rows(view),
        "charts": figures,
        "chart_tables": {
            "consumption": _chart_table(
                figures["consumption"], "consumption-table", _("Final energy consumption by sector (MWh)")
            ),
            "emissions": _chart_table(
                figures["emissions"],
                "emissions-table",
                _("Greenhouse-gas emissions (%(unit)s) and the target trajectory")
                % {"unit": _emissions_unit(figures["emissions"])},
            ),
            "production": _chart_table(
                figures["production"], "production-table", _("Renewable production by source (MWh)")
            ),
        },
        **communes.context(outlines_url),
        "licence_url": files.licence_url(dataset.open_licence),
        "csv_url": reverse("public:dataset_file", args=[dataset.code, "csv"]),
        "json_url": reverse("public:dataset_file", args=[dataset.code, "json"]),
    }


def _emissions_unit(figure) -> str:
    return figure["layout"]["yaxis"]["title"]["text"]


def _chart_table(figure: dict, table_id: str, caption: str) -> dict:
    """A chart's figures as a table (observatory.charts' plotly figures): one row per year (the x axis'
    labels, "2022 (e)" for an estimate), one column per trace (a sector, a source, the measured values,
    the trajectory), and the total of the stacked bars."""
    traces = figure["data"]
    labels = sorted({label for trace in traces for label in trace["x"]}, key=lambda label: str(label))
    values = [dict(zip(trace["x"], trace["y"], strict=True)) for trace in traces]
    stacked = figure["layout"].get("barmode") == "stack"
    rows = []
    for label in labels:
        cells = [values_of.get(label) for values_of in values]
        if stacked:
            present = [value for value in cells if value is not None]
            cells.append(sum(present) if present else None)
        rows.append((label, [_figure_text(value) for value in cells]))
    columns = [trace["name"] for trace in traces] + ([_("Total")] if stacked else [])
    return {"id": table_id, "caption": caption, "columns": columns, "rows": rows}


def _figure_text(value) -> str:
    if value is None:
        return formatting.DASH
    return formatting.number(value, 2 if abs(value) < 100 else 0)


@require_safe
def observatory_outlines(request, territory_slug):
    """The territory's commune outlines for the public map, as GeoJSON (public: IGN's outlines), kept a
    day by browsers and proxies (the page's address names their version)."""
    territory = communes_selectors.territory_by_slug(slug=territory_slug)
    content = outlines.territory_geojson(territory.pk).encode()
    response = HttpResponse(content, content_type="application/geo+json")
    response["ETag"] = f'"{hashlib.sha1(content).hexdigest()}"'
    conditional = get_conditional_response(request, etag=response["ETag"])
    return _public(conditional or response, max_age=24 * 3600)


# --- the open data catalogue ----------------------------------------------------------------------


@public_page
def open_data(request):
    """Every open dataset and every published plan, with their files and the files' columns. Cached
    whole until a plan, a dataset or the observatory's figures change."""
    parts = (observatory_selectors.pages_version(),)
    return _html(cached_page("open-data", parts, PLANS, _open_data_page))


def _open_data_page() -> str:
    datasets = observatory_selectors.open_data_catalogue()
    plans = sorted(
        actions_selectors.published_plans().values(),
        key=lambda plan: (plan.commune.sort_name, plan.commune.insee_code),
    )
    territory_ids = {plan.commune.territory_id for plan in plans}
    territories = communes_selectors.territories_among(territory_ids) if territory_ids else []
    plans_by_territory = [
        (territory, [plan for plan in plans if plan.commune.territory_id == territory.pk])
        for territory in territories
    ]
    context = page_context(
        path=reverse("public:open_data"),
        title=_("Open data"),
        description=_(
            "The territories' energy and climate figures and the communes' published climate plans, as "
            "CSV and JSON files under an open licence, with their columns documented."
        ),
    )
    context |= {
        "datasets": [
            {"summary": summary, "licence_url": files.licence_url(summary.dataset.open_licence)}
            for summary in datasets
        ],
        "plans_by_territory": plans_by_territory,
        "plan_count": len(plans),
        "open_licence": OPEN_LICENCE,
        "open_licence_url": OPEN_LICENCE_URL,
        "documentation": [
            {
                "id": "columns-dataset",
                "title": _("A dataset's values (CSV and JSON files)"),
                "intro": _(
                    "One row per value: a commune, a year, a quantity and, where it has them, a sector and "
                    "an energy. The JSON file holds the same rows under “rows”, after the dataset's "
                    "description (“dataset”, fields below) and these columns (“columns”)."
                ),
                "columns": files.DATASET_COLUMNS,
            },
            {
                "id": "columns-dataset-metadata",
                "title": _("A dataset's description (the JSON file's “dataset”)"),
                "intro": "",
                "columns": files.DATASET_FIELDS,
            },
            {
                "id": "columns-plan",
                "title": _("A plan's actions (CSV file)"),
                "intro": _("One row per action of the published version of the plan."),
                "columns": files.PLAN_CSV_COLUMNS,
            },
            {
                "id": "columns-plan-metadata",
                "title": _("A plan (the JSON file's “plan”)"),
                "intro": _(
                    "The JSON file holds the plan (fields below), the columns of its actions (“columns”) "
                    "and its actions (“actions”): the CSV file's columns after its first two, and each "
                    "action's milestones."
                ),
                "columns": files.PLAN_FIELDS,
            },
            {
                "id": "columns-plan-actions",
                "title": _("A plan's actions (the JSON file's “actions”)"),
                "intro": "",
                "columns": files.ACTION_JSON_FIELDS,
            },
            {
                "id": "columns-milestones",
                "title": _("An action's milestones (the JSON file's “milestones”)"),
                "intro": "",
                "columns": files.MILESTONE_FIELDS,
            },
        ],
        "type_labels": files.TYPE_LABELS,
    }
    return render_page("public/open_data.html", context)


# --- the files ------------------------------------------------------------------------------------


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("No such format.")
    return fmt


def _file_headers(response, *, filename: str, licence_address: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if licence_address:
        response["Link"] = f'<{licence_address}>; rel="license"'
    return _public(response)


@require_safe
def dataset_file(request, code, fmt):
    """An open dataset's values as CSV or JSON (404 for any other dataset: demonstration data, data not
    open), streamed; revalidated by its ETag (its description, its latest import, the pages' version)."""
    fmt = _format(fmt)
    dataset = observatory_selectors.open_dataset(code=code)
    if dataset is None:
        raise Http404("No such open dataset.")
    metadata = files.dataset_metadata(dataset)
    fingerprint = json.dumps([metadata, fmt, observatory_selectors.pages_version()], sort_keys=True)
    etag = f'W/"{hashlib.sha1(fingerprint.encode()).hexdigest()}"'
    last_modified = dataset.last_import_at.timestamp() if dataset.last_import_at else None
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        return _public(conditional)
    if request.method == "HEAD":
        content = iter(())  # the headers alone: not a value read (a server may read a body it drops)
    elif fmt == "csv":
        content = files.csv_stream(files.DATASET_COLUMNS, _dataset_rows(dataset))
    else:
        head = {"dataset": metadata, "columns": files.columns_doc(files.DATASET_COLUMNS)}
        content = files.json_stream(head, files.DATASET_COLUMNS, _dataset_rows(dataset))
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return _file_headers(response, filename=f"{dataset.code}.{fmt}", licence_address=metadata["licence_url"])


def _dataset_rows(dataset):
    return files.dataset_rows(
        exports.open_data_values(dataset_id=dataset.pk), observatory_selectors.part_names_in_french()
    )


@require_safe
def plan_file(request, insee_code, version, fmt):
    """A published version of a commune's plan as CSV or JSON (404 for a version not published: a
    draft, an adopted one kept private, a withdrawn one)."""
    fmt = _format(fmt)
    commune = communes_selectors.commune_by_insee_code(insee_code=insee_code)
    plan = actions_selectors.published_plan(commune=commune, version=version)
    if plan is None:
        raise Http404("No such published plan.")
    plan = actions_selectors.plan_with_actions(plan_id=plan.pk)
    actions = files.plan_actions(plan)
    if fmt == "csv":
        content = files.plan_csv(plan, actions)
    else:
        content = files.plan_json(plan, actions)
    etag = f'"{hashlib.sha1(content.encode()).hexdigest()}"'
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:
        return _public(conditional)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["ETag"] = etag
    return _file_headers(
        response,
        filename=f"plan-climat-{plan.commune.insee_code}-v{plan.version}.{fmt}",
        licence_address=OPEN_LICENCE_URL,
    )
