from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions

from . import exports, selectors, services
from .charts import schedule_figure
from .forms import (
    PLAN_STATUS_ACTIONS,
    ActionForm,
    AddToPlanForm,
    AwarenessReportForm,
    AxisForm,
    CatalogueActionForm,
    CatalogueFilterForm,
    DeliberationFileForm,
    DeliberationForm,
    NewActionForm,
    NoteForm,
    PlanFilterForm,
    PlanForm,
    TransitionForm,
    planning_formsets,
)
from .models import ActionStatus, CatalogueAction, Origin, PlanAxis, PlanStatus


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- plans --------------------------------------------------------------------------------------


@login_required
def plan_create(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    permissions.require(permissions.can_create_plan(user, commune))
    form = PlanForm(
        request.POST or None,
        initial={"title": _("Climate action plan of %(commune)s") % {"commune": commune}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(commune=commune, user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was created: add its actions."))
            return redirect("actions:plan", plan.pk)
    return render(request, "actions/plan_form.html", {"commune": commune, "form": form})


@login_required
def plan_detail(request, plan_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    page = selectors.plan_page(plan=plan)
    form = PlanFilterForm(request.GET or None, owners=page.owners)
    if form.is_valid():
        data = form.cleaned_data
        theme = data.get("theme")
        filters = selectors.PlanFilters(
            theme=theme.pk if theme else None,
            status=data.get("status") or "",
            owner=data.get("owner") or "",
            origin=data.get("origin") or "",
            sort=data.get("sort") or "order",
        )
        page = selectors.plan_page_filtered(page, filters)
    can_edit = permissions.can_edit_plan(user, plan)
    transitions = [
        (status, PLAN_STATUS_ACTIONS[status])
        for status in services.allowed_transitions(plan)
        if can_edit and (status != PlanStatus.CLOSED or permissions.can_close_plan(user, plan))
    ]
    return render(
        request,
        "actions/plan_detail.html",
        {
            "plan": plan,
            "page": page,
            "form": form,
            "axes": selectors.axis_tree(page.axes),
            "can_edit": can_edit,
            "can_edit_content": can_edit and not plan.is_adopted,
            "transitions": transitions,
            "can_start_version": can_edit and selectors.plan_can_branch(plan=plan),
        },
    )


@login_required
def plan_edit(request, plan_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    permissions.require(permissions.can_edit_plan(user, plan))
    form = PlanForm(request.POST or None, instance=plan)
    if plan.is_adopted:
        messages.error(request, services.adopted_message(plan))
        return redirect("actions:plan", plan.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, data=form.cleaned_data, user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("actions:plan", plan.pk)
    return render(request, "actions/plan_form.html", {"commune": plan.commune, "plan": plan, "form": form})


@login_required
def plan_transition(request, plan_id, status):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    permissions.require(permissions.can_edit_plan(user, plan))
    if status == PlanStatus.CLOSED:
        permissions.require(permissions.can_close_plan(user, plan))
    if status not in PlanStatus.values:
        raise Http404
    form_class = DeliberationForm if status == PlanStatus.DELIBERATED else TransitionForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_transition(plan=plan, to_status=status, user=user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("The plan is now “%(status)s”.") % {"status": PlanStatus(status).label}
            )
            return redirect("actions:plan", plan.pk)
    return render(
        request,
        "actions/plan_transition.html",
        {
            "plan": plan,
            "form": form,
            "status": PlanStatus(status),
            "action_label": PLAN_STATUS_ACTIONS[status],
        },
    )


@login_required
def plan_deliberation_file(request, plan_id):
    """Downloads the signed deliberation (GET) or attaches it after the vote (POST)."""
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    if request.method == "POST":
        permissions.require(permissions.can_edit_plan(user, plan))
        form = DeliberationFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.plan_deliberation_file_attach(
                    plan=plan, file=form.cleaned_data["deliberation_file"], user=user
                )
            except ValidationError as error:
                messages.error(request, _errors(error))
            else:
                messages.success(request, _("The signed deliberation was attached."))
        else:
            messages.error(request, " ".join(form.errors["deliberation_file"]))
        return redirect("actions:plan", plan.pk)
    if not plan.deliberation_file:
        raise Http404
    return FileResponse(
        plan.deliberation_file.open("rb"),
        as_attachment=True,
        filename=f"deliberation-{plan.commune.insee_code}-v{plan.version}.pdf",
    )


@login_required
@require_POST
def plan_new_version(request, plan_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    permissions.require(permissions.can_edit_plan(user, plan))
    try:
        new = services.plan_new_version(plan=plan, user=user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("actions:plan", plan.pk)
    messages.success(
        request,
        _("Version %(version)d was started as a draft from the adopted plan.") % {"version": new.version},
    )
    return redirect("actions:plan", new.pk)


@login_required
def plan_axes(request, plan_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    can_edit = permissions.can_edit_plan(user, plan) and not plan.is_adopted
    form = AxisForm(request.POST or None, plan=plan, instance=PlanAxis(plan=plan))
    if request.method == "POST":
        permissions.require(can_edit)
        if form.is_valid():
            try:
                services.axis_save(axis=form.instance, user=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The axis was added."))
                return redirect("actions:plan_axes", plan.pk)
    axes = selectors.axis_tree(list(plan.axes.all()))
    return render(
        request, "actions/plan_axes.html", {"plan": plan, "axes": axes, "form": form, "can_edit": can_edit}
    )


@login_required
@require_POST
def axis_delete(request, plan_id, axis_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    axis = get_object_or_404(PlanAxis, pk=axis_id, plan=plan)
    permissions.require(permissions.can_edit_plan(user, plan))
    try:
        services.axis_delete(axis=axis, user=user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The axis was deleted; its actions are kept, without axis."))
    return redirect("actions:plan_axes", plan.pk)


@login_required
def plan_schedule(request, plan_id):
    plan = selectors.plan_for_user(request.user, plan_id)
    actions = selectors.plan_schedule(plan=plan)
    return render(
        request,
        "actions/plan_schedule.html",
        {"plan": plan, "actions": actions, "figure": schedule_figure(plan=plan, actions=actions)},
    )


@login_required
def plan_budget(request, plan_id):
    plan = selectors.plan_for_user(request.user, plan_id)
    return render(
        request,
        "actions/plan_budget.html",
        {"plan": plan, "summary": selectors.plan_budget_summary(plan=plan)},
    )


@login_required
def plan_history(request, plan_id):
    plan = selectors.plan_for_user(request.user, plan_id)
    return render(
        request,
        "actions/plan_history.html",
        {
            "plan": plan,
            "entries": selectors.plan_history(plan=plan),
            "transitions": plan.transitions.select_related("by"),
        },
    )


@login_required
def plan_export(request, plan_id, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    plan = selectors.plan_for_user(request.user, plan_id)
    rows = exports.plan_rows(plan=plan)
    if fmt == "csv":
        return exports.csv_response(plan=plan, rows=rows)
    return exports.xlsx_response(plan=plan, rows=rows)


# --- actions ------------------------------------------------------------------------------------


@login_required
def action_create(request, plan_id):
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    permissions.require(permissions.can_edit_plan(user, plan))
    if plan.is_adopted:
        messages.error(request, services.adopted_message(plan))
        return redirect("actions:plan", plan.pk)
    form = NewActionForm(
        request.POST or None,
        plan=plan,
        initial={"origin": request.GET.get("origin", Origin.NEW), "status": ActionStatus.PLANNED},
    )
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "revision"}
        try:
            action = services.action_create(plan=plan, data=data, user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action was added."))
            return redirect("actions:action", action.pk)
    return render(request, "actions/action_form.html", {"plan": plan, "form": form})


@login_required
def action_detail(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    action = selectors.action_page(action=action)
    can_edit = permissions.can_edit_action(user, action)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "plan": action.plan,
            "can_edit": can_edit,
            "can_delete": permissions.can_edit_plan(user, action.plan) and not action.plan.is_adopted,
            "note_form": NoteForm(),
            "awareness_form": AwarenessReportForm(),
        },
    )


def _conflict_message(conflict: services.ActionConflict) -> str:
    return _(
        "Someone saved this action while you were editing it: your changes were not saved. "
        "Here is what changed; check it, then make your changes again."
    )


@login_required
def action_edit(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    content_editable = not action.plan.is_adopted
    form = ActionForm(
        request.POST or None, instance=action, plan=action.plan, content_editable=content_editable
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "revision"}
        try:
            services.action_update(
                action=action, data=data, user=user, base_revision=form.cleaned_data.get("revision")
            )
        except services.ActionConflict as error:
            conflict = error.entries
            form.add_error(None, _conflict_message(error))
            # The person has now seen what changed: a new save starts from the current revision.
            form.data = form.data.copy()
            form.data["revision"] = error.current_revision
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action was saved."))
            return redirect("actions:action", action.pk)
    return render(
        request,
        "actions/action_form.html",
        {
            "plan": action.plan,
            "action": action,
            "form": form,
            "conflict": conflict,
            "content_editable": content_editable,
        },
    )


@login_required
def action_planning(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    content_editable = not action.plan.is_adopted
    formsets = planning_formsets(action, request.POST or None, content_editable=content_editable)
    conflict = None
    error_message = ""
    if request.method == "POST":
        base_revision = request.POST.get("revision")
        if all(formset.is_valid() for formset in formsets.values()):
            rows = services.PlanningRows(
                milestones=[f.instance for f in formsets["milestones"].forms if _kept(f)],
                budget_lines=[f.instance for f in formsets["budget"].forms if _kept(f)],
                cofunders=[f.instance for f in formsets["cofunders"].forms if _kept(f)],
                deleted=[f.instance for fs in formsets.values() for f in fs.deleted_forms if f.instance.pk],
            )
            try:
                services.action_planning_save(
                    action=action,
                    rows=rows,
                    user=user,
                    base_revision=int(base_revision) if base_revision and base_revision.isdigit() else None,
                )
            except services.ActionConflict as error:
                conflict = error.entries
                error_message = _conflict_message(error)
            except ValidationError as error:
                error_message = _errors(error)
            else:
                messages.success(request, _("The schedule and budget were saved."))
                return redirect("actions:action", action.pk)
        else:
            error_message = _("Some rows are not valid: see the messages next to them. Nothing was saved.")
    return render(
        request,
        "actions/action_planning.html",
        {
            "plan": action.plan,
            "action": action,
            "formsets": formsets,
            "conflict": conflict,
            "error_message": error_message,
            "content_editable": content_editable,
        },
    )


def _kept(form) -> bool:
    """A row to save: an existing one not marked for deletion, or a new one that was filled in."""
    if form.cleaned_data.get("DELETE"):
        return False
    return bool(form.instance.pk) or form.has_changed()


@login_required
@require_POST
def action_note_add(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(action=action, user=user, text=form.cleaned_data["text"])
        messages.success(request, _("The note was added."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect("actions:action", action.pk)


@login_required
@require_POST
def action_awareness_add(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    form = AwarenessReportForm(request.POST)
    form.instance.action = action
    if form.is_valid():
        services.awareness_report_add(report=form.instance, user=user)
        messages.success(request, _("The awareness follow-up was recorded."))
    else:
        messages.error(
            request,
            _("The awareness follow-up was not recorded: %(errors)s")
            % {"errors": "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())},
        )
    return redirect("actions:action", action.pk)


@login_required
@require_POST
def action_delete(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_plan(user, action.plan))
    plan = action.plan
    try:
        services.action_delete(action=action, user=user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("actions:action", action.pk)
    messages.success(request, _("The action was deleted."))
    return redirect("actions:plan", plan.pk)


# --- catalogue ----------------------------------------------------------------------------------


@login_required
def catalogue_list(request):
    user = request.user
    permissions.require(permissions.can_view_catalogue(user))
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    theme = data.get("theme")
    can_manage = permissions.can_manage_catalogue(user)
    entries = selectors.catalogue_list(
        search=(data.get("q") or "").strip(),
        theme_id=theme.pk if theme else None,
        target=data.get("target") or "",
        include_inactive=can_manage,
    )
    return render(
        request, "actions/catalogue_list.html", {"form": form, "entries": entries, "can_manage": can_manage}
    )


@login_required
def catalogue_detail(request, entry_id):
    user = request.user
    permissions.require(permissions.can_view_catalogue(user))
    entry = get_object_or_404(CatalogueAction.objects.select_related("theme"), pk=entry_id)
    plans = selectors.editable_plans_for(user=user)
    can_manage = permissions.can_manage_catalogue(user)
    uses = selectors.catalogue_uses(entry=entry)
    if not can_manage:  # communes see only their own uses
        uses = [action for action in uses if permissions.can_view_plan(user, action.plan)]
    return render(
        request,
        "actions/catalogue_detail.html",
        {
            "entry": entry,
            "uses": uses,
            "can_manage": can_manage,
            "add_form": AddToPlanForm(plans=plans) if plans and entry.is_active else None,
        },
    )


@login_required
def catalogue_edit(request, entry_id=None):
    user = request.user
    permissions.require(permissions.can_manage_catalogue(user))
    entry = get_object_or_404(CatalogueAction, pk=entry_id) if entry_id else CatalogueAction()
    form = CatalogueActionForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_action_save(entry=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The catalogue action was saved."))
            return redirect("actions:catalogue_detail", form.instance.pk)
    return render(request, "actions/catalogue_form.html", {"entry": entry, "form": form})


@login_required
@require_POST
def catalogue_delete(request, entry_id):
    user = request.user
    permissions.require(permissions.can_manage_catalogue(user))
    entry = get_object_or_404(CatalogueAction, pk=entry_id)
    try:
        services.catalogue_action_delete(entry=entry)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("actions:catalogue_detail", entry.pk)
    messages.success(request, _("The catalogue action was deleted."))
    return redirect("actions:catalogue")


@login_required
@require_POST
def catalogue_add_to_plan(request, entry_id):
    user = request.user
    permissions.require(permissions.can_view_catalogue(user))
    entry = get_object_or_404(CatalogueAction, pk=entry_id)
    form = AddToPlanForm(request.POST, plans=selectors.editable_plans_for(user=user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your plans in preparation."))
        return redirect("actions:catalogue_detail", entry.pk)
    plan = form.cleaned_data["plan"]
    try:
        action = services.action_create(
            plan=plan, data={"origin": form.cleaned_data["origin"]}, user=user, catalogue_action=entry
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("actions:catalogue_detail", entry.pk)
    messages.success(
        request,
        _("“%(title)s” was added to the plan of %(commune)s: complete its owner, schedule and budget.")
        % {"title": entry.title, "commune": plan.commune},
    )
    return redirect("actions:action", action.pk)
