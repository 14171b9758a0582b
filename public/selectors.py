"""The public pages' reads, composed from the other apps' selectors and nothing else: their public
selectors (`published_plans`, `published_plan`, `published_plan_ids`, `open_datasets`,
`published_letters`) and those built on them (actions/selectors/published.py, the open observatory's and
the letters' reads). Nothing here queries another app's models: it hands the templates plain rows that
carry only what is public: an action's title, theme, status, progress, schedule, milestones, budget
totals, impacts and elected referent, never the model itself (whose owner, notes, history or co-funders a
template could otherwise reach). Each page in a constant number of queries.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import Http404

from actions import selectors as actions_selectors
from actions.models import ActionPlan, ActionStatus, PlanStatus
from actions.selectors import BudgetSummary, axis_tree, plan_budget_summary, published_plan, published_plans
from communes import selectors as communes_selectors
from communes.models import Commune, Territory
from observatory import selectors as observatory_selectors
from reporting import selectors as reporting_selectors
from reporting.models import Letter
from reporting.selectors import published_letters
from workgroups.selectors import GroupActivity, group_activity

ZERO = Decimal(0)


# --- the index and the territories -----------------------------------------------------------------


@dataclass
class TerritorySummary:
    """A territory with something published: plans, letters, an open observatory."""

    territory: Territory
    plan_count: int
    letter_count: int
    has_observatory: bool


def _observed_territory_ids(territories) -> set[int]:
    """The territories whose open observatory has a dataset (their own, or a shared one when they have
    communes): `open_datasets(territory_id=...)` for each, in one query."""
    owners = observatory_selectors.open_dataset_territory_ids()
    shared = None in owners
    return {
        territory.pk
        for territory in territories
        if territory.pk in owners or (shared and territory.commune_count)
    }


def published_territories() -> list[TerritorySummary]:
    """Every territory with something published, by name (four queries)."""
    territories = communes_selectors.territories_with_commune_counts()
    plans = actions_selectors.published_plan_counts_by_territory()
    letters = reporting_selectors.published_letter_counts()
    observed = _observed_territory_ids(territories)
    summaries = [
        TerritorySummary(
            territory=territory,
            plan_count=plans.get(territory.pk, 0),
            letter_count=letters.get(territory.pk, 0),
            has_observatory=territory.pk in observed,
        )
        for territory in territories
    ]
    return [s for s in summaries if s.plan_count or s.letter_count or s.has_observatory]


@dataclass
class PublishedPlanRow:
    """A commune's published plan as the territory's page lists it."""

    commune_name: str
    insee_code: str
    title: str
    version: int
    status_label: str
    deliberation_date: date | None
    action_count: int
    done_count: int
    average_progress: float | None


@dataclass
class TerritoryPage:
    territory: Territory
    plans: list[PublishedPlanRow]
    has_observatory: bool
    letter_count: int


def _status_label(status: str) -> str:
    return str(PlanStatus(status).label)


def territory_page(*, territory: Territory) -> TerritoryPage:
    """The territory's communes with a published plan, by name, with their counts (four queries)."""
    plans = sorted(
        published_plans(territory_id=territory.pk).values(), key=lambda plan: plan.commune.sort_name
    )
    counts = actions_selectors.action_counts_by_plan(plan_ids=[plan.pk for plan in plans])
    rows = []
    for plan in plans:
        count = counts.get(plan.pk, {})
        rows.append(
            PublishedPlanRow(
                commune_name=plan.commune.name,
                insee_code=plan.commune.insee_code,
                title=plan.title,
                version=plan.version,
                status_label=_status_label(plan.status),
                deliberation_date=plan.deliberation_date,
                action_count=count.get("count", 0),
                done_count=count.get("done", 0),
                average_progress=count.get("progress"),
            )
        )
    return TerritoryPage(
        territory=territory,
        plans=rows,
        has_observatory=observatory_selectors.has_open_datasets(territory_id=territory.pk),
        letter_count=reporting_selectors.published_letter_count(territory_id=territory.pk),
    )


# --- a published plan ------------------------------------------------------------------------------


