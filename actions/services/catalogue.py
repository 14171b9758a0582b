"""Writes of the catalogue of standard actions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditAction
from accounts.services import audit_record
from communes.models import managed_list_load

from .. import catalogue_data
from ..models import (
    CatalogueAction,
    Theme,
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
    managed_list_load(theme_model, catalogue_data.THEMES)
    themes = {theme.code: theme for theme in theme_model.objects.all()}
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
def catalogue_action_delete(*, entry: CatalogueAction, user) -> None:
    used = entry.actions.count()
    if used:
        raise ValidationError(
            _(
                "“%(title)s” is used by %(count)d actions of commune plans: it cannot be deleted. "
                "Withdraw it from the catalogue instead (untick “offered to communes”)."
            )
            % {"title": entry.title, "count": used}
        )
    audit_record(
        action=AuditAction.DELETED,
        actor=user,
        target=entry.title,
        details={"object": "catalogue_entry", "id": entry.pk},
    )
    entry.delete()
