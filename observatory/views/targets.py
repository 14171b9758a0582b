"""The observatory's targets: the list and the form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communes import permissions
from pcl.pagination import paginate

from .. import services
from ..forms import TargetForm
from ..models import Target


@login_required
def target_list(request):
    permissions.require(permissions.can_view_observatory(request.user))
    return render(
        request,
        "observatory/target_list.html",
        {
            # The agglomeration's targets first on every database (SQLite and PostgreSQL sort nulls apart).
            **paginate(
                request,
                Target.objects.select_related("commune").order_by(
                    F("commune__sort_name").asc(nulls_first=True), "target_year", "pk"
                ),
            ),
            "can_manage": permissions.can_manage_observatory(request.user),
        },
    )


@login_required
def target_edit(request, target_id=None):
    permissions.require(permissions.can_manage_observatory(request.user))
    target = get_object_or_404(Target, pk=target_id) if target_id else Target()
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_save(target=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("observatory:targets")
    return render(request, "observatory/target_form.html", {"form": form, "target": target})