@dataclass
class PublicMilestone:
    name: str
    due_date: date
    done_on: date | None


@dataclass
class PublicImpact:
    mwh_saved: Decimal | None
    tco2e_avoided: Decimal | None
    mwh_renewable: Decimal | None

    @property
    def any(self) -> bool:
        return any(value is not None for value in (self.mwh_saved, self.tco2e_avoided, self.mwh_renewable))


@dataclass
class PublicAction:
    pk: int
    title: str
    description: str
    theme: str
    status: str
    status_label: str
    progress: int
    start_date: date | None
    end_date: date | None
    elected_referent: str
    expected: PublicImpact
    achieved: PublicImpact
    forecast: Decimal = ZERO
    actual: Decimal | None = None
    milestones: list[PublicMilestone] = field(default_factory=list)


@dataclass
class AxisGroup:
    """An axis of the plan (its depth in the tree) and its own actions; `title` empty: without axis."""

    title: str
    depth: int
    anchor: str
    actions: list[PublicAction]

    @property
    def heading_level(self) -> int:
        """h3 for a top axis (under the page's "Actions by axis" h2), one level down per sub-axis."""
        return min(3 + self.depth, 6)


@dataclass
class PlanTotals:
    actions: int
    done: int
    in_progress: int
    average_progress: float | None
    forecast: Decimal
    actual: Decimal


@dataclass
class PlanFacts:
    """The version itself: what the council adopted and when (never who published or edited it)."""

    title: str
    version: int
    start_year: int
    end_year: int
    status_label: str
    deliberation_date: date | None
    deliberation_number: str
    has_deliberation_file: bool
    published_at: object


@dataclass
class VersionLink:
    version: int
    title: str
    deliberation_date: date | None
    is_shown: bool
    is_latest: bool


@dataclass
class PlanPage:
    commune: Commune
    plan: PlanFacts
    is_latest: bool
    groups: list[AxisGroup]
    totals: PlanTotals
    budget: BudgetSummary
    group: GroupActivity | None
    versions: list[VersionLink]


def published_version(*, commune: Commune, version: int | None = None) -> ActionPlan:
    """The commune's published plan (its latest published version, or that version): 404 otherwise."""
    plan = published_plan(commune=commune, version=version)
    if plan is None:
        raise Http404
    return plan


def _public_actions(plan: ActionPlan) -> list[tuple[int | None, PublicAction]]:
    """The plan's actions in order, each with its axis id, milestones and budget totals (three queries):
    only the public fields of the actions (`PUBLIC_ACTION_FIELDS`) are read."""
    actions = []
    by_pk: dict[int, PublicAction] = {}
    for values in actions_selectors.public_action_rows(plan=plan):
        action = PublicAction(
            pk=values["pk"],
            title=values["title"],
            description=values["description"],
            theme=values["theme__name"],
            status=values["status"],
            status_label=str(ActionStatus(values["status"]).label),
            progress=values["progress"],
            start_date=values["start_date"],
            end_date=values["end_date"],
            elected_referent=values["elected_referent"],
            expected=PublicImpact(values["mwh_saved"], values["tco2e_avoided"], values["mwh_renewable"]),
            achieved=PublicImpact(
                values["achieved_mwh_saved"],
                values["achieved_tco2e_avoided"],
                values["achieved_mwh_renewable"],
            ),
        )
        by_pk[action.pk] = action
        actions.append((values["axis_id"], action))
    for action_id, name, due_date, done_on in actions_selectors.public_milestone_rows(plan=plan):
        by_pk[action_id].milestones.append(PublicMilestone(name, due_date, done_on))
    for row in actions_selectors.action_budget_totals(plan=plan):
        action = by_pk[row["action_id"]]
        action.forecast = row["forecast"] or ZERO
        action.actual = row["actual"]
    return actions


