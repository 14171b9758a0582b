"""Reads of the catalogue of actions."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from communes import permissions

from ..models import (
    Action,
    CatalogueAction,
)

# --- catalogue ----------------------------------------------------------------------------------


def catalogue_list(
    *,
    search: str = "",
    theme_id: int | None = None,
    target: str = "",
    include_inactive=False,
    territory_ids=(),
) -> QuerySet[CatalogueAction]:
    """The catalogue's entries: the shared ones and those of `territory_ids` (None: of every territory,
    the administrator's; empty: the shared ones only). `with_commune_counts` adds how many communes use
    each entry of the page shown."""
    entries = CatalogueAction.objects.select_related("theme", "territory")
    if territory_ids is not None:
        entries = entries.filter(Q(territory__isnull=True) | Q(territory_id__in=sorted(territory_ids)))
    if not include_inactive:
        entries = entries.filter(is_active=True)
    if search:
        entries = entries.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if theme_id:
        entries = entries.filter(theme_id=theme_id)
    if target:
        entries = entries.filter(target=target)
    return entries.order_by("theme__order", "title")


def with_commune_counts(entries, *, uses_filter: Q | None = None) -> list[CatalogueAction]:
    """The entries (a page of them), each with `commune_count`: the communes whose plans use it, only
    those of `uses_filter` when given (a filter on actions: a person counts the uses of their
    territories, never another territory's). One query grouped over the uses of these entries only: a
    subquery per entry made PostgreSQL join every commune of the reader's territories once per entry
    (900 ms for an advisor following communes of hundreds of territories)."""
    entries = list(entries)
    if not entries:
        return entries
    uses = Action.objects.filter(catalogue_action__in=[entry.pk for entry in entries])
    if uses_filter is not None:
        uses = uses.filter(uses_filter)
    counts = dict(
        uses.order_by()
        .values("catalogue_action")
        .annotate(count=Count("plan__commune", distinct=True))
        .values_list("catalogue_action", "count")
    )
    for entry in entries:
        entry.commune_count = counts.get(entry.pk, 0)
    return entries


def catalogue_entries_for(*, commune) -> QuerySet[CatalogueAction]:
    """The active entries a plan of the commune may draw from: the shared ones and its territory's."""
    return CatalogueAction.objects.filter(
        Q(territory__isnull=True) | Q(territory_id=commune.territory_id), is_active=True
    )


def catalogue_entry_for_user(user, entry_id: int) -> CatalogueAction:
    """A catalogue entry the user may read (404 for an entry of a territory they do not see)."""
    entry = get_object_or_404(CatalogueAction.objects.select_related("theme", "territory"), pk=entry_id)
    permissions.require_found(permissions.can_view_catalogue_entry(user, entry))
    return entry


def catalogue_uses(
    *, entry: CatalogueAction, communes: QuerySet | None = None, uses_filter: Q | None = None
) -> QuerySet[Action]:
    """The plan actions drawn from this catalogue entry, with their commune (only those of `communes`,
    and of `uses_filter`, a filter on actions, when given): a queryset the catalogue page cuts into
    pages."""
    uses = entry.actions.select_related("plan__commune")
    if communes is not None:
        uses = uses.filter(plan__commune__in=communes)
    if uses_filter is not None:
        uses = uses.filter(uses_filter)
    return uses.order_by("plan__commune__sort_name", "-plan__version", "pk")
