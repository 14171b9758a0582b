"""The observatory's imports: the list, a new one, its progress and result, its retry, its errors. An
officer sees and imports their territories' datasets; the shared ones are the administrator's."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions
from pcl.pagination import paginate
from pcl.spreadsheet import safe_cell

from .. import selectors, services
from ..forms import ImportForm
from ..models import ImportBatch


def _batch(request, batch_id: int, queryset=None) -> ImportBatch:
    """The batch, for whoever manages its dataset: 404 for anyone outside its territory (a shared
    dataset's are the administrator's), 403 for a reader of the territory who manages nothing."""
    user = request.user
    if queryset is None:
        queryset = ImportBatch.objects.select_related("dataset")
    batch = get_object_or_404(queryset, pk=batch_id)
    territory_id = batch.dataset.territory_id
    permissions.require_found(
        permissions.can_view_observatory(user, territory_id)
        if territory_id is not None
        else permissions.is_administrator(user)
    )
    permissions.require(permissions.can_manage_observatory(user, territory_id))
    permissions.require_found(permissions.can_manage_dataset(user, batch.dataset))
    return batch


@login_required
def import_list(request):
    user = request.user
    permissions.require(permissions.can_manage_observatory(user))
    territory_ids = permissions.managed_observatory_territory_ids(user)
    return render(
        request,
        "observatory/import_list.html",
        paginate(request, selectors.import_history(territory_ids=territory_ids)),
    )


@login_required
def import_new(request):
    user = request.user
    permissions.require(permissions.can_manage_observatory(user))
    datasets = selectors.importable_datasets(
        territory_ids=permissions.managed_observatory_territory_ids(user)
    )
    form = ImportForm(request.POST or None, request.FILES or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                dataset=form.cleaned_data["dataset"],
                file_format=form.cleaned_data["format"],
                upload=form.cleaned_data["file"],
                user=user,
                version_date=form.cleaned_data["version_date"],
            )
        except ValidationError as error:  # the job queue is down: nothing was stored
            form.add_error(None, error)
        else:
            return redirect("observatory:import_detail", batch.pk)
    return render(request, "observatory/import_form.html", {"form": form})


@login_required
def import_detail(request, batch_id):
    batch = _batch(
        request,
        batch_id,
        ImportBatch.objects.select_related("dataset__territory", "uploaded_by", "replaced_by"),
    )
    progress = services.progress_get(batch.pk)
    stuck = services.batch_is_stuck(batch=batch, progress=progress)
    context = {
        "batch": batch,
        "errors": selectors.batch_errors(batch, limit=200),
        "message": selectors.batch_result_message(batch, stuck=stuck),
        "progress": progress,
        # A job whose worker is gone shows as failed (not a bar spinning for ever) with its retry.
        "stuck": stuck,
        "can_retry": (stuck or batch.message_code in services.JOB_FAILURE_CODES)
        and permissions.can_retry_job(request.user, batch.uploaded_by_id),
    }
    template = "observatory/import_progress.html" if request.htmx else "observatory/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_retry(request, batch_id):
    batch = _batch(request, batch_id)
    permissions.require(permissions.can_retry_job(request.user, batch.uploaded_by_id))
    try:
        services.batch_retry(batch=batch)
    except ValidationError as error:  # the job queue does not answer: nothing changed
        for message in error.messages:
            messages.error(request, message)
    return redirect("observatory:import_detail", batch.pk)


@login_required
def import_errors(request, batch_id):
    batch = _batch(request, batch_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="erreurs-import-{batch.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("line"), _("column"), _("value"), _("reason")])
    for error in selectors.batch_errors(batch):
        # The value comes from the uploaded file: never let a spreadsheet run it as a formula.
        writer.writerow([error["line"], error["column"], safe_cell(error["value"]), error["reason"]])
    return response
