"""Reads of the evaluation dashboards: the network's and one commune's.

Every figure is aggregated in SQL, and each dashboard costs a fixed number of queries whatever the
number of communes, plans and actions. A commune's figures are read from its followed plan
(`actions.selectors.followed_plans`: the adopted version, where follow-up happens, else the plan in
preparation), as the yearly reports, the Letter and the portfolio read them: a new version copies
the actions of the previous one, so counting every version would count each action twice. Every read
of another app goes through that app's selectors.

At national scale (35,000 communes) the network's figures choose the followed plans in a subquery
(`followed_plans_query`) rather than from a list of ids, its table shows a page of communes, and the
selection's figures and pages are kept in the cache until something they count changes
(figures_cache); a commune's dashboard reads only that commune, beside its territory's observatory.

Every network figure is of one territory (communes.Territory): the dashboard shows one territory's
network, its cache keys carry the territory's id, and no figure of another territory enters it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from actions.models import Action, ActionPlan, ActionStatus
from actions.selectors import (
    action_is_late,
    action_is_stale,
    actions_of,
    budget_lines_of,
    cofunders_of,
    deliberated_plans,
    followed_actions_of,
    followed_budget_lines_of,
    followed_cofunders_of,
    followed_plan,
    followed_plans,
    late_filter,
    plan_schedule,
    stale_filter,
    with_adopted_plan,
    with_flags,
)
from communes.models import Commune, CommuneGroup, Stage
from communes.selectors import commune_ids_all, network_communes
from observatory.models import Dataset
from observatory.selectors import TerritoryObservatory, datasets_with_data, territory_observatory
from workgroups.selectors import Regularity, meetings_by_year, regularity_by_commune

from .figures_cache import cached_figures, cached_with_observatory
from .summaries import (
    ActionSummary,
    Budget,
    Period,
    action_summary,
    budget_summary,
    completed_by_year,
)

# The commune-by-commune table shows a page of communes: a national network has 35,000.
COMMUNES_PER_PAGE = 50
# The working groups gone quiet that the dashboard names (all are counted): filters narrow the list.
QUIET_GROUPS_SHOWN = 100


def all_commune_ids(territory) -> list[int]:
    """Every commune's id of the territory (its observatory), kept in the cache with the figures (a
    commune created, deleted or imported replaces their version)."""
    return cached_figures("commune-ids", (territory.pk,), lambda: commune_ids_all(territory_id=territory.pk))


def agglomeration_observatory(territory, dataset: Dataset | None) -> TerritoryObservatory:
    """The territory's observatory (every commune of it, against its targets): one cache read once
    computed, beside the network's figures and under the observatory's data version."""
    return cached_with_observatory(
        "agglomeration",
        (territory.pk, getattr(dataset, "pk", None)),
        lambda: territory_observatory(
            commune_ids=all_commune_ids(territory), dataset=dataset, territory_id=territory.pk
        ),
    )


# --- the network --------------------------------------------------------------------------------


@dataclass
class CommuneLine:
    """One commune of the network dashboard's table, or of its working groups gone quiet."""

    commune: Commune
    plan: ActionPlan | None
    regularity: Regularity
    actions: int = 0
    done: int = 0
    late: int = 0
    stale: int = 0
    average_progress: float | None = None
    forecast: Decimal = Decimal(0)
    actual: Decimal | None = None
    can_open: bool = False  # whether the reader may open the commune's pages (set by the view)


@dataclass
class NetworkSummary:
    """The figures of the whole selection, the same on every page of its table: computed in SQL
    whatever the number of communes, and kept in the cache until something they count changes."""

    commune_count: int
    signatories: int
    signatories_with_plan: int
    deliberations: dict[int, int]
    actions: ActionSummary
    completed: dict[int, int]
    budget: Budget
    quiet_count: int  # engaged communes whose working group does not meet (or is missing)
    quiet_groups: list[CommuneLine]  # the first QUIET_GROUPS_SHOWN of them, by name

    @property
    def deliberation_total(self) -> int:
        return sum(self.deliberations.values())

    @property
    def deliberated_share(self) -> float | None:
        """Signatory communes with a deliberated plan, in %."""
        return 100 * self.signatories_with_plan / self.signatories if self.signatories else None


