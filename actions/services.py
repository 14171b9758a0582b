"""Writes of the action plans: catalogue, plans and their workflow, actions, schedule, budget, history."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from communes.models import Commune, Stage
from communes.services import commune_stage_update

from . import catalogue_data
from .models import (
    ADOPTED_STATUSES,
    Action,
    ActionPlan,
    AwarenessReport,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
    PlanAxis,
    PlanStatus,
    PlanTransition,
    Theme,
)

# What may still change once a plan version is adopted: its follow-up, never its commitments.
FOLLOW_UP_FIELDS = frozenset(
    {
        "status",
        "progress",
        "late_override_reason",
        "achieved_mwh_saved",
        "achieved_tco2e_avoided",
        "achieved_mwh_renewable",
    }
)

TRANSITIONS = {
    PlanStatus.DRAFT: (PlanStatus.SUBMITTED,),
    PlanStatus.SUBMITTED: (PlanStatus.VALIDATED, PlanStatus.DRAFT),
    PlanStatus.VALIDATED: (PlanStatus.DELIBERATED, PlanStatus.DRAFT),
    PlanStatus.DELIBERATED: (PlanStatus.FOLLOW_UP,),
    PlanStatus.FOLLOW_UP: (PlanStatus.CLOSED,),
    PlanStatus.CLOSED: (),
}

COMMUNE_STAGE_BY_PLAN_STATUS = {
    PlanStatus.DRAFT: Stage.PLAN_IN_PREPARATION,
    PlanStatus.SUBMITTED: Stage.PLAN_IN_PREPARATION,
    PlanStatus.VALIDATED: Stage.PLAN_IN_PREPARATION,
    PlanStatus.DELIBERATED: Stage.PLAN_DELIBERATED,
    PlanStatus.FOLLOW_UP: Stage.IN_FOLLOW_UP,
    PlanStatus.CLOSED: Stage.IN_FOLLOW_UP,
}


# --- history ------------------------------------------------------------------------------------


def _display(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(localize(value))


def snapshot(instance: models.Model, fields) -> dict[str, tuple[str, str]]:
    """{field name: (label, displayed value)} of the given fields."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        result[name] = (str(field.verbose_name), _display(instance, field))
    return result


def diff(before: dict, after: dict) -> list[dict]:
    return [
        {"field": after[name][0], "before": before[name][1], "after": after[name][1]}
        for name in after
        if name in before and before[name][1] != after[name][1]
    ]


def history_record(*, plan, user, summary: str, changes=(), action=None, revision=None) -> HistoryEntry:
    return HistoryEntry.objects.create(
        plan=plan, action=action, user=user, summary=summary, changes=list(changes), revision=revision
    )


# --- catalogue ----------------------------------------------------------------------------------


