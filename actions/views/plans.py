"""Plan pages: the actions table, workflow, versions, axes, schedule, budget, history, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions
from pcl.links import link_maker
from pcl.pagination import paginate
from pcl.uploads import attachment_response

from .. import exports, selectors, services
from ..charts import schedule_figure
from ..exports import signed_deliberation_response
from ..forms import (
    PLAN_STATUS_ACTIONS,
    AxisForm,
    DeliberationFileForm,
    DeliberationForm,
    PlanFilterForm,
    PlanForm,
    TransitionForm,
)
from ..models import PlanAxis, PlanStatus
from .common import error_text

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
            flag=data.get("flag") or "",
            sort=data.get("sort") or "order",
        )
        page = selectors.plan_page_filtered(page, filters)
    link = link_maker("actions:action")
    for action in page.actions:
        action.url = link(action.pk)
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
            "replaced_deliberations": selectors.replaced_deliberations(plan=plan) if plan.is_adopted else [],
            "can_publish": plan.is_adopted and permissions.can_publish_plan(user, plan),
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
@require_POST
def plan_publication(request, plan_id):
    """Publishes the adopted plan on the public pages (`publish=1`) or withdraws it (`publish=0`)."""
    user = request.user
    plan = selectors.plan_for_user(user, plan_id)
    permissions.require(permissions.can_publish_plan(user, plan))
    publish = request.POST.get("publish") == "1"
    try:
        services.plan_publish(plan=plan, user=user, published=publish)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("The plan is published: anyone can read it on its public page, and reuse it as open data.")
            if publish
            else _("The plan is withdrawn from the public pages."),
        )
    return redirect("actions:plan", plan.pk)


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
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("The signed deliberation was attached."))
        else:
            messages.error(request, " ".join(form.errors["deliberation_file"]))
        return redirect("actions:plan", plan.pk)
    return signed_deliberation_response(plan)


@login_required
def plan_replaced_deliberation(request, plan_id, replaced_id):
    """Downloads a signed deliberation that a later file replaced, for whoever may read the plan."""
    replaced = selectors.replaced_deliberation_for_user(request.user, plan_id, replaced_id)
    return attachment_response(
        replaced.file.open("rb"),
        filename=replaced.download_name,
        content_type="application/pdf",
        keep_case=True,
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
        messages.error(request, error_text(error))
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
        messages.error(request, error_text(error))
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
    action_id = request.GET.get("action", "")
    action_id = int(action_id) if action_id.isdigit() else None
    context = paginate(request, selectors.plan_history(plan=plan, action_id=action_id))
    return render(
        request,
        "actions/plan_history.html",
        {
            **context,
            "plan": plan,
            "entries": context["page"].object_list,
            "for_action": action_id is not None,
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