@dataclass
class NetworkDashboard(NetworkSummary):
    territory: object
    period: Period
    communes: list[CommuneLine]  # the page of the table
    page: Page
    dataset: Dataset | None
    observatory: TerritoryObservatory
    is_whole_network: bool


def _network_summary(communes: QuerySet[Commune], *, territory, period: Period) -> NetworkSummary:
    """About ten aggregate queries, none of which lists the communes' ids in Python. `communes` are
    the territory's (all of them, or a selection of them)."""
    signed = Q(charter_signed_on__isnull=False)
    if period.end:
        signed &= Q(charter_signed_on__lte=period.end)
    counts = with_adopted_plan(communes=communes, by=period.end).aggregate(
        total=Count("pk"),
        signatories=Count("pk", filter=signed),
        with_plan=Count("pk", filter=signed & Q(has_adopted_plan=True)),
    )
    selection = communes  # the territory's: never every commune of the platform
    actions = followed_actions_of(communes=selection).filter(period.actions())
    lines = followed_budget_lines_of(communes=selection).filter(period.years("year"))
    cofunders = followed_cofunders_of(communes=selection).filter(period.actions("action__"))
    # Only a commune that signed the charter is ever flagged (workgroups.selectors.regularity_by_commune).
    engaged = list(
        communes.exclude(stage=Stage.NOT_SIGNATORY)
        .only("insee_code", "name", "stage", "territory")  # the territory: whether the reader opens it
        .order_by("sort_name")
    )
    regularity = regularity_by_commune(communes=engaged)
    quiet = [
        CommuneLine(commune=commune, plan=None, regularity=regularity[commune.pk])
        for commune in engaged
        if regularity[commune.pk].quiet
    ]
    return NetworkSummary(
        commune_count=counts["total"],
        signatories=counts["signatories"],
        signatories_with_plan=counts["with_plan"],
        deliberations=deliberated_plans(
            commune_ids=communes.values("pk"), start=period.start, end=period.end
        )["by_year"],
        actions=action_summary(actions),
        completed=completed_by_year(actions),
        budget=budget_summary(
            lines,
            cofunders,
            years=range(period.year_from, period.year_to + 1) if period.year_from and period.year_to else (),
        ),
        quiet_count=len(quiet),
        quiet_groups=quiet[:QUIET_GROUPS_SHOWN],
    )


def network_lines(communes: list[Commune], *, period: Period) -> list[CommuneLine]:
    """The table's lines of these communes (a page): their followed plan, its actions and spending in
    the period, their working group (four queries)."""
    plans = followed_plans(commune_ids=[commune.pk for commune in communes])
    actions = actions_of(plans=plans.values()).filter(period.actions())
    lines = budget_lines_of(plans=plans.values()).filter(period.years("year"))
    per_commune = {
        row["plan__commune_id"]: row
        for row in with_flags(actions)
        .values("plan__commune_id")
        .annotate(
            count=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            late=Count("pk", filter=late_filter()),
            stale=Count("pk", filter=stale_filter()),
            progress=Sum("progress", filter=~Q(status=ActionStatus.ABANDONED)),
            counted=Count("pk", filter=~Q(status=ActionStatus.ABANDONED)),
        )
        .order_by()
    }
    spending = {
        row["action__plan__commune_id"]: row
        for row in lines.values("action__plan__commune_id")
        .annotate(forecast=Sum("forecast"), actual=Sum("actual"))
        .order_by()
    }
    regularity = regularity_by_commune(communes=communes)
    rows = []
    for commune in communes:
        line = CommuneLine(commune=commune, plan=plans.get(commune.pk), regularity=regularity[commune.pk])
        if counts := per_commune.get(commune.pk):
            line.actions, line.done = counts["count"], counts["done"]
            line.late, line.stale = counts["late"], counts["stale"]
            if counts["counted"]:
                line.average_progress = (counts["progress"] or 0) / counts["counted"]
        if money := spending.get(commune.pk):
            line.forecast, line.actual = money["forecast"] or Decimal(0), money["actual"]
        rows.append(line)
    return rows


