"""The yearly evaluation report of a commune and of the network (PDF).

What the year brought: actions completed, started, in progress and late; money forecast and spent;
expected and achieved impacts; what moved in the observatory; the awareness campaigns' results; the
working groups' meetings; for the network, the plans deliberated.

What "in the year" means, since the platform keeps today's state of an action and not its past ones:
- an action is *completed* in the year when it is done and its end date falls in the year (or, with
  no end date or one still to come, when it was last updated in the year: `completed_filter`);
- *launched* (started) in the year when it has begun (in progress, done or suspended) and its start
  date falls in the year, on or before the day of the report: a planned action whose start date falls
  in the year is not listed, nor an abandoned one (`started_filter`);
- *in progress* and *late* are the statuses on the day the report is made (the report says so), of
  the actions that had started by the end of the year (or carry no start date): an action starting
  after the year was not in progress in it;
- money, awareness reports, meetings and deliberations are those dated in the year, up to the day of
  the report;
- co-funding carries no date: the amounts of the plan's actions are given, by status;
- the observatory compares the latest year available up to the report's year with the year before it
  and with the reference year (2005).

The actions read are those of each commune's current plan: its latest adopted version, or its latest
version when none is adopted yet (an earlier version's actions were carried over to the newer one).
Every part is read for all the communes at once: the network report costs the same number of queries
for 3 communes as for 49.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from actions import selectors as actions_selectors
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetKind,
    CoFunder,
    CoFunderStatus,
)
from actions.selectors import action_is_late, completed_filter, started_filter, with_flags
from communes import selectors as communes_selectors
from communes.models import Commune, Stage
from observatory import charts
from observatory import selectors as observatory_selectors
from observatory.models import Basis, Dataset
from pcl.formatting import DASH, year_label
from workgroups import selectors as workgroups_selectors
from workgroups.models import Meeting
from workgroups.selectors import regularity_by_commune

from ..pdf import template_to_pdf
from ..print_charts import figure_svg
from . import Rendered

ZERO = Decimal(0)
IMPACTS = [
    # (expected field, achieved field, key)
    ("mwh_saved", "achieved_mwh_saved", "energy_saved"),
    ("tco2e_avoided", "achieved_tco2e_avoided", "emissions_avoided"),
    ("mwh_renewable", "achieved_mwh_renewable", "renewable_production"),
]


def _labels() -> dict[str, tuple[str, str]]:
    """Labels and units of the report's quantities, in the language of the report."""
    return {
        "energy_saved": (_("Energy saved"), _("MWh/year")),
        "emissions_avoided": (_("Emissions avoided"), _("t CO2e/year")),
        "renewable_production": (_("Renewable production"), _("MWh/year")),
        "consumption": (_("Final energy consumption"), "MWh"),
        "consumption_per_inhabitant": (_("Consumption per inhabitant"), _("MWh/inhab.")),
        "emissions": (_("Greenhouse-gas emissions"), "t CO2e"),
        "emissions_per_inhabitant": (_("Emissions per inhabitant"), _("t CO2e/inhab.")),
        "production": (_("Renewable production"), "MWh"),
        "renewable_share": (_("Renewable share of consumption"), "%"),
        "ghg": (_("Greenhouse-gas emissions"), ""),
        "renewable": (_("Renewable share of consumption"), "%"),
    }


CHART_WIDTH = 640


# --- what the report holds -----------------------------------------------------------------------


@dataclass
class Money:
    forecast: Decimal = ZERO
    actual: Decimal = ZERO

    def add(self, forecast, actual) -> None:
        self.forecast += forecast or ZERO
        self.actual += actual or ZERO

    @property
    def rate(self) -> float | None:
        """What was spent, in % of the forecast."""
        return float(100 * self.actual / self.forecast) if self.forecast else None


