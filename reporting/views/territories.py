"""The administrator's platform-wide view comparing the territories, and its CSV."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from communes import permissions
from pcl.pagination import paginate

from .. import exports, territories
from ..figures_cache import cached_html
from ..forms import TerritorySortForm


@login_required
def territory_comparison(request):
    """Every territory side by side (a page of them, in the order asked for), with the platform's totals."""
    permissions.require(permissions.can_compare_territories(request.user))
    form = TerritorySortForm(request.GET or None)
    sort = form.chosen_sort
    # Every territory's row, read (from the cache, or computed) only if what follows misses, and once.
    comparison = functools.cache(territories.territory_comparison)
    totals = territories.comparison_totals(comparison)
    # The pages cut the territories' positions in the order asked for; the rows at the positions shown
    # and the totals, the same for every administrator, are rendered once per version of the figures.
    pages = paginate(request, range(totals.territories))
    positions = pages["page"].object_list
    table = cached_html(
        "territories-table",
        (sort, positions.start, positions.stop),
        lambda: _table(comparison(), sort, positions),
    )
    return render(
        request,
        "reporting/territories.html",
        {"form": form, "sort": sort, "totals": totals, "table": table, **pages},
    )


def _table(comparison: territories.TerritoryComparison, sort: str, positions: range) -> str:
    return render_to_string(
        "reporting/includes/territories_table.html",
        {"rows": comparison.rows(sort)[positions.start : positions.stop], "totals": comparison.totals},
    )


@login_required
def territory_comparison_export(request):
    permissions.require(permissions.can_compare_territories(request.user))
    form = TerritorySortForm(request.GET or None)
    rows = territories.territory_comparison().rows(form.chosen_sort)
    response = StreamingHttpResponse(exports.territories_csv(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="territoires-{stamp}.csv"'
    return response


urlpatterns = [
    path("territories/", territory_comparison, name="territories"),
    path("territories/export.csv", territory_comparison_export, name="territories_export"),
]