def network_dashboard(
    *,
    territory,
    advisor=None,
    group: CommuneGroup | None = None,
    period: Period | None = None,
    page_number: int | str | None = 1,
) -> NetworkDashboard:
    """The territory's network evaluation for the communes of it an advisor follows, or a group's, or
    all: the selection's figures (cached, see figures_cache), one page of its communes, its observatory."""
    period = period or Period()
    communes = network_communes(advisor=advisor, group=group, territory_id=territory.pk)
    whole = advisor is None and group is None
    filters = (
        territory.pk,
        getattr(advisor, "pk", None),
        getattr(group, "pk", None),
        period.year_from,
        period.year_to,
    )
    summary = cached_figures(
        "network",
        filters,
        lambda: _network_summary(communes, territory=territory, period=period),
    )
    paginator = Paginator(communes.order_by("sort_name", "pk"), COMMUNES_PER_PAGE)
    paginator.count = summary.commune_count  # counted with the summary: no second count
    page = paginator.get_page(page_number)
    lines = cached_figures(
        "network-lines",
        (*filters, page.number),
        lambda: network_lines(list(page.object_list), period=period),
    )
    if whole:
        dataset = datasets_with_data(territory_id=territory.pk).first()
        observatory = agglomeration_observatory(territory, dataset)
    else:
        commune_ids = list(communes.values_list("pk", flat=True))
        dataset = datasets_with_data(commune_ids=commune_ids).first()
        observatory = territory_observatory(
            commune_ids=commune_ids, dataset=dataset, territory_id=territory.pk
        )
    return NetworkDashboard(
        **vars(summary),
        territory=territory,
        period=period,
        communes=lines,
        page=page,
        dataset=dataset,
        observatory=observatory,
        is_whole_network=whole,
    )


# --- one commune --------------------------------------------------------------------------------


@dataclass
class CommuneDashboard:
    commune: Commune
    plan: ActionPlan | None
    actions: ActionSummary
    flagged: list[Action]  # late or stale, each with `is_late` and `is_stale`
    schedule: list[Action]
    budget: Budget
    regularity: Regularity
    meetings_by_year: dict[int, int]
    dataset: Dataset | None
    observatory: TerritoryObservatory
    agglomeration: TerritoryObservatory

    @property
    def meetings_this_year(self) -> int:
        return self.meetings_by_year.get(timezone.localdate().year, 0)


def commune_dashboard(*, commune: Commune) -> CommuneDashboard:
    """The same evaluation for one commune, with its plan's schedule and its observatory trends
    per inhabitant beside its territory's."""
    plan = followed_plan(commune=commune)
    if plan is not None:
        actions = actions_of(plans=[plan])
        flagged = list(
            with_flags(actions.select_related("theme"))
            .filter(late_filter() | stale_filter())
            .order_by("end_date", "order", "pk")
        )
        for action in flagged:
            action.is_late = action_is_late(action)
            action.is_stale = action_is_stale(action)
        summary = action_summary(actions)
        schedule = plan_schedule(plan=plan)
        budget = budget_summary(budget_lines_of(plans=[plan]), cofunders_of(plans=[plan]), years=plan.years)
    else:
        summary, flagged, schedule, budget = ActionSummary(), [], [], Budget()

    now = timezone.now()
    dataset = datasets_with_data(commune_ids=[commune.pk]).first()
    return CommuneDashboard(
        commune=commune,
        plan=plan,
        actions=summary,
        flagged=flagged,
        schedule=schedule,
        budget=budget,
        regularity=regularity_by_commune(communes=[commune], now=now)[commune.pk],
        meetings_by_year=meetings_by_year(commune=commune, until=now),
        dataset=dataset,
        observatory=territory_observatory(commune_ids=[commune.pk], dataset=dataset, commune=commune),
        agglomeration=agglomeration_observatory(commune.territory, dataset),
    )