@dataclass
class Spending:
    total: Money
    investment: Money
    operating: Money
    by_theme: list[tuple[str, Money]]
    by_commune: dict[int, Money]
    by_action: dict[int, Money]
    cofunding_by_status: list[tuple[str, Decimal, int]]  # (status label, amount, count)
    cofunding_by_commune: dict[int, Decimal]  # received
    cofunding_received: Decimal
    cofunders_received: list[CoFunder]


@dataclass
class ImpactRow:
    label: str
    unit: str
    expected: Decimal
    achieved: Decimal
    expected_completed: Decimal
    achieved_completed: Decimal


@dataclass
class ActionsPart:
    plans: dict[int, ActionPlan]  # by commune id
    actions: list[Action]
    completed: list[Action]
    started: list[Action]
    in_progress: list[Action]
    late: list[Action]
    by_commune: dict[int, dict[str, int]]


@dataclass
class IndicatorRow:
    label: str
    unit: str
    decimals: int
    reference: float | None
    previous: float | None
    latest: float | None
    is_share: bool = False

    def _change(self, before) -> float | None:
        if before is None or self.latest is None:
            return None
        if self.is_share:
            return self.latest - before  # in points
        return 100 * (self.latest - before) / before if before else None

    @property
    def change_previous(self) -> float | None:
        return self._change(self.previous)

    @property
    def change_reference(self) -> float | None:
        return self._change(self.reference)


@dataclass
class TargetRow:
    key: str  # ghg, consumption, renewable
    label: str
    unit: str
    decimals: int
    target_year: int
    basis: str
    reduction_pct: Decimal | None
    reference: float | None
    target_value: float | None
    latest_year: int | None
    latest: float | None
    expected: float | None
    gap: float | None  # reductions: % above the straight line (positive: behind); share: points

    @property
    def reduction(self) -> Decimal | None:
        """The reduction aimed at, as a change: 14 → −14."""
        return -self.reduction_pct if self.reduction_pct is not None else None


@dataclass
class ObservatoryPart:
    dataset: Dataset | None
    reference_year: int
    year: int | None  # the latest year available up to the report's year
    previous_year: int | None
    estimated_years: set[int]
    indicators: list[IndicatorRow]
    targets: list[TargetRow]
    emissions_figure: dict | None
    emissions_unit: str
    consumption_figure: dict | None
    provenance: list
    communes: list = field(default_factory=list)  # the network's comparison rows
    # The years up to the report's covering part of the territory (observatory.coverage.YearCoverage):
    # left out of the totals above, named so that the report says why.
    partial_coverages: list = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return bool(self.dataset and self.dataset.is_demo)

    def label(self, year) -> str:
        return DASH if year is None else year_label(year, self.estimated_years)

    @property
    def year_label(self) -> str:
        return self.label(self.year)

    @property
    def previous_label(self) -> str:
        return self.label(self.previous_year)


@dataclass
class AwarenessPart:
    reports: list[AwarenessReport]
    events: int
    people: int
    by_commune: dict[int, tuple[int, int, int]]  # (reports, events, people)


@dataclass
class MeetingsPart:
    meetings: list[Meeting]
    decision_count: int
    by_commune: dict[int, tuple[int, int]]  # (meetings, decisions)
    regularity: dict  # commune id -> Regularity (network only)
    quiet: list[Commune]
    silent_in_year: list[Commune]


# --- reads -------------------------------------------------------------------------------------


