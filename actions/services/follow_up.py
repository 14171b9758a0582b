"""The follow-up of an action in one save: status, progress, the year's spending, a note, a new co-funder."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcl.formatting import money

from ..models import Action, BudgetKind, BudgetLine, CoFunder, FollowUpNote
from .actions import _check_revision, _validate_action
from .history import diff, history_record, snapshot

FOLLOW_UP_ACTION_FIELDS = ("status", "progress")


@dataclass
class FollowUp:
    """What a follow-up changes. `spending`: the actual spending of `year` by budget kind (None: none
    recorded); `cofunder`: a new, unsaved co-funder, or None."""

    status: str
    progress: int
    year: int
    spending: dict[str, Decimal | None] = field(default_factory=dict)
    note: str = ""
    cofunder: CoFunder | None = None


def spending_field(kind: str) -> str:
    """The name under which errors about the spending of that kind are reported (the form's field)."""
    return f"spending_{kind}"


def _spending_label(year: int, kind: str, *, planned: bool) -> str:
    label = _("Spending %(year)s, %(kind)s") % {"year": year, "kind": BudgetKind(kind).label.lower()}
    return label if planned else _("%(label)s (not planned)") % {"label": label}


@transaction.atomic
def action_follow_up(*, action: Action, user, base_revision: int | None, follow_up: FollowUp) -> Action:
    """Saves a follow-up made from `base_revision` as one change: one revision, one history entry
    listing each change. Raises ActionConflict when someone saved the action since, ValidationError
    (by field) when a value is refused; nothing is saved then.

    Spending of a year and kind with no budget line creates one with no forecast: after the adoption
    it reads as not planned (`added_after_adoption`), which the adopted commitments never do. A new
    co-funder after the adoption is marked the same way."""
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_revision(action, base_revision)
    plan = action.plan
    before = snapshot(action, FOLLOW_UP_ACTION_FIELDS)
    action.status, action.progress = follow_up.status, follow_up.progress
    changes = diff(before, snapshot(action, FOLLOW_UP_ACTION_FIELDS))
    _validate_action(action)

    lines = {line.kind: line for line in action.budget_lines.filter(year=follow_up.year)}
    to_save: list[BudgetLine] = []
    errors: dict[str, list[str]] = {}
    for kind, amount in follow_up.spending.items():
        line = lines.get(kind)
        current = line.actual if line else None
        if amount == current:
            continue
        if follow_up.year not in plan.years:
            errors[spending_field(kind)] = [
                _("%(year)s is outside the plan period %(start)d–%(end)d.")
                % {"year": follow_up.year, "start": plan.start_year, "end": plan.end_year}
            ]
            continue
        if line is None:
            line = BudgetLine(
                action=action,
                year=follow_up.year,
                kind=kind,
                forecast=Decimal(0),
                added_after_adoption=plan.is_adopted,
            )
        line.actual = amount
        try:
            line.full_clean()
        except ValidationError as error:
            errors[spending_field(kind)] = error.messages
            continue
        to_save.append(line)
        changes.append(
            {
                "field": _spending_label(
                    follow_up.year, kind, planned=bool(line.forecast) or not line.added_after_adoption
                ),
                "before": money(current) if current is not None else "—",
                "after": money(amount) if amount is not None else "—",
            }
        )

    cofunder = follow_up.cofunder
    if cofunder is not None:
        cofunder.action = action
        cofunder.added_after_adoption = plan.is_adopted
        try:
            cofunder.full_clean()
        except ValidationError as error:
            errors.setdefault("cofunder_name", []).extend(error.messages)
        else:
            changes.append(
                {
                    "field": _("Co-funder added"),
                    "before": "—",
                    "after": f"{cofunder.name} — {money(cofunder.amount)} ({cofunder.get_status_display()})",
                }
            )

    note_text = follow_up.note.strip()
    if note_text:
        changes.append({"field": _("Follow-up note"), "before": "—", "after": note_text})
    if errors:
        raise ValidationError(errors)
    if not changes:
        return action

    for line in to_save:
        line.save()
    if cofunder is not None:
        cofunder.save()
    if note_text:
        FollowUpNote.objects.create(action=action, author=user, date=timezone.localdate(), text=note_text)
    action.revision += 1
    action.updated_at = timezone.now()
    action.updated_by = user
    action.save()
    history_record(
        plan=plan,
        action=action,
        user=user,
        revision=action.revision,
        summary=_("Follow-up updated"),
        changes=changes,
    )
    return action
