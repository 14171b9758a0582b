"""What a person reads of plans, actions and themes through the API: every published version (the
public selectors: `published_plan_ids`), and, with a token, what the pages let them read (the filters
of communes.permissions). Every list is ordered on a unique key (stable pages)."""

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from communes import permissions

from ..models import Action, ActionPlan, BudgetLine, Milestone, Theme
from .plans import published_plan_ids


def published_or_visible(user, prefix: str, published: Q) -> Q | None:
    """`published`, or what the user's roles let them read of the communes reached through `prefix`
    (None: everything, the administrator). Anonymous and inactive people read `published` only."""
    if not (user.is_authenticated and user.is_active):
        return published
    allowed = permissions.visible_commune_filter(user, prefix)
    return None if allowed is None else published | allowed


def _filtered(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset if condition is None else queryset.filter(condition)


def themes_listed() -> QuerySet[Theme]:
    """Every theme of actions in its order, then by name (the API's `theme` filter takes their ids)."""
    return Theme.objects.order_by("order", "name", "pk")


def _plan_scope(prefix: str, *, territory: int | None, commune: str | None, year: int | None) -> Q:
    """Plans (reached through `prefix`) of a territory's id, a commune's INSEE code, whose period includes a
    year (each None or empty: not filtered)."""
    condition = Q()
    if territory is not None:
        condition &= Q(**{f"{prefix}commune__territory_id": territory})
    if commune:
        condition &= Q(**{f"{prefix}commune__insee_code": commune})
    if year is not None:
        condition &= Q(**{f"{prefix}start_year__lte": year, f"{prefix}end_year__gte": year})
    return condition


def plan_filter(
    *,
    territory: int | None = None,
    commune: str | None = None,
    status: str | None = None,
    year: int | None = None,
) -> Q:
    """The API's filters of plans: a territory's id, a commune's INSEE code, a status, a year the
    plan's period includes (each None or empty: not filtered)."""
    condition = _plan_scope("", territory=territory, commune=commune, year=year)
    return condition & Q(status=status) if status else condition


def readable_plans(user, **filters) -> QuerySet[ActionPlan]:
    """Every published version, and the plans of the communes the user may open, with their commune,
    by commune name, newest version first; `filters` as `plan_filter` takes them."""
    plans = ActionPlan.objects.select_related("commune").order_by("commune__sort_name", "-version", "pk")
    plans = _filtered(plans, published_or_visible(user, "commune", Q(pk__in=published_plan_ids())))
    return plans.filter(plan_filter(**filters)) if filters else plans


def readable_plan(user, plan_id: int) -> ActionPlan:
    """The plan with its axes, or 404 (the same answer whether it does not exist or is not readable)."""
    return get_object_or_404(readable_plans(user).prefetch_related("axes"), pk=plan_id)


def plan_action_count(*, plan: ActionPlan) -> int:
    """How many actions the plan has (one query)."""
    return plan.actions.count()


def action_filter(
    *,
    territory: int | None = None,
    commune: str | None = None,
    plan: int | None = None,
    status: str | None = None,
    theme: int | None = None,
    year: int | None = None,
) -> Q:
    """The API's filters of actions: a territory's id, a commune's INSEE code, a plan's id, a status, a
    theme's id, a year their plan's period includes (each None or empty: not filtered)."""
    condition = _plan_scope("plan__", territory=territory, commune=commune, year=year)
    if plan is not None:
        condition &= Q(plan_id=plan)
    if status:
        condition &= Q(status=status)
    if theme is not None:
        condition &= Q(theme_id=theme)
    return condition


def readable_actions(user, **filters) -> QuerySet[Action]:
    """The actions of the readable plans (`readable_plans`), each with what the API shows of it: a fixed
    number of queries for a page of them (the action, its milestones, its budget lines); `filters` as
    `action_filter` takes them."""
    actions = (
        Action.objects.select_related("plan__commune", "theme", "owner")
        .prefetch_related(
            # Into plain lists (`to_attr`): a related manager per action would cost a queryset clone each.
            Prefetch(
                "milestones", queryset=Milestone.objects.order_by("due_date", "pk"), to_attr="milestone_list"
            ),
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.order_by("year", "kind", "pk"),
                to_attr="budget_line_list",
            ),
        )
        .order_by("plan__commune__sort_name", "-plan__version", "order", "pk")
    )
    actions = _filtered(
        actions, published_or_visible(user, "plan__commune", Q(plan_id__in=published_plan_ids()))
    )
    return actions.filter(action_filter(**filters)) if filters else actions


def readable_action(user, action_id: int) -> Action:
    """A readable action (`readable_actions`), or 404 (the same answer whether it does not exist or is
    not readable)."""
    return get_object_or_404(readable_actions(user), pk=action_id)