def actions_part(*, plans: dict[int, ActionPlan], year: int) -> ActionsPart:
    first_day, last_day = date(year, 1, 1), date(year, 12, 31)
    actions = list(
        with_flags(actions_selectors.actions_of(plans=plans.values()))
        .annotate(
            completed_in_year=ExpressionWrapper(
                completed_filter(first_day, last_day), output_field=BooleanField()
            ),
            started_in_year=ExpressionWrapper(
                started_filter(first_day, last_day), output_field=BooleanField()
            ),
        )
        .select_related("theme", "plan__commune")
        .order_by("plan__commune__sort_name", "order", "pk")
    )
    part = ActionsPart(plans, actions, [], [], [], [], {})
    for action in actions:
        action.is_late = action_is_late(action)
        begun_by_year_end = action.start_date is None or action.start_date <= last_day
        counts = part.by_commune.setdefault(
            action.plan.commune_id, {"completed": 0, "started": 0, "in_progress": 0, "late": 0, "total": 0}
        )
        counts["total"] += 1
        if action.completed_in_year:
            part.completed.append(action)
            counts["completed"] += 1
        if action.started_in_year:
            part.started.append(action)
            counts["started"] += 1
        if action.status == ActionStatus.IN_PROGRESS and begun_by_year_end:
            part.in_progress.append(action)
            counts["in_progress"] += 1
        if action.is_late and begun_by_year_end:
            part.late.append(action)
            counts["late"] += 1
    return part


def spending_part(*, actions: list[Action], year: int) -> Spending:
    """Budget lines of the year (two queries: the lines, the co-funders)."""
    by_id = {action.pk: action for action in actions}
    total, investment, operating = Money(), Money(), Money()
    themes: dict[tuple, Money] = {}
    by_commune: dict[int, Money] = {}
    by_action: dict[int, Money] = {}
    for line in actions_selectors.budget_lines_of_actions(action_ids=by_id, year=year).values(
        "action_id", "kind", "forecast", "actual"
    ):
        action = by_id[line["action_id"]]
        forecast, actual = line["forecast"], line["actual"]
        total.add(forecast, actual)
        (investment if line["kind"] == BudgetKind.INVESTMENT else operating).add(forecast, actual)
        themes.setdefault((action.theme.order, action.theme.name), Money()).add(forecast, actual)
        by_commune.setdefault(action.plan.commune_id, Money()).add(forecast, actual)
        by_action.setdefault(action.pk, Money()).add(forecast, actual)
    for action in actions:
        action.year_money = by_action.get(action.pk)
    cofunders = list(actions_selectors.cofunders_of_actions(action_ids=by_id).order_by("name", "pk"))
    statuses: dict[str, list] = {status: [ZERO, 0] for status in CoFunderStatus.values}
    cofunding_by_commune: dict[int, Decimal] = {}
    received = []
    for cofunder in cofunders:
        cofunder.action = by_id[cofunder.action_id]  # already read: no query per co-funder
        statuses[cofunder.status][0] += cofunder.amount
        statuses[cofunder.status][1] += 1
        if cofunder.status == CoFunderStatus.RECEIVED:
            received.append(cofunder)
            commune_id = cofunder.action.plan.commune_id
            cofunding_by_commune[commune_id] = cofunding_by_commune.get(commune_id, ZERO) + cofunder.amount
    return Spending(
        total=total,
        investment=investment,
        operating=operating,
        by_theme=[(name, money) for (_order, name), money in sorted(themes.items())],
        by_commune=by_commune,
        by_action=by_action,
        cofunding_by_status=[
            (CoFunderStatus(status).label, amount, count)
            for status, (amount, count) in statuses.items()
            if count
        ],
        cofunding_by_commune=cofunding_by_commune,
        cofunding_received=sum(cofunding_by_commune.values(), ZERO),
        cofunders_received=received,
    )


def impacts_part(*, actions: list[Action]) -> list[ImpactRow]:
    """Expected impacts of the plans' actions (abandoned ones left out) against the achieved ones;
    the same for the actions completed in the year. No query."""
    rows, labels = [], _labels()
    for expected_field, achieved_field, key in IMPACTS:
        kept = [action for action in actions if action.status != ActionStatus.ABANDONED]
        completed = [action for action in actions if action.completed_in_year]
        rows.append(
            ImpactRow(
                label=labels[key][0],
                unit=labels[key][1],
                expected=sum((getattr(a, expected_field) or ZERO for a in kept), ZERO),
                achieved=sum((getattr(a, achieved_field) or ZERO for a in actions), ZERO),
                expected_completed=sum((getattr(a, expected_field) or ZERO for a in completed), ZERO),
                achieved_completed=sum((getattr(a, achieved_field) or ZERO for a in completed), ZERO),
            )
        )
    return rows


