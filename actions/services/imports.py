"""Writes of an import of actions: all the rows of a checked file become actions of a draft plan, or
none does."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..imports import ImportRow, normalize
from ..models import Action, ActionPlan, BudgetLine, CoFunder, PlanAxis, PlanStatus
from .actions import PlanningRows, action_create, action_planning_save
from .history import history_record
from .plans import axis_save


def import_refused_message(plan: ActionPlan) -> str:
    return _(
        "Actions are imported into a draft plan only: this version is “%(status)s”. Send it back to draft, "
        "or start a new version."
    ) % {"status": plan.get_status_display()}


def ensure_importable(plan: ActionPlan) -> None:
    # Submitted or validated, the working group reviews the plan as it is; adopted, it is frozen.
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(import_refused_message(plan))


@transaction.atomic
def plan_actions_import(*, plan: ActionPlan, rows: list[ImportRow], user, source: str) -> list[Action]:
    """Creates the rows' actions (with their new axes and budget lines) through the services that
    create them one by one, so each is checked (full_clean) and recorded in the history; any error
    rolls the whole import back. `rows` must have been checked (actions.imports) just before."""
    plan = ActionPlan.objects.select_for_update().select_related("commune").get(pk=plan.pk)
    ensure_importable(plan)
    if any(row.errors for row in rows):
        raise ValidationError(_("The file has errors: nothing was imported."))
    # Checked again under the plan's lock: another import may have been confirmed since the preview.
    titles = {normalize(title) for title in plan.actions.values_list("title", flat=True)}
    for row in rows:
        if normalize(row.data.get("title", "")) in titles:
            raise ValidationError(
                _("Line %(line)s: %(reason)s")
                % {
                    "line": row.line,
                    "reason": _("The plan already has an action “%(title)s”.") % {"title": row.data["title"]},
                }
            )
    axes = {normalize(axis.title): axis for axis in plan.axes.all()}
    next_order = max((axis.order for axis in axes.values()), default=0) + 1
    actions = []
    for row in rows:
        data = dict(row.data)
        if data.get("axis") is None and row.axis_title:
            axis = axes.get(normalize(row.axis_title))
            if axis is None:
                axis = axis_save(axis=PlanAxis(plan=plan, title=row.axis_title, order=next_order), user=user)
                axes[normalize(axis.title)] = axis
                next_order += 1
            data["axis"] = axis
        try:
            action = action_create(plan=plan, data=data, user=user, catalogue_action=row.catalogue_action)
            if row.budget or row.cofunders:
                lines = [
                    BudgetLine(year=entry.year, kind=entry.kind, forecast=entry.forecast, actual=entry.actual)
                    for entry in row.budget
                ]
                cofunders = [
                    CoFunder(name=entry.name, amount=entry.amount, status=entry.status)
                    for entry in row.cofunders
                ]
                action = action_planning_save(
                    action=action,
                    rows=PlanningRows(milestones=[], budget_lines=lines, cofunders=cofunders, deleted=[]),
                    user=user,
                    base_revision=action.revision,
                )
        except ValidationError as error:
            raise ValidationError(
                _("Line %(line)s: %(reason)s") % {"line": row.line, "reason": " ".join(error.messages)}
            ) from error
        actions.append(action)
    history_record(
        plan=plan,
        user=user,
        summary=ngettext(
            "%(count)d action imported from “%(source)s”",
            "%(count)d actions imported from “%(source)s”",
            len(actions),
        )
        % {"count": len(actions), "source": source},
    )
    return actions