def _quantity(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def catalogue_load_starter(*, theme_model=Theme, entry_model=CatalogueAction) -> int:
    """Creates the themes and the starter catalogue; existing entries stay as advisors edited them.

    The models are parameters so that the data migration can pass its historical models.
    Returns the number of catalogue entries created.
    """
    themes = {}
    for order, (code, name) in enumerate(catalogue_data.THEMES):
        themes[code], _created = theme_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    existing = set(entry_model.objects.values_list("title", flat=True))
    new = [
        entry_model(
            title=entry["title"],
            description=entry["description"],
            theme=themes[entry["theme"]],
            target=entry["target"],
            cost_min=entry["cost_min"],
            cost_max=entry["cost_max"],
            mwh_saved=_quantity(entry["mwh_saved"]),
            tco2e_avoided=_quantity(entry["tco2e_avoided"]),
            mwh_renewable=_quantity(entry["mwh_renewable"]),
            difficulty=entry["difficulty"],
            duration_months=entry["duration_months"],
            indicators="\n".join(entry["indicators"]),
            sources=entry["sources"],
        )
        for entry in catalogue_data.CATALOGUE
        if entry["title"] not in existing
    ]
    for entry in new:
        entry.full_clean()
    entry_model.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def catalogue_action_save(*, entry: CatalogueAction) -> CatalogueAction:
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def catalogue_action_delete(*, entry: CatalogueAction) -> None:
    used = entry.actions.count()
    if used:
        raise ValidationError(
            _(
                "“%(title)s” is used by %(count)d actions of commune plans: it cannot be deleted. "
                "Withdraw it from the catalogue instead (untick “offered to communes”)."
            )
            % {"title": entry.title, "count": used}
        )
    entry.delete()


# --- plans --------------------------------------------------------------------------------------


def _plan_fields():
    return ["title", "start_year", "end_year"]


def adopted_message(plan: ActionPlan) -> str:
    return _(
        "Version %(version)d of this plan was deliberated by the council: its commitments can no longer "
        "change. Start a new version to amend it."
    ) % {"version": plan.version}


def _ensure_editable(plan: ActionPlan) -> None:
    if plan.is_adopted:
        raise ValidationError(adopted_message(plan))


@transaction.atomic
def plan_create(*, commune: Commune, title: str, start_year: int, end_year: int, user) -> ActionPlan:
    in_preparation = commune.action_plans.exclude(status__in=ADOPTED_STATUSES).first()
    if in_preparation is not None:
        raise ValidationError(
            _("%(commune)s already has a plan in preparation (%(plan)s): complete it first.")
            % {"commune": commune, "plan": in_preparation}
        )
    version = (commune.action_plans.aggregate(last=Max("version"))["last"] or 0) + 1
    plan = ActionPlan(commune=commune, title=title, start_year=start_year, end_year=end_year, version=version)
    plan.full_clean()
    plan.save()
    history_record(
        plan=plan, user=user, summary=_("Plan created (version %(version)d)") % {"version": version}
    )
    _sync_commune_stage(plan)
    return plan


@transaction.atomic
def plan_update(*, plan: ActionPlan, data: dict, user) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    _ensure_editable(plan)
    before = snapshot(plan, data)
    for name, value in data.items():
        setattr(plan, name, value)
    plan.full_clean()
    outside = plan.actions.filter(budget_lines__year__lt=plan.start_year) | plan.actions.filter(
        budget_lines__year__gt=plan.end_year
    )
    if outside.exists():
        raise ValidationError(
            _("Some budget lines fall outside %(start)d–%(end)d: change them before shortening the period.")
            % {"start": plan.start_year, "end": plan.end_year}
        )
    plan.save()
    changes = diff(before, snapshot(plan, data))
    if changes:
        history_record(plan=plan, user=user, summary=_("Plan edited"), changes=changes)
    return plan


def _sync_commune_stage(plan: ActionPlan) -> None:
    stage = COMMUNE_STAGE_BY_PLAN_STATUS[PlanStatus(plan.status)]
    commune = plan.commune
    if commune.stage != stage and commune.charter_signed_on:
        commune_stage_update(commune=commune, stage=stage)


def allowed_transitions(plan: ActionPlan) -> tuple[PlanStatus, ...]:
    return TRANSITIONS[PlanStatus(plan.status)]


@transaction.atomic
def plan_transition(
    *,
    plan: ActionPlan,
    to_status: str,
    user,
    comment: str = "",
    deliberation_date: date | None = None,
    deliberation_number: str = "",
    deliberation_file=None,
) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().select_related("commune").get(pk=plan.pk)
    from_status = PlanStatus(plan.status)
    if to_status not in allowed_transitions(plan):
        raise ValidationError(
            _("A plan “%(from)s” cannot become “%(to)s”.")
            % {"from": from_status.label, "to": PlanStatus(to_status).label}
        )
    if to_status == PlanStatus.DELIBERATED:
        errors = {}
        if not deliberation_date:
            errors["deliberation_date"] = _("Give the date of the council meeting.")
        elif deliberation_date > timezone.localdate():
            errors["deliberation_date"] = _("The council meeting cannot be in the future.")
        if not deliberation_number.strip():
            errors["deliberation_number"] = _("Give the number of the deliberation.")
        if errors:
            raise ValidationError(errors)
        plan.deliberation_date = deliberation_date
        plan.deliberation_number = deliberation_number.strip()
        if deliberation_file:
            plan.deliberation_file = deliberation_file
    plan.status = to_status
    plan.full_clean()
    plan.save()
    PlanTransition.objects.create(
        plan=plan, from_status=from_status, to_status=to_status, by=user, comment=comment
    )
    history_record(
        plan=plan,
        user=user,
        summary=_("Status: %(from)s → %(to)s")
        % {"from": from_status.label, "to": PlanStatus(to_status).label},
        changes=[{"field": _("comment"), "before": "", "after": comment}] if comment else [],
    )
    _sync_commune_stage(plan)
    return plan


@transaction.atomic
def plan_deliberation_file_attach(*, plan: ActionPlan, file, user) -> ActionPlan:
    """The signed deliberation often arrives after the vote: it may be attached to an adopted plan."""
    if not plan.is_adopted:
        raise ValidationError(_("Record the deliberation first."))
    plan.deliberation_file = file
    plan.save(update_fields=["deliberation_file", "updated_at"])
    history_record(plan=plan, user=user, summary=_("Signed deliberation attached"))
    return plan


@transaction.atomic
def plan_new_version(*, plan: ActionPlan, user) -> ActionPlan:
    """Starts a draft from an adopted plan with its axes and actions; the adopted one stays as it was."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_adopted:
        raise ValidationError(_("Only an adopted plan can be the basis of a new version."))
    if ActionPlan.objects.filter(previous_version=plan).exists():
        raise ValidationError(_("A newer version of this plan already exists."))
    if plan.commune.action_plans.exclude(status__in=ADOPTED_STATUSES).exists():
        raise ValidationError(_("This commune already has a plan in preparation."))
    version = plan.commune.action_plans.aggregate(last=Max("version"))["last"] + 1
    new = ActionPlan.objects.create(
        commune=plan.commune,
        title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        version=version,
        previous_version=plan,
    )
    axes = {}
    # Parents before children: top-level axes first (NULLs sort last on PostgreSQL unless told).
    for axis in plan.axes.order_by(F("parent_id").asc(nulls_first=True), "pk"):
        axes[axis.pk] = PlanAxis.objects.create(
            plan=new, parent=axes.get(axis.parent_id), title=axis.title, order=axis.order
        )
    actions = list(plan.actions.prefetch_related("milestones", "budget_lines", "cofunders"))
    milestones, budget_lines, cofunders = [], [], []
    for action in actions:
        children = (
            list(action.milestones.all()),
            list(action.budget_lines.all()),
            list(action.cofunders.all()),
        )
        action.pk, action._state.adding = None, True
        action.plan, action.axis = new, axes.get(action.axis_id)
        action.revision, action.updated_at, action.updated_by = 1, timezone.now(), user
        action.save()
        for rows, target in zip(children, (milestones, budget_lines, cofunders), strict=True):
            for row in rows:
                row.pk, row._state.adding, row.action = None, True, action
                target.append(row)
    Milestone.objects.bulk_create(milestones)
    BudgetLine.objects.bulk_create(budget_lines)
    CoFunder.objects.bulk_create(cofunders)
    history_record(
        plan=new,
        user=user,
        summary=_("Version %(version)d started from version %(previous)d, with its %(count)d actions")
        % {"version": version, "previous": plan.version, "count": len(actions)},
    )
    _sync_commune_stage(new)
    return new


@transaction.atomic
def axis_save(*, axis: PlanAxis, user) -> PlanAxis:
    _ensure_editable(axis.plan)
    if axis.parent_id and axis.parent.plan_id != axis.plan_id:
        raise ValidationError({"parent": _("The parent axis belongs to another plan.")})
    created = axis.pk is None
    axis.full_clean()
    axis.save()
    history_record(
        plan=axis.plan,
        user=user,
        summary=(_("Axis added: %(title)s") if created else _("Axis edited: %(title)s"))
        % {"title": axis.title},
    )
    return axis


@transaction.atomic
def axis_delete(*, axis: PlanAxis, user) -> None:
    _ensure_editable(axis.plan)
    history_record(plan=axis.plan, user=user, summary=_("Axis deleted: %(title)s") % {"title": axis.title})
    axis.delete()


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
ACTION_FIELDS = ACTION_CONTENT_FIELDS + sorted(FOLLOW_UP_FIELDS)


@dataclass
class ActionConflict(Exception):
    """Someone saved the action after the revision the form was built from."""

    entries: list[HistoryEntry]
    current_revision: int


def _check_revision(action: Action, base_revision: int | None) -> None:
    if base_revision is not None and action.revision != base_revision:
        entries = list(
            HistoryEntry.objects.filter(action=action, revision__gt=base_revision).select_related("user")
        )
        raise ActionConflict(entries=entries, current_revision=action.revision)


def _touch(action: Action, user) -> None:
    """Marks the action as updated now, bumping its revision (optimistic locking)."""
    action.revision += 1
    action.updated_at = timezone.now()
    action.updated_by = user
    Action.objects.filter(pk=action.pk).update(
        revision=action.revision, updated_at=action.updated_at, updated_by=user
    )


@transaction.atomic
def action_create(
    *, plan: ActionPlan, data: dict, user, catalogue_action: CatalogueAction | None = None
) -> Action:
    _ensure_editable(plan)
    if catalogue_action is not None and not catalogue_action.is_active:
        raise ValidationError(
            _("“%(title)s” was withdrawn from the catalogue: it can no longer be added to a plan.")
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
    """Saves an edit of an action made from `base_revision`; raises ActionConflict if it is stale."""
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
    _ensure_editable(action.plan)
    history_record(
        plan=action.plan, user=user, summary=_("Action deleted: %(title)s") % {"title": action.title}
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


@transaction.atomic
def action_planning_save(*, action: Action, rows: PlanningRows, user, base_revision: int | None) -> Action:
    """Saves milestones, budget lines and co-funders together, checking them against the plan."""
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
                errors.append(_("This plan version was deliberated: rows can no longer be added."))
                continue
            changes.append({"field": _row_label(row), "before": "—", "after": _("added")})
            continue
        previous = type(row).objects.get(pk=row.pk)
        before, after = snapshot(previous, fields), snapshot(row, fields)
        for name in fields:
            if before[name] != after[name]:
                if plan.is_adopted and name not in follow_up:
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
        if plan.is_adopted:
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
        _touch(action, user)
        history_record(
            plan=plan,
            action=action,
            user=user,
            revision=action.revision,
            summary=_("Schedule and budget edited"),
            changes=changes,
        )
    return action


@transaction.atomic
def note_add(*, action: Action, user, text: str, on: date | None = None) -> FollowUpNote:
    note = FollowUpNote(action=action, author=user, text=text.strip(), date=on or timezone.localdate())
    note.full_clean()
    note.save()
    _touch(action, user)
    history_record(
        plan=action.plan,
        action=action,
        user=user,
        revision=action.revision,
        summary=_("Follow-up note added"),
    )
    return note


@transaction.atomic
def awareness_report_add(*, report: AwarenessReport, user) -> AwarenessReport:
    report.full_clean()
    report.save()
    action = report.action
    _touch(action, user)
    history_record(
        plan=action.plan,
        action=action,
        user=user,
        revision=action.revision,
        summary=_("Awareness follow-up added: %(events)d events, %(people)d people reached")
        % {"events": report.events_held, "people": report.people_reached},
    )
    return report