def _capped(values: dict[int, float], year: int) -> dict[int, float]:
    return {key: value for key, value in values.items() if key <= year}


def _expected_on(reference_year, reference, target_year, target_value, year) -> float | None:
    if reference is None or target_value is None:
        return None
    year = min(year, target_year)
    return reference + (target_value - reference) * (year - reference_year) / (target_year - reference_year)


def _target_rows(view, values_by_key: dict, labels: dict) -> list[TargetRow]:
    """Each target against the straight line from the reference year, at the latest year shown."""
    rows = []
    for key, target_views in (
        ("ghg", view.ghg_targets),
        ("consumption", view.consumption_targets),
        ("renewable", view.renewable_targets),
    ):
        for target_view in target_views:
            target = target_view.target
            basis = {"ghg": target.ghg_basis, "consumption": target.consumption_basis}.get(key, "")
            reduction = {
                "ghg": target.ghg_reduction_pct,
                "consumption": target.consumption_reduction_pct,
            }.get(key)
            quantity, decimals, values = values_by_key[(key, basis)]
            latest_year = max(values) if values else None
            latest = values.get(latest_year) if latest_year else None
            expected = (
                _expected_on(
                    target.reference_year,
                    target_view.reference_value,
                    target.target_year,
                    target_view.target_value,
                    latest_year,
                )
                if latest_year
                else None
            )
            gap = None
            if expected and latest is not None:
                gap = latest - expected if key == "renewable" else 100 * (latest - expected) / expected
            rows.append(
                TargetRow(
                    key=key,
                    label=labels[quantity][0],
                    unit=labels[quantity][1],
                    decimals=decimals,
                    target_year=target.target_year,
                    basis=basis,
                    reduction_pct=reduction,
                    reference=target_view.reference_value,
                    target_value=target_view.target_value,
                    latest_year=latest_year,
                    latest=latest,
                    expected=expected,
                    gap=gap,
                )
            )
    return rows


