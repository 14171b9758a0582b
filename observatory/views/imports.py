"""The observatory's imports: the list, a new one, its progress and result, its retry, its errors."""

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


@login_required
def import_list(request):
    permissions.require(permissions.can_manage_observatory(request.user))
    return render(request, "observatory/import_list.html", paginate(request, selectors.import_history()))


@login_required
def import_new(request):
    user = request.user
    permissions.require(permissions.can_manage_observatory(user))
    form = ImportForm(request.POST or None, request.FILES or None)
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
    permissions.require(permissions.can_manage_observatory(request.user))
    batch = get_object_or_404(
        ImportBatch.objects.select_related("dataset", "uploaded_by", "replaced_by"), pk=batch_id
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
    permissions.require(permissions.can_manage_observatory(request.user))
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    permissions.require(permissions.can_retry_job(request.user, batch.uploaded_by_id))
    try:
        services.batch_retry(batch=batch)
    except ValidationError as error:  # the job queue does not answer: nothing changed
        for message in error.messages:
            messages.error(request, message)
    return redirect("observatory:import_detail", batch.pk)


@login_required
def import_errors(request, batch_id):
    permissions.require(permissions.can_manage_observatory(request.user))
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="erreurs-import-{batch.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("line"), _("column"), _("value"), _("reason")])
    for error in selectors.batch_errors(batch):
        # The value comes from the uploaded file: never let a spreadsheet run it as a formula.
        writer.writerow([error["line"], error["column"], safe_cell(error["value"]), error["reason"]])
    return response
