"""Action pages: detail, edits with optimistic locking, schedule and budget, notes, awareness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions

from .. import selectors, services
from ..forms import (
    ActionForm,
    AwarenessReportForm,
    BudgetGridForm,
    NewActionForm,
    NoteForm,
    planning_formsets,
)
from ..models import ActionStatus, Origin
from .common import conflict_message, conflict_shown, error_text, posted_revision

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
            "history": action.recent_history[: selectors.ACTION_PAGE_HISTORY],
            "has_older_history": len(action.recent_history) > selectors.ACTION_PAGE_HISTORY,
            "can_edit": can_edit,
            "can_delete": permissions.can_edit_plan(user, action.plan) and not action.plan.is_adopted,
            "note_form": NoteForm(),
            "awareness_form": AwarenessReportForm(),
        },
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
                action=action, data=data, user=user, base_revision=form.cleaned_data["revision"]
            )
        except services.ActionConflict as error:
            conflict = conflict_shown(form, error)
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
        if all(formset.is_valid() for formset in formsets.values()):
            rows = services.PlanningRows(
                milestones=[f.instance for f in formsets["milestones"].forms if _kept(f)],
                budget_lines=[],  # the budget has its own grid: action_budget
                cofunders=[f.instance for f in formsets["cofunders"].forms if _kept(f)],
                deleted=[f.instance for fs in formsets.values() for f in fs.deleted_forms if f.instance.pk],
            )
            try:
                services.action_planning_save(
                    action=action,
                    rows=rows,
                    user=user,
                    base_revision=posted_revision(request),
                )
            except services.ActionConflict as error:
                conflict = error.entries
                error_message = conflict_message()
            except ValidationError as error:
                error_message = error_text(error)
            else:
                messages.success(request, _("The milestones and co-funders were saved."))
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


@login_required
def action_budget(request, action_id):
    """The action's budget for every year of its plan, in one grid saved at once."""
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    content_editable = not action.plan.is_adopted
    budget = selectors.action_budget(action=action)
    form = BudgetGridForm(request.POST or None, budget=budget, content_editable=content_editable)
    conflict = None
    error_message = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.action_budget_save(
                    action=action,
                    cells=form.cells(),
                    user=user,
                    base_revision=posted_revision(request),
                )
            except services.ActionConflict as error:
                conflict = error.entries
                error_message = conflict_message()
            except ValidationError as error:
                error_message = error_text(error)
            else:
                messages.success(request, _("The budget was saved."))
                return redirect("actions:action", action.pk)
        else:
            error_message = _("Some amounts are not valid: see the messages in the grid. Nothing was saved.")
    return render(
        request,
        "actions/action_budget.html",
        {
            "plan": action.plan,
            "action": action,
            "form": form,
            "budget": budget,
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
            % {
                "errors": "; ".join(
                    _("%(field)s: %(errors)s")
                    % {"field": form.fields[name].label, "errors": " ".join(errors)}
                    for name, errors in form.errors.items()
                )
            },
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
        messages.error(request, error_text(error))
        return redirect("actions:action", action.pk)
    messages.success(request, _("The action was deleted."))
    return redirect("actions:plan", plan.pk)