def observatory_part(
    *, commune_ids, commune: Commune | None, year: int, network: bool = False, territory_id: int | None = None
):
    """What moved in the observatory, up to the report's year (a fixed number of queries), against the
    commune's targets (its own, else its territory's) or the territory's (`territory_id`)."""
    dataset = observatory_selectors.datasets_with_data(commune_ids=commune_ids).first()
    view = observatory_selectors.territory_observatory(
        commune_ids=commune_ids, dataset=dataset, commune=commune, territory_id=territory_id
    )
    estimated = (
        view.consumption.estimated_years | view.emissions.estimated_years | view.production.estimated_years
    )
    consumption = _capped(view.consumption.totals, year)
    emissions = _capped(view.emissions.totals, year)
    production = _capped(view.production.totals, year)
    consumption_per_inhabitant = _capped(view.per_inhabitant(view.consumption), year)
    emissions_per_inhabitant = _capped(view.per_inhabitant(view.emissions), year)
    shares = _capped(view.renewable_share, year)
    years = sorted(set(consumption) | set(emissions))
    latest = years[-1] if years else None
    previous = years[-2] if len(years) > 1 else None
    reference = view.reference_year
    labels = _labels()

    def row(key, decimals, values, is_share=False):
        return IndicatorRow(
            *labels[key],
            decimals,
            values.get(reference),
            values.get(previous) if previous else None,
            values.get(latest) if latest else None,
            is_share,
        )

    indicators = [
        row("consumption", 0, consumption),
        row("consumption_per_inhabitant", 2, consumption_per_inhabitant),
        row("emissions", 0, emissions),
        row("emissions_per_inhabitant", 2, emissions_per_inhabitant),
        row("production", 0, production),
        row("renewable_share", 1, shares, is_share=True),
    ]
    values_by_key = {
        ("ghg", Basis.TOTAL): ("emissions", 0, emissions),
        ("ghg", Basis.PER_INHABITANT): ("emissions_per_inhabitant", 2, emissions_per_inhabitant),
        ("consumption", Basis.TOTAL): ("consumption", 0, consumption),
        ("consumption", Basis.PER_INHABITANT): ("consumption_per_inhabitant", 2, consumption_per_inhabitant),
        ("renewable", ""): ("renewable_share", 1, shares),
    }
    targets = _target_rows(view, values_by_key, labels)
    emissions_figure = consumption_figure = None
    basis = view.ghg_targets[-1].target.ghg_basis if view.ghg_targets else Basis.TOTAL
    unit = "t CO2e" if basis == Basis.TOTAL else _("t CO2e per inhabitant")
    if emissions:
        values = emissions if basis == Basis.TOTAL else emissions_per_inhabitant
        basis_targets = [item for item in view.ghg_targets if item.target.ghg_basis == basis]
        emissions_figure = charts.emissions_against_trajectory(
            view, values, observatory_selectors.trajectory(view, values, basis_targets), unit
        )
    if consumption:
        capped = replace(
            view.consumption,
            years=[y for y in view.consumption.years if y <= year],
            by_part={name: _capped(values, year) for name, values in view.consumption.by_part.items()},
        )
        consumption_figure = charts.stacked_bars(capped, "MWh")
    comparison = []
    if network and dataset is not None and latest is not None:
        communes = communes_selectors.communes_by_ids(commune_ids=commune_ids)
        comparison = observatory_selectors.communes_comparison(
            communes=communes, dataset=dataset, year=latest, reference_year=reference
        )
    return ObservatoryPart(
        dataset=dataset,
        reference_year=reference,
        year=latest,
        previous_year=previous,
        estimated_years=estimated,
        indicators=indicators,
        targets=targets,
        emissions_figure=emissions_figure,
        emissions_unit=unit,
        consumption_figure=consumption_figure,
        provenance=view.provenance,
        communes=comparison,
        partial_coverages=[coverage for coverage in view.partial_coverages if coverage.year <= year],
    )


def awareness_part(*, commune_ids, year: int) -> AwarenessPart:
    """Awareness reports dated in the year, of every plan version's actions (one query)."""
    reports = actions_selectors.awareness_reports(commune_ids=commune_ids, year=year)
    by_commune: dict[int, tuple[int, int, int]] = {}
    for report in reports:
        count, events, people = by_commune.get(report.action.plan.commune_id, (0, 0, 0))
        by_commune[report.action.plan.commune_id] = (
            count + 1,
            events + report.events_held,
            people + report.people_reached,
        )
    return AwarenessPart(
        reports=reports,
        events=sum(report.events_held for report in reports),
        people=sum(report.people_reached for report in reports),
        by_commune=by_commune,
    )


def meetings_part(*, communes: list[Commune], year: int, network: bool = False) -> MeetingsPart:
    """Working-group meetings held in the year with their decisions (two queries); for the network,
    the groups that have gone quiet (one more)."""
    meetings = workgroups_selectors.meetings_held_in(
        commune_ids=[commune.pk for commune in communes], year=year
    )
    by_commune: dict[int, tuple[int, int]] = {}
    for meeting in meetings:
        count, decisions = by_commune.get(meeting.group.commune_id, (0, 0))
        by_commune[meeting.group.commune_id] = (count + 1, decisions + len(meeting.decisions.all()))
    regularity, quiet, silent = {}, [], []
    if network:
        regularity = regularity_by_commune(communes=communes)
        quiet = [commune for commune in communes if regularity[commune.pk].quiet]
        silent = [
            commune
            for commune in communes
            if commune.stage != Stage.NOT_SIGNATORY and commune.pk not in by_commune
        ]
    return MeetingsPart(
        meetings=meetings,
        decision_count=sum(decisions for _count, decisions in by_commune.values()),
        by_commune=by_commune,
        regularity=regularity,
        quiet=quiet,
        silent_in_year=silent,
    )


