"""Import of a commune's list of actions into a draft plan: upload, preview, confirm.

Between the preview and the confirmation the file waits in the default storage under a random name,
known only from the uploader's session and bound to the plan; the confirmation reads it and checks it
again against the plan as it is then, so that nothing seen stale is created.
"""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communes import permissions
from pcl.formatting import file_size
from pcl.uploads import XLSX, display_name

from .. import imports, selectors, services
from ..forms import ActionImportForm
from ..models import ActionPlan, PlanStatus
from .common import error_text

STORAGE_FOLDER = "action-imports"
# A file never confirmed nor cancelled (the tab was closed) is deleted at the next upload after this.
PENDING_MAX_AGE = timedelta(days=1)


def _session_key(plan: ActionPlan) -> str:
    return f"action_import:{plan.pk}"


def _editable_plan(request, plan_id) -> ActionPlan:
    """The plan, for whoever may edit its content: 404 to outsiders, 403 to readers."""
    plan = selectors.plan_for_user(request.user, plan_id)
    permissions.require(permissions.can_edit_plan(request.user, plan))
    return plan


def _forget(request, plan: ActionPlan) -> None:
    pending = request.session.pop(_session_key(plan), None)
    if pending and pending.get("path", "").startswith(f"{STORAGE_FOLDER}/"):
        default_storage.delete(pending["path"])


def _sweep_abandoned() -> None:
    """Deletes the files waiting for a confirmation that never came."""
    try:
        _folders, names = default_storage.listdir(STORAGE_FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for name in names:
        path = f"{STORAGE_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def _pending(request, plan: ActionPlan) -> dict | None:
    """The file waiting for confirmation: its stored path, name and extension; None when there is none
    (or it is gone, or it is another user's)."""
    pending = request.session.get(_session_key(plan))
    if not pending or pending.get("user") != request.user.pk or pending.get("plan") != plan.pk:
        return None
    if not default_storage.exists(pending["path"]):
        return None
    return pending


@login_required
def plan_import(request, plan_id):
    plan = _editable_plan(request, plan_id)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, services.import_refused_message(plan))
        return redirect("actions:plan", plan.pk)
    form = ActionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        extension = "xlsx" if form.file_type is XLSX else "csv"
        content = upload.read()
        try:
            # Read once now: a file with no known column or no action is refused here, not stored.
            imports.read_sheet(content, extension)
        except imports.ImportFileError as error:
            form.add_error(
                "file",
                _("“%(name)s”: %(reason)s") % {"name": display_name(upload.name), "reason": error.message},
            )
        else:
            _forget(request, plan)
            _sweep_abandoned()
            path = default_storage.save(
                f"{STORAGE_FOLDER}/{secrets.token_hex(16)}.{extension}", ContentFile(content)
            )
            request.session[_session_key(plan)] = {
                "path": path,
                "name": display_name(upload.name),
                "extension": extension,
                "user": request.user.pk,
                "plan": plan.pk,
            }
            return redirect("actions:plan_import_preview", plan.pk)
    return render(
        request,
        "actions/plan_import.html",
        {
            "plan": plan,
            "form": form,
            "max_size": file_size(imports.max_bytes()),
            "max_rows": imports.MAX_ROWS,
        },
    )


@login_required
def plan_import_template(request, plan_id, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    plan = _editable_plan(request, plan_id)
    return imports.template_response(plan=plan, context=imports.ImportContext.of(plan), extension=fmt)


@login_required
def plan_import_preview(request, plan_id):
    """GET: the rows as they will be created, with their errors. POST: creates them all (confirm) or
    drops the file (cancel)."""
    plan = _editable_plan(request, plan_id)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, plan)
        messages.info(request, _("The import was cancelled: nothing was changed."))
        return redirect("actions:plan", plan.pk)
    if plan.status != PlanStatus.DRAFT:
        _forget(request, plan)
        messages.error(request, services.import_refused_message(plan))
        return redirect("actions:plan", plan.pk)
    pending = _pending(request, plan)
    if pending is None:
        messages.error(request, _("No file is waiting to be imported: choose it again."))
        return redirect("actions:plan_import", plan.pk)
    with default_storage.open(pending["path"], "rb") as stored:
        content = stored.read()
    try:
        preview = imports.preview_file(
            content=content, extension=pending["extension"], context=imports.ImportContext.of(plan), plan=plan
        )
    except imports.ImportFileError as error:
        _forget(request, plan)
        messages.error(request, error.message)
        return redirect("actions:plan_import", plan.pk)
    if request.method == "POST" and not preview.errors:
        try:
            created = services.plan_actions_import(
                plan=plan, rows=preview.rows, user=request.user, source=pending["name"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error) + " " + _("Nothing was imported."))
        else:
            _forget(request, plan)
            messages.success(
                request,
                ngettext(
                    "%(count)d action was imported.",
                    "%(count)d actions were imported.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("actions:plan", plan.pk)
    elif request.method == "POST":
        messages.error(
            request, _("The file has errors: nothing was imported. Correct them and choose the file again.")
        )
    return render(
        request,
        "actions/plan_import_preview.html",
        {"plan": plan, "preview": preview, "source": pending["name"]},
    )
