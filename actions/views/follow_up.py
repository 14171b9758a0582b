"""The daily follow-up: the actions a person has to update, and the form that updates one in one save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import permissions
from pcl.links import link_maker
from pcl.pagination import paginate

from .. import selectors, services
from ..forms import FollowUpForm
from .common import conflict_shown

TO_UPDATE_PAGE_SIZE = 25


@login_required
def actions_to_update(request):
    user = request.user
    permissions.require(permissions.can_view_actions_to_update(user))
    context = paginate(request, selectors.actions_to_update_ids(user=user), TO_UPDATE_PAGE_SIZE)
    page = context["page"]
    page.object_list = selectors.actions_to_update_rows(user=user, ids=page.object_list)
    selectors.mark_flags(page.object_list)
    link = link_maker("actions:action")
    for action in page.object_list:
        action.url = link(action.pk)
        action.can_update = permissions.can_edit_action(user, action)
    return render(request, "actions/to_update.html", context)


@login_required
def action_follow_up(request, action_id):
    user = request.user
    action = selectors.action_for_user(user, action_id)
    permissions.require(permissions.can_edit_action(user, action))
    action = selectors.action_page(action=action)
    form = FollowUpForm(request.POST or None, action=action, year=timezone.localdate().year)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.action_follow_up(
                action=action,
                user=user,
                base_revision=form.cleaned_data["revision"],
                follow_up=form.follow_up(),
            )
        except services.ActionConflict as error:
            conflict = conflict_shown(form, error)
        except ValidationError as error:
            for name, field_errors in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(name if name in form.fields else None, field_errors)
        else:
            messages.success(request, _("The follow-up was saved."))
            return redirect("actions:action", action.pk)
    return render(
        request,
        "actions/follow_up_form.html",
        {
            "plan": action.plan,
            "action": action,
            "form": form,
            "conflict": conflict,
            "year": form.year,
            "year_in_plan": form.year in action.plan.years,
            "year_lines": [line for line in action.budget_lines.all() if line.year == form.year],
            "can_edit_content": permissions.can_edit_action(user, action) and not action.plan.is_adopted,
        },
    )
