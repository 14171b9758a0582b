"""Reads of the catalogue of actions."""

from django.db.models import Count, Q, QuerySet

from ..models import (
    Action,
    CatalogueAction,
)

# --- catalogue ----------------------------------------------------------------------------------


def catalogue_list(
    *, search: str = "", theme_id: int | None = None, target: str = "", include_inactive=False
):
    entries = CatalogueAction.objects.select_related("theme").annotate(
        commune_count=Count("actions__plan__commune", distinct=True)
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
