"""The observatory's targets: which a territory works to, and each target against the figures (its
reference value, the value to reach, the straight line between them and today's gap to it)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from pcl import formatting

from .models import Basis, Target


@dataclass
class TrajectoryPoint:
    year: int
    target_value: float


@dataclass
class TargetView:
    target: Target
    reference_value: float | None
    target_value: float | None
    latest_year: int | None
    latest_value: float | None
    expected_now: float | None  # on the straight line from the reference year to the target
    gap_pct: float | None  # latest vs expected, in % of the expected value (positive: behind)
    unit: str = ""  # of the values ("t CO2e", "MWh per inhabitant"...), "%" for a share
    # Why the figures are missing, as a sentence ("The reference year 2005 is not covered."), or "".
    reason: str = ""

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    def _value_text(self, value) -> str:
        if self.is_share:
            return formatting.percent(value, 1)
        # Totals in whole units, per-inhabitant values (a few units) with two decimals.
        decimals = 2 if value is not None and abs(value) < 100 else 0
        return formatting.quantity(value, self.unit, decimals)

    @property
    def reference_text(self) -> str:
        return self._value_text(self.reference_value)

    @property
    def target_text(self) -> str:
        return self._value_text(self.target_value)

    @property
    def latest_text(self) -> str:
        return self._value_text(self.latest_value)

    @property
    def expected_text(self) -> str:
        return self._value_text(self.expected_now)

    @property
    def gap_text(self) -> str:
        if self.is_share:
            return formatting.points(self.gap_pct)
        return formatting.percent(self.gap_pct, 1, signed=True)

    @property
    def is_behind(self) -> bool:
        if self.gap_pct is None:
            return False
        return self.gap_pct < 0 if self.is_share else self.gap_pct > 0


def territory_targets(*, commune=None, territory_id: int | None = None) -> list[Target]:
    """The targets a territory works to: a commune's own, else its territory's (those of the territory's
    climate plan, or the national defaults set when it was onboarded). One or two queries."""
    if commune is not None:
        own = list(Target.objects.filter(commune=commune).order_by("target_year"))
        if own:
            return own
        territory_id = commune.territory_id
    return list(
        Target.objects.filter(territory_id=territory_id, commune__isnull=True).order_by("target_year")
    )


def _missing_reason(view, item: TargetView, values: dict[int, float]) -> str:
    """Why a target's row lacks figures, as a sentence; "" when it has them all."""
    reference_year = item.target.reference_year
    if item.reference_value is None:
        if reference_year in view.partial_years:
            message = _("The reference year %(year)s covers only part of the territory.")
            return message % {"year": reference_year}
        return _("No value for the reference year %(year)s.") % {"year": reference_year}
    if not values or item.latest_year == reference_year:
        if view.partial_years:
            return _("No year after %(year)s covers the whole territory yet.") % {"year": reference_year}
        return _("No value after the reference year %(year)s yet.") % {"year": reference_year}
    return ""


def _latest(values: dict[int, float]) -> tuple[int | None, float | None]:
    if not values:
        return None, None
    year = max(values)
    return year, values[year]


def _line(start_year, start_value, end_year, end_value, year) -> float:
    return start_value + (end_value - start_value) * (year - start_year) / (end_year - start_year)


def _reduction_view(target: Target, values: dict[int, float], reduction: Decimal) -> TargetView:
    reference = values.get(target.reference_year)
    latest_year, latest_value = _latest(values)
    target_value = reference * (1 - float(reduction) / 100) if reference is not None else None
    expected = gap = None
    # No gap from the reference year to itself: a trajectory needs a later year.
    if reference is not None and latest_year is not None and latest_year != target.reference_year:
        year = min(latest_year, target.target_year)
        expected = _line(target.reference_year, reference, target.target_year, target_value, year)
        gap = 100 * (latest_value - expected) / expected if expected else None
    return TargetView(target, reference, target_value, latest_year, latest_value, expected, gap)


def _share_view(target: Target, shares: dict[int, float]) -> TargetView:
    reference = shares.get(target.reference_year)
    latest_year, latest_value = _latest(shares)
    target_value = float(target.renewable_share_pct)
    expected = gap = None
    if reference is not None and latest_year is not None and latest_year != target.reference_year:
        year = min(latest_year, target.target_year)
        expected = _line(target.reference_year, reference, target.target_year, target_value, year)
        gap = latest_value - expected  # in points of share: negative is behind
    return TargetView(target, reference, target_value, latest_year, latest_value, expected, gap)


def trajectory(view, values: dict[int, float], targets: list[TargetView]) -> list[tuple]:
    """The straight line from the reference value through each target: [(year, value), ...]."""
    reference = values.get(view.reference_year)
    if reference is None:
        return []
    points = [(view.reference_year, reference)]
    points += [(t.target.target_year, t.target_value) for t in targets if t.target_value is not None]
    return points


def target_views(view, target: Target) -> None:
    """The target's rows against the territory's figures (a selectors.TerritoryObservatory), added to
    the view's GHG, consumption and renewable targets."""
    if target.ghg_reduction_pct is not None:
        total = target.ghg_basis == Basis.TOTAL
        values = view.emissions.totals if total else view.per_inhabitant(view.emissions)
        item = _reduction_view(target, values, target.ghg_reduction_pct)
        item.unit = "t CO2e" if total else _("t CO2e per inhabitant")
        item.reason = _missing_reason(view, item, values)
        view.ghg_targets.append(item)
    if target.consumption_reduction_pct is not None:
        total = target.consumption_basis == Basis.TOTAL
        values = view.consumption.totals if total else view.per_inhabitant(view.consumption)
        item = _reduction_view(target, values, target.consumption_reduction_pct)
        item.unit = "MWh" if total else _("MWh per inhabitant")
        item.reason = _missing_reason(view, item, values)
        view.consumption_targets.append(item)
    if target.renewable_share_pct is not None:
        item = _share_view(target, view.renewable_share)
        item.unit = "%"
        item.reason = _missing_reason(view, item, view.renewable_share)
        view.renewable_targets.append(item)
