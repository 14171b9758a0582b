"""Late, stale, started, completed: the one definition of each flag every page and figure reads."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    Action,
    ActionStatus,
    BudgetLine,
    Milestone,
)

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def stale_cutoff():
    return timezone.now() - timedelta(days=settings.STALE_ACTION_DAYS)


# --- the plan page ------------------------------------------------------------------------------


def _budget_sum(field_name: str):
    lines = (
        BudgetLine.objects.filter(action=OuterRef("pk"))
        .values("action")
        .annotate(total=Sum(field_name))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def _overdue_milestones():
    return Milestone.objects.filter(
        action=OuterRef("pk"), done_on__isnull=True, due_date__lt=timezone.localdate()
    )


def with_flags(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Adds `forecast_total`, `actual_total`, `has_overdue_milestone`; `is_late`/`is_stale` read them."""
    return actions.annotate(
        forecast_total=_budget_sum("forecast"),
        actual_total=_budget_sum("actual"),
        has_overdue_milestone=Exists(_overdue_milestones()),
    )


# Statuses of an action that has begun: a planned action has not, an abandoned one may never have.
STARTED_STATUSES = (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.SUSPENDED)


def completed_filter(start: date, end: date, *, today: date | None = None) -> Q:
    """Done in the period: its end date (when past) falls in it; with no end date, or an end date still
    to come (the planned one, never corrected), its last update (the day it was marked done, as far as
    the platform knows) falls in it."""
    today = today or timezone.localdate()
    return Q(status=ActionStatus.DONE) & (
        Q(end_date__range=(start, min(end, today)))
        | (Q(end_date__isnull=True) | Q(end_date__gt=today)) & Q(updated_at__date__range=(start, end))
    )


def started_filter(start: date, end: date, *, today: date | None = None) -> Q:
    """Started in the period: it has begun (in progress, done or suspended; not planned, not abandoned)
    and its start date falls in the period, on or before today. A planned action whose start date falls
    in the period has not started: it is a plan, not a fact."""
    today = today or timezone.localdate()
    return Q(status__in=STARTED_STATUSES, start_date__range=(start, min(end, today)))


# "Late" and "stale", the one definition every page, dashboard, export and document reads.
#
# An action is late when it is still open (planned or in progress: a completed action is never late,
# nor one suspended or abandoned) and a milestone is overdue or its end date has passed, unless someone
# wrote why it is not late (`late_override_reason`). It is stale when it is still open and nobody updated
# it for `STALE_ACTION_DAYS` days. `late_filter` needs the `has_overdue_milestone` annotation
# (`with_flags`); `action_is_late` reads it on an annotated action.


def late_filter(*, today: date | None = None, through: str = "") -> Q:
    """Late actions: of actions annotated with `has_overdue_milestone`; `through` a relation to the
    actions (e.g. "actions" from plans): the actions joined by it, their overdue milestones read by a
    subquery (one pass over the joined actions)."""
    today = today or timezone.localdate()
    prefix = f"{through}__" if through else ""
    overdue = (
        Exists(Milestone.objects.filter(action=OuterRef(through), done_on__isnull=True, due_date__lt=today))
        if through
        else Q(has_overdue_milestone=True)
    )
    return Q(**{f"{prefix}late_override_reason": "", f"{prefix}status__in": OPEN_STATUSES}) & (
        overdue | Q(**{f"{prefix}end_date__lt": today})
    )


def stale_filter() -> Q:
    return Q(updated_at__lt=stale_cutoff(), status__in=OPEN_STATUSES)


def action_is_late(action: Action, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if action.status not in OPEN_STATUSES or action.late_override_reason:
        return False
    return bool(action.has_overdue_milestone or (action.end_date is not None and action.end_date < today))


def action_is_stale(action: Action, *, cutoff: datetime | None = None) -> bool:
    return action.status in OPEN_STATUSES and action.updated_at < (cutoff or stale_cutoff())
