"""What a person reads through the API: the published data (the public selectors: `published_plan_ids`,
`open_datasets`, `published_letters`), and, with a token, what the pages let them read (the filters of
communes.permissions). Every list is ordered on a unique key (stable pages)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from actions.models import Action, ActionPlan, BudgetLine, Milestone, Theme
from actions.selectors import published_plan_ids
from communes import permissions
from communes.models import Commune, Territory
from observatory.models import Dataset
from observatory.selectors import open_datasets
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from reporting.models.documents import PLAN_KINDS
from reporting.selectors import published_letters


def _published_or(user, prefix: str, published: Q) -> Q | None:
    """`published`, or what the user's roles let them read (None: everything, the administrator)."""
    if not (user.is_authenticated and user.is_active):
        return published
    allowed = permissions.visible_commune_filter(user, prefix)
    return None if allowed is None else published | allowed


def _filtered(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset if condition is None else queryset.filter(condition)


# --- reference data (public: names, codes and populations of the official registers) ----------------


def territories() -> QuerySet[Territory]:
    return Territory.objects.order_by("name", "pk")


def communes(*, territory_id: int | None = None) -> QuerySet[Commune]:
    communes = Commune.objects.select_related("epci").order_by("sort_name", "insee_code")
    return communes if territory_id is None else communes.filter(territory_id=territory_id)


def themes() -> QuerySet[Theme]:
    return Theme.objects.order_by("order", "name", "pk")


# --- plans and actions -----------------------------------------------------------------------------


def readable_plans(user) -> QuerySet[ActionPlan]:
    """Every published version, and the plans of the communes the user may open."""
    plans = ActionPlan.objects.select_related("commune").order_by("commune__sort_name", "-version", "pk")
    return _filtered(plans, _published_or(user, "commune", Q(pk__in=published_plan_ids())))


def plan_filter(
    *,
    territory: int | None = None,
    commune: str | None = None,
    status: str | None = None,
    year: int | None = None,
) -> Q:
    condition = Q()
    if territory is not None:
        condition &= Q(commune__territory_id=territory)
    if commune:
        condition &= Q(commune__insee_code=commune)
    if status:
        condition &= Q(status=status)
    if year is not None:
        condition &= Q(start_year__lte=year, end_year__gte=year)
    return condition


def readable_plan(user, plan_id: int) -> ActionPlan:
    """The plan with its axes, or 404 (the same answer whether it does not exist or is not readable)."""
    return get_object_or_404(readable_plans(user).prefetch_related("axes"), pk=plan_id)


def readable_actions(user) -> QuerySet[Action]:
    """The actions of the readable plans, each with what the API shows of it: a fixed number of queries
    for a page of them (the action, its milestones, its budget lines)."""
    actions = (
        Action.objects.select_related("plan__commune", "theme", "owner")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("year", "kind", "pk")),
        )
        .order_by("plan__commune__sort_name", "-plan__version", "order", "pk")
    )
    return _filtered(actions, _published_or(user, "plan__commune", Q(plan_id__in=published_plan_ids())))


def action_filter(
    *,
    territory: int | None = None,
    commune: str | None = None,
    plan: int | None = None,
    status: str | None = None,
    theme: int | None = None,
    year: int | None = None,
) -> Q:
    condition = Q()
    if territory is not None:
        condition &= Q(plan__commune__territory_id=territory)
    if commune:
        condition &= Q(plan__commune__insee_code=commune)
    if plan is not None:
        condition &= Q(plan_id=plan)
    if status:
        condition &= Q(status=status)
    if theme is not None:
        condition &= Q(theme_id=theme)
    if year is not None:
        condition &= Q(plan__start_year__lte=year, plan__end_year__gte=year)
    return condition


# --- observatory -----------------------------------------------------------------------------------


def readable_datasets(user, *, territory_id: int | None = None) -> QuerySet[Dataset]:
    """The open datasets, and those of the observatories the user reads (a territory's own and the
    shared ones, demonstration data included, as the pages show them)."""
    public = Q(pk__in=open_datasets(territory_id=territory_id).values("pk"))
    condition: Q | None = public
    if user.is_authenticated and permissions.can_view_observatory(user):
        territories = permissions.visible_territory_ids(user)
        if territories is None:
            condition = None
        else:
            condition = public | Q(territory__isnull=True) | Q(territory_id__in=sorted(territories))
    datasets = _filtered(Dataset.objects.order_by("priority", "name", "pk"), condition)
    if territory_id is not None:
        datasets = datasets.filter(Q(territory__isnull=True) | Q(territory_id=territory_id))
    return datasets


def readable_dataset(user, *, code: str, territory_id: int) -> Dataset:
    """A dataset of the territory's observatory the user may read: open, or theirs (404 otherwise)."""
    dataset = get_object_or_404(Dataset, code=code)
    if dataset.territory_id not in (None, territory_id):
        raise Http404
    if dataset.is_open and not dataset.is_demo:
        return dataset
    permissions.require_found(permissions.can_view_observatory(user, territory_id))
    return dataset


# --- documents -------------------------------------------------------------------------------------


def _public_documents() -> Q:
    """The adopted (frozen) deliberation files of the published plans and the published letters."""
    adopted = Q(plan_id__in=published_plan_ids(), is_frozen=True, kind__in=PLAN_KINDS)
    letters = Q(kind=DocumentKind.LETTER, letter_id__in=published_letters().values("pk"))
    return (adopted | letters) & Q(status=DocumentStatus.DONE)


def readable_documents(user) -> QuerySet[GeneratedDocument]:
    documents = GeneratedDocument.objects.with_audience().select_related("commune")
    condition: Q | None = _public_documents()
    if user.is_authenticated and user.is_active:
        allowed = permissions.visible_documents_filter(user)
        condition = None if allowed is None else condition | allowed
    return _filtered(documents, condition).order_by("-created_at", "-pk")
