"""The observatory follows its communes: its values name a commune by its INSEE code, and its aggregates
(totals.py) count the communes of each territory and their reference population."""

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communes.models import Commune, CommuneOutline, Territory
from communes.signals import communes_imported, territory_onboarded

from .models import (
    Carrier,
    Dataset,
    ImportBatch,
    Observation,
    ObservationTotal,
    RenewableSource,
    Sector,
    Target,
)
from .national_targets import default_targets_set, national_targets_summary
from .page_cache import pages_changed
from .totals import coverage_refresh, data_changed, totals_rebuild


@receiver(post_save, sender=Commune, dispatch_uid="observatory_commune_code_followed")
def commune_code_followed(sender, instance, created, update_fields=None, **kwargs):
    """When a commune's code is corrected (or changes, as when communes merge), its values follow it;
    when its population changes, its territory's coverage counts the new one; a new commune joins its
    territory's; a commune moving to another territory takes its values to that territory's totals."""
    if created:  # the territory grows: its coverage is counted for the new communes
        _coverage_changed()
        return
    if _territory_moved([instance]) and (update_fields is None or "territory" in update_fields):
        totals_rebuild()
    code_before = getattr(instance, "loaded_insee_code", None)
    code_changed = code_before is not None and code_before != instance.insee_code
    if code_changed and (update_fields is None or "insee_code" in update_fields):
        Observation.objects.filter(commune_id=code_before).update(commune_id=instance.insee_code)
        ObservationTotal.objects.filter(commune_id=code_before).update(commune_id=instance.insee_code)
        instance.loaded_insee_code = instance.insee_code
    else:
        code_changed = False
    population_before = getattr(instance, "loaded_population", instance.population)
    population_changed = population_before != instance.population and (
        update_fields is None or "population" in update_fields
    )
    if population_changed:
        instance.loaded_population = instance.population
    if code_changed or population_changed:
        _coverage_changed()


@receiver(communes_imported, dispatch_uid="observatory_communes_imported")
def communes_imported_counted(sender, communes, **kwargs):
    if _territory_moved(communes):  # an import into a territory moved some: their values follow (rare)
        totals_rebuild()
    else:
        _coverage_changed()


def _territory_moved(communes) -> bool:
    """Whether one of the communes changed territory since it was loaded (and notes the new one)."""
    moved = False
    for commune in communes:
        before = getattr(commune, "loaded_territory_id", commune.territory_id)
        if before != commune.territory_id:
            commune.loaded_territory_id = commune.territory_id
            moved = True
    return moved


@receiver(territory_onboarded, dispatch_uid="observatory_territory_onboarded")
def national_targets_by_default(sender, territory, **kwargs) -> list[str]:
    """A territory onboarded without targets of its own works to the national strategy's meanwhile (the
    Métro to its own, which the platform ships)."""
    created = default_targets_set(territory=territory)
    return [national_targets_summary(territory=territory, created=created)]


@receiver(post_delete, sender=Commune, dispatch_uid="observatory_commune_deleted")
def commune_deleted(sender, instance, **kwargs):
    """The platform's totals leave the commune's values out, as pages do: computed again (rare)."""
    totals_rebuild()


def _coverage_changed() -> None:
    with connection.cursor() as cursor:
        coverage_refresh(cursor)
    data_changed()


def _shown_changed(sender, **kwargs):
    pages_changed()


# What the observatory's pages show beside the figures (page_cache.py).
for model in (
    Commune,
    CommuneOutline,
    Territory,
    Target,
    Dataset,
    ImportBatch,
    Sector,
    Carrier,
    RenewableSource,
):
    post_save.connect(_shown_changed, sender=model, dispatch_uid=f"observatory_pages_saved_{model.__name__}")
    post_delete.connect(
        _shown_changed, sender=model, dispatch_uid=f"observatory_pages_deleted_{model.__name__}"
    )
communes_imported.connect(_shown_changed, dispatch_uid="observatory_pages_communes_imported")