def deliberations_of_year(*, commune_ids, year: int) -> list[ActionPlan]:
    # A plan counts from the day of the vote: none "deliberated" later in the year, on a date to come.
    return actions_selectors.plans_deliberated(
        start=date(year, 1, 1), end=min(date(year, 12, 31), timezone.localdate()), commune_ids=commune_ids
    )


# --- the two reports ------------------------------------------------------------------------------


def _common(
    *, communes: list[Commune], commune: Commune | None, year: int, network: bool, territory_id: int
) -> dict:
    commune_ids = [c.pk for c in communes]
    plans = actions_selectors.followed_plans(commune_ids=commune_ids)
    actions = actions_part(plans=plans, year=year)
    return {
        "year": year,
        "today": timezone.localdate(),
        "year_in_progress": year >= timezone.localdate().year,
        "actions": actions,
        "spending": spending_part(actions=actions.actions, year=year),
        "impacts": impacts_part(actions=actions.actions),
        "observatory": observatory_part(
            commune_ids=commune_ids, commune=commune, year=year, network=network, territory_id=territory_id
        ),
        "awareness": awareness_part(commune_ids=commune_ids, year=year),
        "meetings": meetings_part(communes=communes, year=year, network=network),
    }


def commune_report_context(*, commune: Commune, year: int) -> dict:
    """Everything the commune's report shows, in a fixed number of queries."""
    context = _common(
        communes=[commune], commune=commune, year=year, network=False, territory_id=commune.territory_id
    )
    context["commune"] = commune
    context["territory"] = commune.territory
    context["plan"] = context["actions"].plans.get(commune.pk)
    context["deliberations"] = deliberations_of_year(commune_ids=[commune.pk], year=year)
    return context


@dataclass
class Detail:
    """What the network report lists one by one, of the communes whose detail its reader reads
    (`shown`), and how many of each it only counts, of the other communes (`hidden_*`): the network
    dashboard shows every commune's figures but opens only the communes one follows."""

    is_partial: bool
    deliberations: list[ActionPlan]
    hidden_deliberations: int
    completed: list[Action]
    hidden_completed: int
    late: list[Action]
    hidden_late: int
    awareness: list[AwarenessReport]
    hidden_awareness: tuple[int, int, int]  # (reports, events, people)


def _detail(*, deliberations, actions: ActionsPart, awareness: AwarenessPart, detail_commune_ids) -> Detail:
    readable = None if detail_commune_ids is None else set(detail_commune_ids)

    def shown(commune_id) -> bool:
        return readable is None or commune_id in readable

    shown_plans = [plan for plan in deliberations if shown(plan.commune_id)]
    completed = [action for action in actions.completed if shown(action.plan.commune_id)]
    late = [action for action in actions.late if shown(action.plan.commune_id)]
    reports = [report for report in awareness.reports if shown(report.action.plan.commune_id)]
    hidden_reports = [report for report in awareness.reports if not shown(report.action.plan.commune_id)]
    return Detail(
        is_partial=readable is not None,
        deliberations=shown_plans,
        hidden_deliberations=len(deliberations) - len(shown_plans),
        completed=completed,
        hidden_completed=len(actions.completed) - len(completed),
        late=late,
        hidden_late=len(actions.late) - len(late),
        awareness=reports,
        hidden_awareness=(
            len(hidden_reports),
            sum(report.events_held for report in hidden_reports),
            sum(report.people_reached for report in hidden_reports),
        ),
    )


