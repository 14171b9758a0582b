"""Reads that feed the action-plan pages, each in a constant number of queries.

A package: each module answers one family of questions; every public name is importable from
`actions.selectors` as before."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communes import permissions
from communes.models import Role, sort_key
from communes.selectors import commune_people

from ..cache import cached_actions
from ..models import (
    Action,
    ActionPlan,
    CatalogueAction,
    HistoryEntry,
    PlanAxis,
    ReplacedDeliberation,
    Theme,
)
from .budget import (
    BUDGET_KEYS,
    ActionBudget,
    BudgetSummary,
    action_budget,
    plan_budget_summary,
    plan_schedule,
)
from .catalogue import (
    catalogue_entries_for,
    catalogue_entry_for_user,
    catalogue_list,
    catalogue_uses,
    with_commune_counts,
)
from .flags import (
    OPEN_STATUSES,
    STARTED_STATUSES,
    ZERO,
    _overdue_milestones,
    action_is_late,
    action_is_stale,
    completed_filter,
    late_filter,
    stale_cutoff,
    stale_filter,
    started_filter,
    with_flags,
)
from .network import (
    PortfolioPlan,
    TerritoryPlanFigures,
    actions_completed,
    actions_of,
    awareness_reports,
    budget_lines_of,
    budget_lines_of_actions,
    cofunders_of,
    cofunders_of_actions,
    deliberated_plans,
    followed_actions_of,
    followed_budget_lines_of,
    followed_cofunders_of,
    followed_plans_query,
    plan_figures_by_territory,
    plans_deliberated,
    portfolio_plans,
    with_adopted_plan,
)
from .plans import (
    adopted_plan,
    adopted_plans,
    commune_actions,
    commune_plans,
    current_plan,
    current_plans,
    editable_plan_for,
    editable_plans_for,
    followed_actions,
    followed_plan,
    followed_plans,
    plan_by_id,
    plan_can_branch,
    plan_with_actions,
    published_plan,
    published_plan_ids,
    published_plans,
)
from .published import (
    PUBLIC_ACTION_FIELDS,
    action_budget_totals,
    action_counts_by_plan,
    commune_published_versions,
    plan_axes,
    public_action_rows,
    public_milestone_rows,
    published_plan_counts_by_territory,
    published_versions,
)
from .readable import (
    action_filter,
    plan_action_count,
    plan_filter,
    published_or_visible,
    readable_action,
    readable_actions,
    readable_plan,
    readable_plans,
    themes_listed,
)

# --- lookups ------------------------------------------------------------------------------------


def plan_for_user(user, plan_id: int) -> ActionPlan:
    plan = get_object_or_404(ActionPlan.objects.select_related("commune", "previous_version"), pk=plan_id)
    permissions.require_found(permissions.can_view_plan(user, plan))
    return plan


def replaced_deliberations(*, plan: ActionPlan) -> list[ReplacedDeliberation]:
    """The signed deliberations of the plan that later files replaced, the latest replaced first."""
    return list(plan.replaced_deliberations.select_related("replaced_by"))


def replaced_deliberation_for_user(user, plan_id: int, replaced_id: int) -> ReplacedDeliberation:
    """An earlier signed deliberation, for whoever may read its plan (404 otherwise)."""
    plan = plan_for_user(user, plan_id)
    return get_object_or_404(
        ReplacedDeliberation.objects.select_related("plan__commune"), plan=plan, pk=replaced_id
    )


def action_for_user(user, action_id: int) -> Action:
    action = get_object_or_404(
        Action.objects.select_related(
            "plan__commune", "theme", "owner", "axis", "catalogue_action", "updated_by"
        ),
        pk=action_id,
    )
    permissions.require_found(permissions.can_view_plan(user, action.plan))
    return action


# --- the plan page ------------------------------------------------------------------------------


SORTS = {"order": ("order", "pk")}
_FAR = date.max
SORT_KEYS = {
    "title": (lambda a: sort_key(a.title), False),
    "theme": (lambda a: (a.theme.order, a.theme.name), False),
    "status": (lambda a: a.status, False),
    "start": (lambda a: a.start_date or _FAR, False),
    "end": (lambda a: a.end_date or _FAR, False),
    "budget": (lambda a: a.forecast_total, True),
}


@dataclass
class PlanFilters:
    theme: int | None = None
    status: str = ""
    owner: str = ""  # "user:<id>" or "name:<text>"
    origin: str = ""
    flag: str = ""  # "late" or "stale"
    sort: str = "order"


@dataclass
class PlanPage:
    plan: ActionPlan
    actions: list[Action]
    owners: list[tuple[str, str]]
    axes: list[PlanAxis]
    totals: dict = field(default_factory=dict)
    count_all: int = 0


def plan_page(*, plan: ActionPlan) -> PlanPage:
    """Every action of the plan with its flags and totals, in a fixed number of queries: two, or none
    when read since the last change of the actions (cache.py). The flags are set on every read."""
    actions, axes = cached_actions("plan-page", (plan.pk,), lambda: _plan_rows(plan))
    mark_flags(actions)
    owners = sorted(
        {(f"user:{a.owner_id}", a.owner.get_full_name()) for a in actions if a.owner_id}
        | {(f"name:{a.owner_name}", a.owner_name) for a in actions if not a.owner_id and a.owner_name},
        key=lambda pair: pair[1].casefold(),
    )
    return PlanPage(
        plan=plan, actions=actions, owners=owners, axes=axes, totals=_totals(actions), count_all=len(actions)
    )


def _plan_rows(plan: ActionPlan) -> tuple[list[Action], list[PlanAxis]]:
    actions = with_flags(plan.actions.select_related("theme", "owner", "axis")).order_by(*SORTS["order"])
    return list(actions), list(plan.axes.all())


def plan_page_filtered(page: PlanPage, filters: PlanFilters) -> PlanPage:
    """The same page with its actions filtered and sorted (in memory: no query)."""
    shown = [action for action in page.actions if _matches(action, filters)]
    if filters.sort != "order" and filters.sort in SORT_KEYS:
        key, reverse = SORT_KEYS[filters.sort]
        shown.sort(key=key, reverse=reverse)
    page.actions = shown
    page.totals = _totals(shown)
    return page


def _totals(actions: list[Action]) -> dict:
    return {
        "forecast": sum((a.forecast_total for a in actions), Decimal(0)),
        "actual": sum((a.actual_total for a in actions), Decimal(0)),
        "mwh_saved": sum((a.mwh_saved or 0 for a in actions), Decimal(0)),
        "tco2e_avoided": sum((a.tco2e_avoided or 0 for a in actions), Decimal(0)),
        "mwh_renewable": sum((a.mwh_renewable or 0 for a in actions), Decimal(0)),
    }


def _matches(action: Action, filters: PlanFilters) -> bool:
    if filters.theme and action.theme_id != filters.theme:
        return False
    if filters.status and action.status != filters.status:
        return False
    if filters.origin and action.origin != filters.origin:
        return False
    if filters.flag == "late" and not action.is_late:
        return False
    if filters.flag == "stale" and not action.is_stale:
        return False
    if filters.owner:
        kind, _sep, value = filters.owner.partition(":")
        if kind == "user" and str(action.owner_id) != value:
            return False
        if kind == "name" and (action.owner_id or action.owner_name != value):
            return False
    return True


def axis_tree(axes: list[PlanAxis]) -> list[tuple[PlanAxis, int]]:
    """Axes in display order with their depth, from a flat list (no query)."""
    children = defaultdict(list)
    for axis in axes:
        children[axis.parent_id].append(axis)
    ordered = []

    def walk(parent_id, depth):
        for axis in children.get(parent_id, []):
            ordered.append((axis, depth))
            walk(axis.pk, depth + 1)

    walk(None, 0)
    return ordered


# --- what a person has to update ---------------------------------------------------------------


class UpdatePriority:
    """The order of the "to update" list: late actions first, then stale ones, then the rest."""

    LATE = 0
    STALE = 1
    OTHER = 2


TO_UPDATE_RELATED = ("plan__commune", "theme", "owner", "updated_by")


def actions_to_update(*, user) -> QuerySet[Action]:
    """The actions the user keeps up to date, in the followed plans of their communes (those whose
    follow-up goes on: the plan in force, or the one in preparation while none is adopted): every action
    of the communes they advise or are the referent of (their roles), and the actions they are
    responsible for. Each has `priority` (`UpdatePriority`), its flags and its plan, commune, theme and
    last author; late first, then stale, then the rest, each group least recently updated first. A
    queryset to paginate: one query for the plans, then the page's (and its count)."""
    return _actions_to_update(user).select_related(*TO_UPDATE_RELATED)