def _groups(plan: ActionPlan, actions: list[tuple[int | None, PublicAction]]) -> list[AxisGroup]:
    """The actions under their axis, in the axis tree's order; those without an axis last (one query)."""
    by_axis: dict[int | None, list[PublicAction]] = {}
    for axis_id, action in actions:
        by_axis.setdefault(axis_id, []).append(action)
    groups = [
        AxisGroup(title=axis.title, depth=depth, anchor=f"axis-{axis.pk}", actions=by_axis.pop(axis.pk, []))
        for axis, depth in axis_tree(actions_selectors.plan_axes(plan=plan))
    ]
    # An axis with neither actions nor sub-axes with actions says nothing: left out.
    kept = []
    for index, group in enumerate(groups):
        below = []
        for later in groups[index + 1 :]:
            if later.depth <= group.depth:
                break
            below.append(later)
        if group.actions or any(sub.actions for sub in below):
            kept.append(group)
    rest = [action for actions_ in by_axis.values() for action in actions_]
    if rest:
        kept.append(AxisGroup(title="", depth=0, anchor="no-axis", actions=rest))
    return kept


def _totals(actions: list[PublicAction]) -> PlanTotals:
    counted = [action for action in actions if action.status != ActionStatus.ABANDONED]
    return PlanTotals(
        actions=len(actions),
        done=sum(action.status == ActionStatus.DONE for action in actions),
        in_progress=sum(action.status == ActionStatus.IN_PROGRESS for action in actions),
        average_progress=sum(a.progress for a in counted) / len(counted) if counted else None,
        forecast=sum((action.forecast for action in actions), ZERO),
        actual=sum((action.actual or ZERO for action in actions), ZERO),
    )


def _versions(commune: Commune, shown: ActionPlan) -> list[VersionLink]:
    """Every published version of the commune's plan, newest first (one query)."""
    plans = actions_selectors.commune_published_versions(commune=commune)
    links = [
        VersionLink(
            version=version,
            title=title,
            deliberation_date=day,
            is_shown=version == shown.version,
            is_latest=False,
        )
        for version, title, day in plans
    ]
    if links:
        links[0].is_latest = True
    return links


def plan_page(*, commune: Commune, version: int | None = None) -> PlanPage:
    """The commune's published plan (that version when given) as its public page shows it: 404 when it
    is not published. Ten queries whatever the number of actions."""
    plan = published_version(commune=commune, version=version)
    actions = _public_actions(plan)
    versions = _versions(commune, plan)
    return PlanPage(
        commune=commune,
        plan=PlanFacts(
            title=plan.title,
            version=plan.version,
            start_year=plan.start_year,
            end_year=plan.end_year,
            status_label=_status_label(plan.status),
            deliberation_date=plan.deliberation_date,
            deliberation_number=plan.deliberation_number,
            has_deliberation_file=bool(plan.deliberation_file),
            published_at=plan.published_at,
        ),
        is_latest=bool(versions) and versions[0].version == plan.version,
        groups=_groups(plan, actions),
        totals=_totals([action for _axis, action in actions]),
        budget=plan_budget_summary(plan=plan),
        group=group_activity(commune_ids=[commune.pk]).get(commune.pk),
        versions=versions,
    )


# --- letters ---------------------------------------------------------------------------------------


def territory_letters(*, territory: Territory) -> list[Letter]:
    """The territory's published letters, newest first (one query)."""
    return list(published_letters(territory_id=territory.pk))


def published_letter(*, territory: Territory, number: int) -> Letter:
    """A published issue with its sections (two queries); 404 for a draft or an unknown number."""
    letter = reporting_selectors.published_letter(territory_id=territory.pk, number=number)
    if letter is None:
        raise Http404
    return letter


def feed_letters(*, territory: Territory, limit: int = 20) -> list[Letter]:
    """The latest published issues with their sections, for the feed (two queries)."""
    return reporting_selectors.latest_published_letters(territory_id=territory.pk, limit=limit)


# --- the sitemap -----------------------------------------------------------------------------------


@dataclass
class Sitemap:
    territories: list[TerritorySummary]
    plans: list[ActionPlan]
    letters: list[Letter]


def sitemap() -> Sitemap:
    """Every public page's subject: the territories with something published, every published version
    and every published letter (six queries)."""
    return Sitemap(
        territories=published_territories(),
        plans=actions_selectors.published_versions(),
        letters=reporting_selectors.published_letter_links(),
    )
