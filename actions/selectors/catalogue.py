"""Reads of the catalogue of actions."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import (
    Action,
    CatalogueAction,
)

# --- catalogue ----------------------------------------------------------------------------------


def catalogue_list(
    *, search: str = "", theme_id: int | None = None, target: str = "", include_inactive=False
):
    # How many communes use each entry, as a subquery per entry rather than a join grouped over every
    # action of the platform: PostgreSQL computes it for the page's entries only, after the sort and the
    # limit, and the pager's count leaves it out.
    communes = (
        Action.objects.filter(catalogue_action=OuterRef("pk"))
        .order_by()
        .values("catalogue_action")
        .annotate(count=Count("plan__commune", distinct=True))
        .values("count")
    )
    entries = CatalogueAction.objects.select_related("theme").annotate(
        commune_count=Coalesce(Subquery(communes, output_field=IntegerField()), 0)
    )
    if not include_inactive:
        entries = entries.filter(is_active=True)
    if search:
        entries = entries.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if theme_id:
        entries = entries.filter(theme_id=theme_id)
    if target:
        entries = entries.filter(target=target)
    return entries.order_by("theme__order", "title")


def catalogue_uses(*, entry: CatalogueAction, communes: QuerySet | None = None) -> QuerySet[Action]:
    """The plan actions drawn from this catalogue entry, with their commune (only those of `communes`
    when given): a queryset the catalogue page cuts into pages."""
    uses = entry.actions.select_related("plan__commune")
    if communes is not None:
        uses = uses.filter(plan__commune__in=communes)
    return uses.order_by("plan__commune__sort_name", "-plan__version", "pk")
