"""The observatory's targets of a territory: the list and the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communes import permissions
from communes import selectors as communes_selectors
from pcl.pagination import paginate

from .. import services
from ..forms import TargetForm
from ..models import Target


def _territory_choice(request):
    """The territory whose targets the page shows (`?territory=<slug>`): 404 for one the reader may not
    see."""
    choice = communes_selectors.territory_choice(request.user, request.GET.get("territory"))
    if choice.territory is None or not permissions.can_view_observatory(request.user, choice.territory.pk):
        raise Http404("No such territory.")
    return choice


@login_required
def target_list(request):
    choice = _territory_choice(request)
    territory = choice.territory
    return render(
        request,
        "observatory/target_list.html",
        {
            # The territory's own targets first on every database (SQLite and PostgreSQL sort nulls apart).
            **paginate(
                request,
                Target.objects.filter(territory=territory)
                .select_related("commune", "territory")
                .order_by(F("commune__sort_name").asc(nulls_first=True), "target_year", "pk"),
            ),
            "territory": territory,
            "territory_choice": choice,
            "can_manage": permissions.can_manage_observatory(request.user, territory.pk),
        },
    )


@login_required
def target_edit(request, target_id=None):
    if target_id:
        target = get_object_or_404(Target.objects.select_related("territory", "commune"), pk=target_id)
        # Another territory's target: as if it did not exist.
        permissions.require_found(permissions.can_view_observatory(request.user, target.territory_id))
        territory = target.territory
    else:
        territory = _territory_choice(request).territory
        target = Target(territory=territory)
    permissions.require(permissions.can_manage_observatory(request.user, territory.pk))
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(target=form.instance, territory=territory)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect(reverse("observatory:targets") + f"?territory={territory.slug}")
    return render(
        request, "observatory/target_form.html", {"form": form, "target": target, "territory": territory}
    )
