"""Demonstration action plans for the demo communes (see communes.demo).

Idempotent: a commune that already has a plan is left alone.
"""

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from communes.models import Commune, Role, Stage

from . import services
from .models import (
    Action,
    ActionStatus,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    CoFunderStatus,
    Milestone,
    Origin,
    PlanStatus,
)

User = get_user_model()

ALREADY_ENGAGED = [
    ("Suivi mensuel des consommations des bâtiments communaux", "municipal_buildings"),
    ("Extinction de l'éclairage public de 23 h à 5 h", "public_lighting"),
    ("Fête de l'énergie annuelle avec l'ALEC", "awareness"),
]


OWNERS = [
    "Services techniques",
    "Direction du patrimoine bâti",
    "Service urbanisme",
    "Service communication",
    "Direction générale des services",
    "Service de la restauration scolaire",
]


def today_year() -> int:
    return timezone.localdate().year


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _advisor(commune: Commune):
    membership = commune.memberships.filter(role=Role.ADVISOR).select_related("user").first()
    return membership.user if membership else None


@transaction.atomic
def plans_demo_load() -> None:
    catalogue = list(CatalogueAction.objects.select_related("theme").order_by("pk"))
    if not catalogue:
        return
    engaged = Commune.objects.filter(
        stage__in=[Stage.PLAN_IN_PREPARATION, Stage.PLAN_DELIBERATED, Stage.IN_FOLLOW_UP],
        action_plans__isnull=True,
    ).order_by("insee_code")
    for commune in engaged:
        _plan_for(commune, catalogue)


def _plan_for(commune: Commune, catalogue: list[CatalogueAction]) -> None:
    seed = _seed(commune.insee_code)
    target_stage = commune.stage
    user = _advisor(commune)
    plan = services.plan_create(
        commune=commune,
        title=f"Plan d'actions climat de {commune.name}",
        start_year=2024,
        end_year=2030,
        user=user,
    )
    size = 20 if commune.insee_code == "38185" else 6 + seed % 6
    # A plan still in preparation schedules its actions ahead; an adopted one started in 2024.
    first_year = today_year() + 1 if target_stage == Stage.PLAN_IN_PREPARATION else 2024
    picked = [catalogue[(seed + index * 7) % len(catalogue)] for index in range(size)]
    themes = {entry.theme.code: entry.theme for entry in catalogue}
    today = timezone.localdate()
    for index, (title, theme_code) in enumerate(ALREADY_ENGAGED[: 1 + seed % 3]):
        _fill(
            services.action_create(
                plan=plan,
                data={"title": title, "theme": themes[theme_code], "origin": Origin.ALREADY_ENGAGED},
                user=user,
            ),
            index,
            seed,
            today,
            user,
            first_year,
        )
    for index, entry in enumerate(dict.fromkeys(picked), start=3):
        action = services.action_create(
            plan=plan, data={"origin": Origin.NEW}, user=user, catalogue_action=entry
        )
        _fill(action, index, seed, today, user, first_year)
    if target_stage == Stage.PLAN_IN_PREPARATION:
        return
    services.plan_transition(plan=plan, to_status=PlanStatus.SUBMITTED, user=user)
    services.plan_transition(
        plan=plan, to_status=PlanStatus.VALIDATED, user=user, comment="Groupe de travail"
    )
    services.plan_transition(
        plan=plan,
        to_status=PlanStatus.DELIBERATED,
        user=user,
        deliberation_date=date(2023 + seed % 3, 1 + seed % 12, 1 + seed % 27),
        deliberation_number=f"DEL-{2023 + seed % 3}-{seed % 90 + 10}",
        announce=False,  # the demo adopts in bulk: files are generated on first request
    )
    _record_milestones(plan, seed)
    if target_stage == Stage.IN_FOLLOW_UP:
        services.plan_transition(plan=plan, to_status=PlanStatus.FOLLOW_UP, user=user)
        _follow_up(plan, seed)
    # Most communes publish their adopted plan (the public pages, the open data); some keep it internal.
    if seed % 3:
        services.plan_publish(plan=plan, user=user, published=True)


def _record_milestones(plan, seed: int) -> None:
    """Most teams record the milestones they reached; one action in five is left behind (late)."""
    today = timezone.localdate()
    for index, action in enumerate(plan.actions.order_by("order")):
        if (seed + index) % 5 != 3:
            Milestone.objects.filter(action=action, due_date__lt=today).update(done_on=F("due_date"))


def _fill(action: Action, index: int, seed: int, today: date, user, first_year: int = 2024) -> None:
    start = date(first_year + (seed + index) % 3, 1 + (seed + index) % 12, 1)
    end = start + timedelta(days=365 * (1 + (seed + index) % 3))
    if end.year > 2030:
        end = date(2030, 12, 31)
    owner = OWNERS[(seed + index) % len(OWNERS)]
    Action.objects.filter(pk=action.pk).update(start_date=start, end_date=end, owner_name=owner)
    cost = Decimal(5000 * (1 + (seed + index) % 20))
    lines = [
        BudgetLine(action=action, year=start.year, kind=BudgetKind.INVESTMENT, forecast=cost),
        BudgetLine(
            action=action, year=min(start.year + 1, 2030), kind=BudgetKind.OPERATING, forecast=cost / 10
        ),
    ]
    if start.year + 1 <= 2030 and lines[0].year == lines[1].year:
        lines[1].year = start.year
    BudgetLine.objects.bulk_create(lines, ignore_conflicts=True)
    Milestone.objects.bulk_create(
        [
            Milestone(action=action, name="Lancement", due_date=start + timedelta(days=60)),
            Milestone(action=action, name="Réception", due_date=end),
        ]
    )
    if (seed + index) % 4 == 0:
        CoFunder.objects.create(action=action, name="ADEME — Fonds chaleur", amount=cost * Decimal("0.3"))


def _follow_up(plan, seed: int) -> None:
    """Some actions done, some in progress with milestones passed, a few left without news."""
    today = timezone.localdate()
    for index, action in enumerate(plan.actions.order_by("order")):
        choice = (seed + index) % 5
        if choice in (0, 1):
            BudgetLine.objects.filter(action=action, year__lte=today.year).update(actual=F("forecast"))
            status, progress = (ActionStatus.DONE, 100) if choice == 0 else (ActionStatus.IN_PROGRESS, 60)
        elif choice == 2:
            status, progress = ActionStatus.IN_PROGRESS, 30
        else:
            status, progress = ActionStatus.PLANNED, 0
        updated_at = timezone.now() - timedelta(days=250 if choice == 4 else 20)
        Action.objects.filter(pk=action.pk).update(status=status, progress=progress, updated_at=updated_at)
        if status == ActionStatus.DONE:
            # What a finished action measured: most of what it promised.
            Action.objects.filter(pk=action.pk).update(
                achieved_mwh_saved=F("mwh_saved") * Decimal("0.85"),
                achieved_tco2e_avoided=F("tco2e_avoided") * Decimal("0.85"),
                achieved_mwh_renewable=F("mwh_renewable") * Decimal("0.9"),
            )
        if choice in (0, 1):
            action.cofunders.update(status=CoFunderStatus.RECEIVED if choice == 0 else CoFunderStatus.GRANTED)
