"""Writes of the plans: creation, edits, the workflow to deliberation, new versions, axes."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction
from accounts.services import audit_record
from communes.models import Commune, Stage
from communes.services import commune_stage_update
from pcl.uploads import PDF, validate_upload

from ..models import (
    ADOPTED_STATUSES,
    ActionPlan,
    BudgetLine,
    CoFunder,
    Milestone,
    PlanAxis,
    PlanStatus,
    PlanTransition,
    ReplacedDeliberation,
)
from ..signals import plan_adopted
from .history import diff, history_record, snapshot

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


# --- plans --------------------------------------------------------------------------------------


def adopted_message(plan: ActionPlan) -> str:
    return _(
        "Version %(version)d of this plan was deliberated by the council: its commitments can no longer "
        "change. Start a new version to amend it."
    ) % {"version": plan.version}


def ensure_editable(plan: ActionPlan) -> None:
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
    ensure_editable(plan)
    before = snapshot(plan, data)
    for name, value in data.items():
        setattr(plan, name, value)
    plan.full_clean()
    outside = BudgetLine.objects.filter(action__plan=plan).exclude(
        year__range=(plan.start_year, plan.end_year)
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
    announce: bool = True,
) -> ActionPlan:
    """Moves the plan one step in its workflow. An adoption is announced to the apps built on plans
    (`actions.signals.plan_adopted`) unless `announce` is False."""
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
        if deliberation_file:
            try:
                deliberation_file_check(deliberation_file)
            except ValidationError as error:
                errors["deliberation_file"] = error.messages
        if errors:
            raise ValidationError(errors)
        plan.deliberation_date = deliberation_date
        plan.deliberation_number = deliberation_number.strip()
        if deliberation_file:
            _deliberation_file_set(plan=plan, file=deliberation_file, user=user)
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
    if announce and to_status == PlanStatus.DELIBERATED:
        # Robust: the adoption is committed; what follows it (the frozen deliberation's job) must not
        # turn its response into an error.
        transaction.on_commit(lambda: plan_adopted.send(sender=ActionPlan, plan=plan, user=user), robust=True)
    return plan


@transaction.atomic
def plan_publish(*, plan: ActionPlan, user, published: bool) -> ActionPlan:
    """Publishes an adopted plan on the public pages, its open data and the anonymous API (`published`),
    or withdraws it. Recorded in the plan's history and the audit log."""
    plan = ActionPlan.objects.select_for_update().select_related("commune").get(pk=plan.pk)
    if published == plan.is_published:
        return plan
    if published and not plan.is_adopted:
        raise ValidationError(_("Only a plan the council adopted can be published."))
    plan.published_at = timezone.now() if published else None
    plan.published_by = user if published else None
    plan.save(update_fields=["published_at", "published_by", "updated_at"])
    summary = _("Published on the public pages") if published else _("Withdrawn from the public pages")
    history_record(plan=plan, user=user, summary=summary)
    audit_record(
        action=AuditAction.PUBLISHED,
        actor=user,
        target=str(plan),
        commune=plan.commune,
        details={"object": "plan", "published": published},
    )
    return plan


DELIBERATION_TYPES = (PDF,)


def deliberation_file_check(file) -> None:
    """A signed deliberation is a PDF by its name and its content, under DELIBERATION_MAX_BYTES."""
    validate_upload(file, allowed=DELIBERATION_TYPES, max_bytes=settings.DELIBERATION_MAX_BYTES)


def _deliberation_file_set(*, plan: ActionPlan, file, user) -> None:
    """Makes `file` the plan's signed deliberation (saved with the plan by the caller). An earlier file
    is never lost: it stays in storage, listed with who replaced it and when."""
    if plan.deliberation_file:
        ReplacedDeliberation.objects.create(plan=plan, file=plan.deliberation_file.name, replaced_by=user)
        history_record(
            plan=plan, user=user, summary=_("Signed deliberation replaced (the earlier file is kept)")
        )
    else:
        history_record(plan=plan, user=user, summary=_("Signed deliberation attached"))
    plan.deliberation_file = file


@transaction.atomic
def plan_deliberation_file_attach(*, plan: ActionPlan, file, user) -> ActionPlan:
    """The signed deliberation often arrives after the vote: it may be attached to an adopted plan,
    or replace the one attached (the earlier file is kept)."""
    plan = ActionPlan.objects.select_for_update().select_related("commune").get(pk=plan.pk)
    if not plan.is_adopted:
        raise ValidationError(_("Record the deliberation first."))
    deliberation_file_check(file)
    _deliberation_file_set(plan=plan, file=file, user=user)
    plan.save(update_fields=["deliberation_file", "updated_at"])
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
                if hasattr(row, "added_after_adoption"):
                    # In the new version every row is a proposal, which its adoption will freeze.
                    row.added_after_adoption = False
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
    ensure_editable(axis.plan)
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
    ensure_editable(axis.plan)
    history_record(plan=axis.plan, user=user, summary=_("Axis deleted: %(title)s") % {"title": axis.title})
    audit_record(
        action=AuditAction.DELETED,
        actor=user,
        target=axis.title,
        commune=axis.plan.commune,
        details={"object": "axis", "id": axis.pk, "plan_id": axis.plan_id},
    )
    axis.delete()