def network_report_context(
    *,
    territory,
    year: int,
    communes: list[Commune] | None = None,
    detail_commune_ids: list[int] | None = None,
) -> dict:
    """Everything the territory's network report shows, in the same number of queries whatever the
    number of communes (all the territory's unless `communes` is given). Plan titles, deliberation
    numbers, actions and awareness comments are listed for the communes of `detail_commune_ids` only
    (None: every commune of it; see communes.permissions.network_detail_commune_ids), the others are
    counted."""
    if communes is None:
        communes = communes_selectors.communes_all(territory_id=territory.pk)
    context = _common(communes=communes, commune=None, year=year, network=True, territory_id=territory.pk)
    actions: ActionsPart = context["actions"]
    spending: Spending = context["spending"]
    awareness: AwarenessPart = context["awareness"]
    meetings: MeetingsPart = context["meetings"]
    rows = []
    for commune in communes:
        plan = actions.plans.get(commune.pk)
        regularity = meetings.regularity.get(commune.pk)
        active = commune.pk in meetings.by_commune or commune.pk in awareness.by_commune
        if plan is None and not active and not (regularity and regularity.quiet):
            continue
        rows.append(
            {
                "commune": commune,
                "plan": plan,
                "counts": actions.by_commune.get(commune.pk, {}),
                "money": spending.by_commune.get(commune.pk, Money()),
                "cofunding": spending.cofunding_by_commune.get(commune.pk, ZERO),
                "awareness": awareness.by_commune.get(commune.pk, (0, 0, 0)),
                "meetings": meetings.by_commune.get(commune.pk, (0, 0)),
                "regularity": regularity,
            }
        )
    deliberations = deliberations_of_year(commune_ids=[c.pk for c in communes], year=year)
    context.update(
        {
            "communes": communes,
            "commune_rows": rows,
            "communes_without_plan": [c for c in communes if c.pk not in actions.plans],
            "deliberations": deliberations,
            "detail": _detail(
                deliberations=deliberations,
                actions=actions,
                awareness=awareness,
                detail_commune_ids=detail_commune_ids,
            ),
            "deliberated_total": sum(1 for plan in actions.plans.values() if plan.is_adopted),
            "territory": territory,
        }
    )
    return context


def _charts(context: dict) -> None:
    observatory: ObservatoryPart = context["observatory"]
    context["emissions_svg"] = (
        figure_svg(observatory.emissions_figure, width=CHART_WIDTH) if observatory.emissions_figure else ""
    )
    context["consumption_svg"] = (
        figure_svg(observatory.consumption_figure, width=CHART_WIDTH)
        if observatory.consumption_figure
        else ""
    )


def _generated_by(document) -> dict:
    return {
        "document": document,
        "generated_at": timezone.localtime(),
        "requested_by": document.requested_by,
    }


def commune_report_html_context(document, progress=None) -> dict:
    progress = progress or (lambda percent, step: None)
    commune = communes_selectors.commune_by_id(commune_id=document.commune_id)
    progress(10, _("Reading the actions, the money and the meetings…"))
    context = commune_report_context(commune=commune, year=document.year)
    progress(60, _("Drawing the charts…"))
    _charts(context)
    context.update(_generated_by(document))
    return context


def network_report_html_context(document, progress=None) -> dict:
    progress = progress or (lambda percent, step: None)
    progress(10, _("Reading the actions, the money and the meetings of every commune…"))
    context = network_report_context(
        territory=document.territory, year=document.year, detail_commune_ids=document.detail_communes
    )
    progress(60, _("Drawing the charts…"))
    _charts(context)
    context.update(_generated_by(document))
    return context


def render_commune_report(document, progress) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        context = commune_report_html_context(document, progress)
        progress(75, _("Laying out the pages…"))
        content, pages = template_to_pdf("reporting/pdf/yearly_commune.html", context)
    name = slugify(context["commune"].name)
    return Rendered(content=content, filename=f"rapport-evaluation-{document.year}-{name}.pdf", pages=pages)


def render_network_report(document, progress) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        context = network_report_html_context(document, progress)
        progress(75, _("Laying out the pages…"))
        content, pages = template_to_pdf("reporting/pdf/yearly_network.html", context)
    name = slugify(context["territory"].slug)
    return Rendered(
        content=content, filename=f"rapport-evaluation-{document.year}-reseau-{name}.pdf", pages=pages
    )
