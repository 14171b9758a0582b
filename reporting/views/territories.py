"""The administrator's platform-wide view comparing the territories, and its CSV."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from communes import permissions
from pcl.pagination import paginate

from .. import exports, territories
from ..forms import TerritorySortForm


@login_required
def territory_comparison(request):
    """Every territory side by side (a page of them, in the order asked for), with the platform's totals."""
    permissions.require(permissions.can_compare_territories(request.user))
    form = TerritorySortForm(request.GET or None)
    rows = territories.territory_comparison(sort=form.chosen_sort)
    return render(
        request,
        "reporting/territories.html",
        {
            "form": form,
            "sort": form.chosen_sort,
            "totals": territories.comparison_totals(rows),
            **paginate(request, rows),
        },
    )


@login_required
def territory_comparison_export(request):
    permissions.require(permissions.can_compare_territories(request.user))
    form = TerritorySortForm(request.GET or None)
    rows = territories.territory_comparison(sort=form.chosen_sort)
    response = StreamingHttpResponse(exports.territories_csv(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="territoires-{stamp}.csv"'
    return response


urlpatterns = [
    path("territories/", territory_comparison, name="territories"),
    path("territories/export.csv", territory_comparison_export, name="territories_export"),
]
