"""The targets a territory works to until it sets its own: the national strategy's, set when the territory is
onboarded (communes.onboarding sends `territory_onboarded`, observatory/signals.py answers with this).

The figures are those of French law: the Stratégie nationale bas-carbone (SNBC 2, décret 2020-457) and the
energy code (article L100-4, as the loi énergie-climat of 2019 wrote it): greenhouse-gas emissions −40 % in
2030 against 1990 and carbon neutrality in 2050, which the SNBC reads as gross emissions divided by at least
six (−83.3 %); renewable energy at 33 % of gross final consumption in 2030.

The law measures final energy consumption against 2012 (−20 % in 2030, −50 % in 2050) and emissions against
1990; a target row has one reference year for all its figures and a territory one row per target year, so
the default rows carry the emission and renewable targets (against 1990) and no consumption target: a
territory's officer adds its own (observatory targets page) when it adopts them."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from communes.importers import GRENOBLE_METROPOLE
from communes.models import Territory
from pcl import formatting

from .models import Basis, Target
from .services import metro_targets_load

NATIONAL_REFERENCE_YEAR = 1990
NATIONAL_SOURCE = (
    "Stratégie nationale bas-carbone (SNBC 2) et code de l'énergie (art. L100-4) : "
    "défaut national en attendant les objectifs du territoire"
)
NATIONAL_TARGETS = (
    {"target_year": 2030, "ghg_reduction_pct": Decimal("40"), "renewable_share_pct": Decimal("33")},
    {"target_year": 2050, "ghg_reduction_pct": Decimal("83.3")},
)


@transaction.atomic
def national_targets_set(*, territory: Territory) -> list[Target]:
    """Gives a territory without targets of its own (no commune) the national strategy's, and measures its
    reductions against their reference year (1990); a territory with targets keeps them. Returns the
    targets created."""
    if Target.objects.filter(territory=territory, commune__isnull=True).exists():
        return []
    targets = []
    for figures in NATIONAL_TARGETS:
        target = Target(
            territory=territory,
            reference_year=NATIONAL_REFERENCE_YEAR,
            ghg_basis=Basis.TOTAL,
            consumption_basis=Basis.TOTAL,
            source=NATIONAL_SOURCE,
            **figures,
        )
        target.full_clean()
        target.save()
        targets.append(target)
    if territory.reference_year != NATIONAL_REFERENCE_YEAR:
        territory.reference_year = NATIONAL_REFERENCE_YEAR
        territory.save(update_fields=["reference_year"])
    return targets


@transaction.atomic
def default_targets_set(*, territory: Territory) -> list[Target]:
    """The targets of a territory onboarded without any: Grenoble-Alpes Métropole's own (which the platform
    ships), the national strategy's for any other. Returns the targets created."""
    if Target.objects.filter(territory=territory, commune__isnull=True).exists():
        return []
    if territory.siren == GRENOBLE_METROPOLE["siren"]:
        metro_targets_load(territory)
        return list(Target.objects.filter(territory=territory, commune__isnull=True).order_by("target_year"))
    return national_targets_set(territory=territory)


def national_targets_summary(*, territory: Territory, created: list[Target]) -> str:
    """What the onboarding's summary says of the territory's targets."""
    if not created:
        count = Target.objects.filter(territory=territory, commune__isnull=True).count()
        return _("Targets: the territory's own %(count)d kept (no national default added).") % {
            "count": count
        }
    if any(target.source != NATIONAL_SOURCE for target in created):
        return _("Targets: the territory's own, which the platform ships, for %(years)s.") % {
            "years": ", ".join(str(target.target_year) for target in created)
        }
    parts = []
    for target in created:
        text = _("GHG %(ghg)s in %(year)d against %(reference)d") % {
            "ghg": formatting.percent(-target.ghg_reduction_pct, _decimals(target.ghg_reduction_pct)),
            "year": target.target_year,
            "reference": target.reference_year,
        }
        if target.renewable_share_pct is not None:
            text += ", " + _("renewables at %(share)s of consumption") % {
                "share": formatting.percent(target.renewable_share_pct, _decimals(target.renewable_share_pct))
            }
        parts.append(text)
    return _(
        "Targets: the national strategy's by default (SNBC), until the territory sets its own: %(list)s."
    ) % {"list": "; ".join(parts)}


def _decimals(value: Decimal) -> int:
    return 0 if value == value.to_integral_value() else 1
