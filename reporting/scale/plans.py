"""A few hundred plans of 60 actions across the country, written with bulk_create: axes, actions linked
to the catalogue, two milestones and fourteen budget lines (seven years, two kinds) per action, a
co-funder for every other action. A third of the plans in follow-up, a third deliberated, a third
in preparation; their communes at the matching engagement stage."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    CoFunderStatus,
    Milestone,
    PlanAxis,
    PlanStatus,
    Theme,
)
from communes.models import Commune, Stage

START_YEAR, END_YEAR = 2024, 2030
AXES = [
    "Sobriété et efficacité énergétique du patrimoine communal",
    "Mobilités décarbonées",
    "Énergies renouvelables et réseaux de chaleur",
    "Aménagement, nature en ville et adaptation",
    "Mobilisation des habitants et des acteurs",
]
FUNDERS = ["ADEME", "Région", "Département", "Intercommunalité", "Fonds vert"]
# (plan status, commune stage), in turn.
STATUSES = [
    (PlanStatus.FOLLOW_UP, Stage.IN_FOLLOW_UP),
    (PlanStatus.DELIBERATED, Stage.PLAN_DELIBERATED),
    (PlanStatus.DRAFT, Stage.PLAN_IN_PREPARATION),
]
ACTION_STATUSES = [
    ActionStatus.IN_PROGRESS,
    ActionStatus.PLANNED,
    ActionStatus.DONE,
    ActionStatus.IN_PROGRESS,
]


@dataclass
class Plans:
    plans: int = 0
    actions: int = 0
    budget_lines: int = 0
    milestones: int = 0
    cofunders: int = 0


def plan_communes_pick(count: int) -> list[Commune]:
    """`count` communes spread over the country (every n-th by INSEE code), preferring those of 2,000
    inhabitants or more, as the communes that write a plan tend to be."""
    larger = list(Commune.objects.filter(population__gte=2000).order_by("insee_code"))
    pool = larger if len(larger) >= count else list(Commune.objects.order_by("insee_code"))
    if not pool or count <= 0:
        return []
    step = max(1, len(pool) // count)
    return pool[::step][:count]


ADOPTION_PUBLISHED_AT = datetime.datetime(START_YEAR, 4, 1, tzinfo=datetime.UTC)


def plans_load(*, communes: list[Commune], actions_per_plan: int) -> Plans:
    """One plan per commune of `communes`, of `actions_per_plan` actions each."""
    themes = list(Theme.objects.order_by("order", "pk"))
    catalogue = list(CatalogueAction.objects.order_by("pk"))
    plans = []
    for index, commune in enumerate(communes):
        status, stage = STATUSES[index % len(STATUSES)]
        adopted = status != PlanStatus.DRAFT
        commune.stage = stage
        commune.charter_signed_on = datetime.date(2020 + index % 4, 1 + index % 12, 1 + index % 28)
        plans.append(
            ActionPlan(
                commune=commune,
                title=f"Plan climat {START_YEAR}-{END_YEAR}",
                start_year=START_YEAR,
                end_year=END_YEAR,
                status=status,
                deliberation_date=datetime.date(START_YEAR, 3, 1 + index % 28) if adopted else None,
                deliberation_number=f"{START_YEAR}-{index + 1:03d}" if adopted else "",
                # Every adopted plan published: the public pages and the open data at their largest.
                published_at=ADOPTION_PUBLISHED_AT if adopted else None,
            )
        )
    Commune.objects.bulk_update(communes, ["stage", "charter_signed_on"], batch_size=1000)
    ActionPlan.objects.bulk_create(plans, batch_size=1000)
    axes = PlanAxis.objects.bulk_create(
        [PlanAxis(plan=plan, title=title, order=order) for plan in plans for order, title in enumerate(AXES)],
        batch_size=5000,
    )
    axes_of = {}
    for axis in axes:
        axes_of.setdefault(axis.plan_id, []).append(axis)

    actions = []
    for plan_index, plan in enumerate(plans):
        for number in range(actions_per_plan):
            seed = plan_index * 31 + number
            entry = catalogue[seed % len(catalogue)] if catalogue and number % 2 == 0 else None
            start = datetime.date(START_YEAR + number % 4, 1 + number % 12, 1)
            actions.append(
                Action(
                    plan=plan,
                    axis=axes_of[plan.pk][number % len(AXES)],
                    theme=entry.theme if entry else themes[seed % len(themes)],
                    catalogue_action=entry,
                    title=f"{entry.title if entry else 'Action locale'} — n° {number + 1}"[:255],
                    description="Action générée pour les mesures de performance.",
                    owner_name="Services techniques",
                    start_date=start,
                    end_date=start.replace(year=start.year + 2),
                    status=ACTION_STATUSES[seed % len(ACTION_STATUSES)],
                    progress=(seed * 13) % 101,
                    mwh_saved=Decimal(10 + seed % 90),
                    tco2e_avoided=Decimal(2 + seed % 20),
                    mwh_renewable=Decimal(seed % 7 * 5),
                    order=number,
                )
            )
    Action.objects.bulk_create(actions, batch_size=5000)

    milestones, lines, cofunders = [], [], []
    years = range(START_YEAR, END_YEAR + 1)
    for index, action in enumerate(actions):
        milestones += [
            Milestone(
                action=action,
                name="Étude préalable",
                due_date=action.start_date,
                done_on=action.start_date if index % 3 else None,
            ),
            Milestone(action=action, name="Réception des travaux", due_date=action.end_date),
        ]
        for year in years:
            for kind in BudgetKind:
                forecast = Decimal(1000 * (1 + (index + year) % 50))
                spent = year < 2026 and action.plan.status != PlanStatus.DRAFT
                lines.append(
                    BudgetLine(
                        action=action,
                        year=year,
                        kind=kind,
                        forecast=forecast,
                        actual=forecast * Decimal("0.9") if spent else None,
                    )
                )
        if index % 2 == 0:
            cofunders.append(
                CoFunder(
                    action=action,
                    name=FUNDERS[index % len(FUNDERS)],
                    amount=Decimal(5000 + index % 20 * 1000),
                    status=list(CoFunderStatus)[index % len(CoFunderStatus)],
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    BudgetLine.objects.bulk_create(lines, batch_size=5000)
    CoFunder.objects.bulk_create(cofunders, batch_size=5000)
    return Plans(
        plans=len(plans),
        actions=len(actions),
        budget_lines=len(lines),
        milestones=len(milestones),
        cofunders=len(cofunders),
    )
