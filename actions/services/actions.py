"""Writes of the actions: content, follow-up, schedule and budget, notes; optimistic locking."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction
from accounts.services import audit_record
from pcl.formatting import money, number

from ..models import (
    Action,
    ActionPlan,
    AwarenessReport,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
)
from .history import diff, history_record, snapshot
from .plans import ensure_editable

# What may still change once a plan version is adopted: its follow-up, never its commitments.
FOLLOW_UP_FIELD_ORDER = (
    "status",
    "progress",
    "late_override_reason",
    "achieved_mwh_saved",
    "achieved_tco2e_avoided",
    "achieved_mwh_renewable",
)
FOLLOW_UP_FIELDS = frozenset(FOLLOW_UP_FIELD_ORDER)

# --- actions ------------------------------------------------------------------------------------

ACTION_CONTENT_FIELDS = [
    "title",
    "description",
    "theme",
    "axis",
    "origin",
    "owner",
    "owner_name",
    "elected_referent",
    "partners",
    "start_date",
    "end_date",
    "mwh_saved",
    "tco2e_avoided",
    "mwh_renewable",
]
ACTION_FIELDS = ACTION_CONTENT_FIELDS + list(FOLLOW_UP_FIELD_ORDER)


@dataclass
class ActionConflict(Exception):
    """Someone saved the action after the revision the form was built from."""

    entries: list[HistoryEntry]
    current_revision: int


def out_of_date_message() -> str:
    return _("This page is out of date: reload it, then make your changes again. Nothing was saved.")


def _check_revision(action: Action, base_revision: int | None) -> None:
    """An edit says which revision it was made from; without one it could silently overwrite a
    concurrent edit, so it is refused like a stale one."""
    if base_revision is None:
        raise ValidationError(out_of_date_message(), code="no_revision")
    if action.revision != base_revision:
        entries = list(
            HistoryEntry.objects.filter(action=action, revision__gt=base_revision).select_related("user")
        )
        raise ActionConflict(entries=entries, current_revision=action.revision)


def _touch(action: Action, user, summary: str, changes=()) -> None:
    """Records a change made around the action (notes, schedule, budget): it is updated now, its
    revision goes up (optimistic locking) and the history keeps the change."""
    action.revision += 1
    action.updated_at = timezone.now()
    action.updated_by = user
    Action.objects.filter(pk=action.pk).update(
        revision=action.revision, updated_at=action.updated_at, updated_by=user
    )
    history_record(
        plan=action.plan, action=action, user=user, revision=action.revision, summary=summary, changes=changes
    )


@transaction.atomic
def action_create(
    *, plan: ActionPlan, data: dict, user, catalogue_action: CatalogueAction | None = None
) -> Action:
    ensure_editable(plan)
    if catalogue_action is not None and not catalogue_action.is_active:
        raise ValidationError(
            _("“%(title)s” was withdrawn from the catalogue: it can no longer be added to a plan.")
            % {"title": catalogue_action.title}
        )
    # A plan draws from the shared catalogue and from its commune's territory's own entries.
    if catalogue_action is not None and catalogue_action.territory_id not in (
        None,
        plan.commune.territory_id,
    ):
        raise ValidationError(
            _("“%(title)s” is an entry of another territory's catalogue: it cannot be added to this plan.")
            % {"title": catalogue_action.title}
        )
    action = Action(plan=plan, catalogue_action=catalogue_action, updated_by=user)
    if catalogue_action is not None:
        action.title = catalogue_action.title
        action.description = catalogue_action.description
        action.theme = catalogue_action.theme
        action.mwh_saved = catalogue_action.mwh_saved
        action.tco2e_avoided = catalogue_action.tco2e_avoided
        action.mwh_renewable = catalogue_action.mwh_renewable
    for name, value in data.items():
        setattr(action, name, value)
    action.order = (plan.actions.aggregate(last=Max("order"))["last"] or 0) + 1
    _validate_action(action)
    action.save()
    history_record(
        plan=plan,
        action=action,
        user=user,
        revision=action.revision,
        summary=_("Action added: %(title)s") % {"title": action.title}
        + (_(" (from the catalogue)") if catalogue_action else ""),
    )
    return action


def _validate_action(action: Action) -> None:
    action.full_clean()
    if action.axis_id and action.axis.plan_id != action.plan_id:
        raise ValidationError({"axis": _("This axis belongs to another plan.")})


@transaction.atomic
def action_update(*, action: Action, data: dict, user, base_revision: int | None) -> Action:
    """Saves an edit of an action made from `base_revision`; raises ActionConflict if it is stale,
    ValidationError if it is missing."""
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_revision(action, base_revision)
    before = snapshot(action, ACTION_FIELDS)
    for name, value in data.items():
        setattr(action, name, value)
    after = snapshot(action, ACTION_FIELDS)
    changes = diff(before, after)
    if action.plan.is_adopted:
        frozen = [name for name in after if name not in FOLLOW_UP_FIELDS and before[name] != after[name]]
        if frozen:
            raise ValidationError(
                _(
                    "This plan version was deliberated: %(fields)s can no longer change. Only the follow-up "
                    "(status, progress, achieved impact) can; start a new version to amend the commitments."
                )
                % {"fields": ", ".join(after[name][0] for name in frozen)}
            )
    _validate_action(action)
    if not changes:
        return action
    action.revision += 1
    action.updated_at = timezone.now()
    action.updated_by = user
    action.save()
    history_record(
        plan=action.plan,
        action=action,
        user=user,
        revision=action.revision,
        summary=_("Action edited"),
        changes=changes,
    )
    return action


@transaction.atomic
def action_delete(*, action: Action, user) -> None:
    ensure_editable(action.plan)
    history_record(
        plan=action.plan, user=user, summary=_("Action deleted: %(title)s") % {"title": action.title}
    )
    audit_record(
        action=AuditAction.DELETED,
        actor=user,
        target=action.title,
        commune=action.plan.commune,
        details={"object": "action", "id": action.pk, "plan_id": action.plan_id},
    )
    action.delete()


@dataclass
class PlanningRows:
    """The rows of the schedule-and-budget form: each list holds unsaved or changed instances."""

    milestones: list[Milestone]
    budget_lines: list[BudgetLine]
    cofunders: list[CoFunder]
    deleted: list[models.Model]


ROW_FIELDS = {
    Milestone: (["name", "due_date", "done_on"], {"done_on"}),
    BudgetLine: (["year", "kind", "forecast", "actual"], {"actual"}),
    CoFunder: (["name", "amount", "status"], {"status", "amount"}),
}


def _row_label(row) -> str:
    if isinstance(row, Milestone):
        return _("milestone “%(name)s”") % {"name": row.name}
    if isinstance(row, BudgetLine):
        return _("budget %(year)s %(kind)s") % {"year": row.year, "kind": row.get_kind_display()}
    return _("co-funder “%(name)s”") % {"name": row.name}


def _added_after_adoption_error(row) -> str:
    """Why this row cannot be added to an adopted plan ("" when it can): the follow-up records
    spending (with no forecast: it was not planned) and new co-funders, never new commitments."""
    if isinstance(row, Milestone):
        return _("This plan version was deliberated: milestones can no longer be added.")
    if isinstance(row, BudgetLine) and row.forecast:
        return _(
            "This plan version was deliberated: no forecast can be added (%(row)s). Record what was spent "
            "with no forecast: it will read as not planned."
        ) % {"row": _row_label(row)}
    return ""


@transaction.atomic
def action_planning_save(*, action: Action, rows: PlanningRows, user, base_revision: int | None) -> Action:
    """Saves milestones, budget lines and co-funders together, checking them against the plan; the
    revision is checked as in `action_update`."""
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_revision(action, base_revision)
    plan = action.plan
    changes = []
    errors = []
    for line in rows.budget_lines:
        if line.year is not None and line.year not in plan.years:
            errors.append(
                _("Budget year %(year)s is outside the plan period %(start)d–%(end)d.")
                % {"year": line.year, "start": plan.start_year, "end": plan.end_year}
            )
    for row in [*rows.milestones, *rows.budget_lines, *rows.cofunders]:
        fields, follow_up = ROW_FIELDS[type(row)]
        if row.pk is None:
            if plan.is_adopted:
                error = _added_after_adoption_error(row)
                if error:
                    errors.append(error)
                    continue
                row.added_after_adoption = True
            changes.append({"field": _row_label(row), "before": "—", "after": _("added")})
            continue
        previous = type(row).objects.get(pk=row.pk)
        # Only the service says which rows the adoption froze: never the form.
        unfrozen = getattr(previous, "added_after_adoption", False)
        if unfrozen:
            row.added_after_adoption = True
        before, after = snapshot(previous, fields), snapshot(row, fields)
        for name in fields:
            if before[name] != after[name]:
                if plan.is_adopted and name not in follow_up and not unfrozen:
                    errors.append(
                        _("This plan version was deliberated: the %(field)s of %(row)s can no longer change.")
                        % {"field": after[name][0], "row": _row_label(previous)}
                    )
                changes.append(
                    {
                        "field": f"{_row_label(previous)} — {after[name][0]}",
                        "before": before[name][1],
                        "after": after[name][1],
                    }
                )
    for row in rows.deleted:
        if plan.is_adopted and not getattr(row, "added_after_adoption", False):
            errors.append(_("This plan version was deliberated: rows can no longer be deleted."))
        changes.append({"field": _row_label(row), "before": _("present"), "after": _("deleted")})
    if errors:
        raise ValidationError(sorted(set(errors)))
    for row in rows.deleted:
        row.delete()
    for row in [*rows.milestones, *rows.budget_lines, *rows.cofunders]:
        row.action = action
        row.full_clean()
        row.save()
    if changes:
        _touch(action, user, _("Schedule and budget edited"), changes)
    return action


BudgetCells = dict[tuple[str, int], tuple[Decimal | None, Decimal | None]]


def _budget_label(kind: str, year: int) -> str:
    return _("budget %(year)s %(kind)s") % {"year": year, "kind": BudgetKind(kind).label}


@transaction.atomic
def action_budget_save(*, action: Action, cells: BudgetCells, user, base_revision: int | None) -> Action:
    """Saves an action's budget grid: `cells` maps (kind, year) to (forecast, actual), None for an
    empty cell. A cell pair left empty (or a zero forecast with no actual) keeps no line: an existing
    one is deleted. Once the plan is adopted, forecasts are commitments and cannot change (a year
    without a line counts as a zero forecast) and the adopted lines stay; actuals are follow-up and
    stay editable, spending in a year and type with no line is recorded as not planned
    (`added_after_adoption`, as the follow-up form does). The revision is checked as in
    `action_update`."""
    action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_revision(action, base_revision)
    plan = action.plan
    existing = {(line.kind, line.year): line for line in action.budget_lines.all()}
    errors, changes, to_save, to_delete = [], [], [], []
    forecast_field, actual_field = (
        BudgetLine._meta.get_field("forecast"),
        BudgetLine._meta.get_field("actual"),
    )
    for (kind, year), (forecast, actual) in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        if kind not in BudgetKind.values:
            errors.append(_("Unknown budget type: %(kind)s.") % {"kind": kind})
            continue
        line = existing.get((kind, year))
        out_of_period = year not in plan.years
        if out_of_period and line is None and (forecast or actual is not None):
            errors.append(
                _("Budget year %(year)s is outside the plan period %(start)d–%(end)d.")
                % {"year": year, "start": plan.start_year, "end": plan.end_year}
            )
            continue
        before_forecast = line.forecast if line else Decimal(0)
        before_actual = line.actual if line else None
        after_forecast = forecast or Decimal(0)
        if plan.is_adopted and after_forecast != before_forecast:
            if line is None:
                errors.append(
                    _added_after_adoption_error(BudgetLine(kind=kind, year=year, forecast=after_forecast))
                )
            else:
                errors.append(
                    _("This plan version was deliberated: the forecast of %(row)s can no longer change.")
                    % {"row": _budget_label(kind, year)}
                )
            continue
        # A line the council adopted stays, even emptied: it is part of the voted version.
        adopted_line = plan.is_adopted and line is not None and not line.added_after_adoption
        kept = after_forecast != 0 or actual is not None or adopted_line
        label = _budget_label(kind, year)
        for field, before, after in (
            (forecast_field, money(before_forecast) if line else "—", money(after_forecast) if kept else "—"),
            (actual_field, money(before_actual), money(actual)),
        ):
            if before != after:
                changes.append({"field": f"{label} — {field.verbose_name}", "before": before, "after": after})
        if not kept:
            if line is not None:
                to_delete.append(line)
            continue
        if out_of_period:
            # A line left outside a period changed since: it may only be emptied, into a year of the plan.
            errors.append(
                _("Budget year %(year)s is outside the plan period %(start)d–%(end)d.")
                % {"year": year, "start": plan.start_year, "end": plan.end_year}
            )
            continue
        if line is None:
            # Spending recorded after the adoption, with no forecast: it reads as not planned.
            line = BudgetLine(action=action, kind=kind, year=year, added_after_adoption=plan.is_adopted)
        if line.pk is None or (line.forecast, line.actual) != (after_forecast, actual):
            line.forecast, line.actual = after_forecast, actual
            to_save.append(line)
    if errors:
        raise ValidationError(errors)
    for line in to_delete:
        line.delete()
    for line in to_save:
        line.full_clean()
        line.save()
    if changes:
        _touch(action, user, _("Budget edited"), changes)
    return action


@transaction.atomic
def note_add(*, action: Action, user, text: str, on: date | None = None) -> FollowUpNote:
    note = FollowUpNote(action=action, author=user, text=text.strip(), date=on or timezone.localdate())
    note.full_clean()
    note.save()
    _touch(action, user, _("Follow-up note added"))
    return note


@transaction.atomic
def awareness_report_add(*, report: AwarenessReport, user) -> AwarenessReport:
    report.full_clean()
    report.save()
    action = report.action
    _touch(
        action,
        user,
        _("Awareness follow-up added (events held: %(events)s; people reached: %(people)s)")
        % {"events": number(report.events_held), "people": number(report.people_reached)},
    )
    return report
