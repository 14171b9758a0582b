"""The catalogue of standard actions: browse, maintain, add to a plan."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions
from communes import selectors as communes_selectors
from pcl.pagination import paginate

from .. import selectors, services
from ..forms import (
    AddToPlanForm,
    CatalogueActionForm,
    CatalogueFilterForm,
)
from ..models import CatalogueAction
from .common import error_text

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
        territory_ids=permissions.catalogue_territory_ids(user),
    )
    pages = paginate(request, entries)
    pages["page"].object_list = selectors.with_commune_counts(
        pages["page"].object_list, uses_filter=permissions.catalogue_count_filter(user)
    )
    return render(
        request,
        "actions/catalogue_list.html",
        {
            "form": form,
            **pages,
            "can_manage": can_manage,
            "from_plan": selectors.editable_plan_for(user=user, plan_id=request.GET.get("plan")),
        },
    )


@login_required
def catalogue_detail(request, entry_id):
    user = request.user
    permissions.require(permissions.can_view_catalogue(user))
    entry = selectors.catalogue_entry_for_user(user, entry_id)
    # The plans it may go into: the shared entries into any, a territory's into its communes' only.
    plans = [
        plan
        for plan in selectors.editable_plans_for(user=user)
        if entry.territory_id in (None, plan.commune.territory_id)
    ]
    can_manage = permissions.can_edit_catalogue_entry(user, entry)
    # Communes see only their own uses, the network roles those of their territories.
    uses = selectors.catalogue_uses(entry=entry, uses_filter=permissions.catalogue_use_filter(user))
    pages = paginate(request, uses)
    # The plan the advisor came from (its page links here with ?plan=): preselected, and back to it after.
    from_plan = next((plan for plan in plans if str(plan.pk) == request.GET.get("plan")), None)
    add_form = None
    if plans and entry.is_active:
        add_form = AddToPlanForm(plans=plans, initial={"plan": from_plan.pk} if from_plan else None)
    return render(
        request,
        "actions/catalogue_detail.html",
        {
            "entry": entry,
            **pages,
            "uses": pages["page"].object_list,
            "can_manage": can_manage,
            "add_form": add_form,
            "from_plan": from_plan,
        },
    )


@login_required
def catalogue_edit(request, entry_id=None):
    user = request.user
    if entry_id:
        # 404 for an entry of a territory the user does not see, whatever their role.
        entry = selectors.catalogue_entry_for_user(user, entry_id)
        permissions.require(permissions.can_edit_catalogue_entry(user, entry))
    else:
        permissions.require(permissions.can_manage_catalogue(user))
        entry = CatalogueAction()
    shared = permissions.is_administrator(user)
    territories = communes_selectors.territories_among(
        None if shared else permissions.managed_catalogue_territory_ids(user)
    )
    form = CatalogueActionForm(request.POST or None, instance=entry, territories=territories, shared=shared)
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
    entry = selectors.catalogue_entry_for_user(user, entry_id)
    permissions.require(permissions.can_edit_catalogue_entry(user, entry))
    try:
        services.catalogue_action_delete(entry=entry, user=user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("actions:catalogue_detail", entry.pk)
    messages.success(request, _("The catalogue action was deleted."))
    return redirect("actions:catalogue")


@login_required
@require_POST
def catalogue_add_to_plan(request, entry_id):
    user = request.user
    permissions.require(permissions.can_view_catalogue(user))
    entry = selectors.catalogue_entry_for_user(user, entry_id)
    form = AddToPlanForm(request.POST, plans=selectors.editable_plans_for(user=user))
    from_plan = request.POST.get("from_plan", "")
    back = reverse("actions:catalogue_detail", args=[entry.pk])
    if from_plan.isdigit():
        back += "?" + urlencode({"plan": from_plan})
    if not form.is_valid():
        messages.error(request, _("Choose one of your plans in preparation."))
        return redirect(back)
    plan = form.cleaned_data["plan"]
    try:
        action = services.action_create(
            plan=plan, data={"origin": form.cleaned_data["origin"]}, user=user, catalogue_action=entry
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    if from_plan == str(plan.pk):
        # Picking actions from the catalogue for a plan is a series: back to the plan for the next one.
        messages.success(
            request,
            _("“%(title)s” was added to the plan: complete its owner, schedule and budget from its page.")
            % {"title": entry.title},
        )
        return redirect("actions:plan", plan.pk)
    messages.success(
        request,
        _("“%(title)s” was added to the plan of %(commune)s: complete its owner, schedule and budget.")
        % {"title": entry.title, "commune": plan.commune},
    )
    return redirect("actions:action", action.pk)