def actions_to_update_ids(*, user) -> list[int]:
    """The same list as ids, to paginate: sorting every followed action (18,000 for an advisor at
    national scale) then joins nothing; `actions_to_update_rows` reads the page's rows. Sorted once per
    version of the actions and hour (cache.py: the stale ones rank second), for these plans."""
    kept, owned = _plans_to_update(user)
    key = hashlib.sha1(f"{user.pk}|{sorted(kept)}|{sorted(owned)}".encode()).hexdigest()
    return cached_actions(
        "to-update",
        (key,),
        lambda: list(_ranked(user, kept, owned).values_list("pk", flat=True)),
        hourly=True,
    )


def actions_to_update_rows(*, user, ids) -> list[Action]:
    """The actions of these ids (a page of `actions_to_update_ids`), in their order, as
    `actions_to_update` gives them: one query."""
    ids = list(ids)
    rows = _with_priority(Action.objects.filter(pk__in=ids)).select_related(*TO_UPDATE_RELATED)
    by_id = {action.pk: action for action in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _actions_to_update(user) -> QuerySet[Action]:
    return _ranked(user, *_plans_to_update(user))


def _plans_to_update(user) -> tuple[list[int], list[int]]:
    """The followed plans of the communes the user advises or is the referent of (their roles), and
    those of every commune they see, where they may be responsible for actions."""
    commune_ids = None if permissions.is_administrator(user) else list(permissions.commune_roles(user))
    plans = followed_plans(commune_ids=commune_ids, communes=False)
    # From the roles already read: the list sorts every action of them (18,000 for an advisor at
    # national scale) without a join.
    kept = {
        *permissions.communes_with_role(user, Role.ADVISOR),
        *permissions.communes_with_role(user, Role.REFERENT),
    }
    return [plan.pk for commune_id, plan in plans.items() if commune_id in kept], [
        plan.pk for plan in plans.values()
    ]


def _ranked(user, kept_plans: list[int], plans: list[int]) -> QuerySet[Action]:
    followed = Q(plan_id__in=kept_plans) | Q(owner=user, plan_id__in=plans)
    return _with_priority(Action.objects.filter(followed)).order_by("priority", "updated_at", "pk")


def _with_priority(actions: QuerySet[Action]) -> QuerySet[Action]:
    return actions.annotate(has_overdue_milestone=Exists(_overdue_milestones())).annotate(
        priority=Case(
            When(late_filter(), then=Value(UpdatePriority.LATE)),
            When(stale_filter(), then=Value(UpdatePriority.STALE)),
            default=Value(UpdatePriority.OTHER),
            output_field=IntegerField(),
        )
    )


def mark_flags(actions: Iterable[Action]) -> None:
    """Sets `is_late` and `is_stale` on actions annotated with `has_overdue_milestone` (no query)."""
    today, cutoff = timezone.localdate(), stale_cutoff()
    for action in actions:
        action.is_late = action_is_late(action, today=today)
        action.is_stale = action_is_stale(action, cutoff=cutoff)


# --- action page --------------------------------------------------------------------------------


ACTION_PAGE_HISTORY = 20


def action_page(*, action: Action) -> Action:
    """The action with everything its page shows, in a fixed number of queries."""
    action = (
        with_flags(Action.objects.filter(pk=action.pk))
        .select_related("plan__commune", "theme", "owner", "axis", "catalogue_action", "updated_by")
        .prefetch_related(
            "milestones",
            "budget_lines",
            "cofunders",
            "awareness_reports",
            Prefetch("notes", queryset=action.notes.select_related("author")),
            # The latest changes, and one more to know whether the plan's history page has older ones.
            Prefetch(
                "history",
                queryset=HistoryEntry.objects.select_related("user")[: ACTION_PAGE_HISTORY + 1],
                to_attr="recent_history",
            ),
        )
        .get()
    )
    action.is_late = action_is_late(action)
    action.is_stale = action_is_stale(action)
    today = timezone.localdate()
    for milestone in action.milestones.all():
        milestone.is_overdue = milestone.done_on is None and milestone.due_date < today
    return action


def plan_history(*, plan: ActionPlan, action_id: int | None = None) -> QuerySet[HistoryEntry]:
    """The plan's changes, newest first (only one action's when `action_id` is given), to cut into pages."""
    entries = plan.history.select_related("user", "action")
    if action_id is not None:
        entries = entries.filter(action_id=action_id)
    return entries.order_by("-at", "-pk")


@dataclass
class ImportReferences:
    """What an import of actions into a plan names: themes, the plan's axes and action titles, the
    catalogue, the commune's people."""

    themes: list[Theme]
    axes: list[PlanAxis]
    action_titles: list[str]
    catalogue: list[CatalogueAction]
    people: list


def plan_import_references(*, plan: ActionPlan) -> ImportReferences:
    """In 5 queries, whatever the plan's size."""
    return ImportReferences(
        themes=list(Theme.objects.order_by("order", "name")),
        axes=list(plan.axes.order_by("order", "title")),
        action_titles=list(plan.actions.values_list("title", flat=True)),
        catalogue=list(catalogue_entries_for(commune=plan.commune).select_related("theme")),
        people=list(commune_people(commune=plan.commune)),
    )


__all__ = [
    "ACTION_PAGE_HISTORY",
    "ActionBudget",
    "BUDGET_KEYS",
    "BudgetSummary",
    "ImportReferences",
    "OPEN_STATUSES",
    "PlanFilters",
    "PlanPage",
    "PortfolioPlan",
    "SORTS",
    "SORT_KEYS",
    "STARTED_STATUSES",
    "UpdatePriority",
    "ZERO",
    "action_budget",
    "action_for_user",
    "action_is_late",
    "action_is_stale",
    "action_page",
    "actions_completed",
    "actions_of",
    "actions_to_update",
    "adopted_plan",
    "adopted_plans",
    "awareness_reports",
    "axis_tree",
    "budget_lines_of",
    "budget_lines_of_actions",
    "catalogue_entries_for",
    "catalogue_entry_for_user",
    "catalogue_list",
    "catalogue_uses",
    "with_commune_counts",
    "cofunders_of",
    "cofunders_of_actions",
    "commune_actions",
    "commune_plans",
    "completed_filter",
    "current_plan",
    "current_plans",
    "deliberated_plans",
    "editable_plan_for",
    "editable_plans_for",
    "followed_actions",
    "followed_actions_of",
    "followed_budget_lines_of",
    "followed_cofunders_of",
    "followed_plans_query",
    "followed_plan",
    "followed_plans",
    "late_filter",
    "mark_flags",
    "plan_budget_summary",
    "plan_by_id",
    "plan_can_branch",
    "plan_for_user",
    "plan_history",
    "plan_import_references",
    "plan_page",
    "published_plan",
    "published_plan_ids",
    "published_plans",
    "plan_page_filtered",
    "plan_schedule",
    "plan_with_actions",
    "plans_deliberated",
    "portfolio_plans",
    "replaced_deliberation_for_user",
    "replaced_deliberations",
    "stale_cutoff",
    "stale_filter",
    "started_filter",
    "with_adopted_plan",
    "with_flags",
    # The public pages and the open data (published.py).
    "PUBLIC_ACTION_FIELDS",
    "action_budget_totals",
    "action_counts_by_plan",
    "commune_published_versions",
    "plan_axes",
    "public_action_rows",
    "public_milestone_rows",
    "published_plan_counts_by_territory",
    "published_versions",
    # What a person reads through the API (readable.py).
    "action_filter",
    "plan_action_count",
    "plan_filter",
    "published_or_visible",
    "readable_action",
    "readable_actions",
    "readable_plan",
    "readable_plans",
    "themes_listed",
    # The territories compared (the administrator's view).
    "TerritoryPlanFigures",
    "plan_figures_by_territory",
]
