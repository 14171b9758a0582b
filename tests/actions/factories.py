"""factory_boy factories of the action plans (themes and the catalogue come from a data migration)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.db.models import Max

from actions.models import (
    Action,
    ActionPlan,
    BudgetKind,
    BudgetLine,
    CoFunder,
    CoFunderStatus,
    Milestone,
    PlanAxis,
    PlanStatus,
    Theme,
)
from communes.models import Role, Stage
from tests.factories import CommuneFactory, MembershipFactory


def _next_version(plan) -> int:
    return (plan.commune.action_plans.aggregate(last=Max("version"))["last"] or 0) + 1


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Plan climat {n}")
    start_year = 2024
    end_year = 2030
    version = factory.LazyAttribute(_next_version)


def adopted_plan(commune, **kwargs) -> ActionPlan:
    """A plan voted by the council and now in follow-up."""
    values = {
        "status": PlanStatus.FOLLOW_UP,
        "deliberation_date": datetime.date(2024, 3, 12),
        "deliberation_number": "2024-031",
        **kwargs,
    }
    return ActionPlanFactory(commune=commune, **values)


class PlanAxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAxis

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Axe {n}")
    order = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(ActionPlanFactory)
    theme = factory.LazyFunction(lambda: Theme.objects.order_by("pk").first())
    title = factory.Sequence(lambda n: f"Action {n}")
    order = factory.Sequence(lambda n: n + 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    name = factory.Sequence(lambda n: f"Jalon {n}")
    due_date = datetime.date(2026, 6, 30)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    action = factory.SubFactory(ActionFactory)
    year = factory.LazyAttribute(lambda line: line.action.plan.start_year)
    kind = BudgetKind.INVESTMENT
    forecast = Decimal("10000.00")


class CoFunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoFunder

    action = factory.SubFactory(ActionFactory)
    name = factory.Sequence(lambda n: f"Cofinanceur {n}")
    amount = Decimal("5000.00")
    status = CoFunderStatus.REQUESTED


@dataclass
class Scene:
    """The cast, a draft plan of their commune and one action a staff member is responsible for."""

    cast: object
    owner: object
    plan: ActionPlan
    action: Action

    def user(self, role):
        """The person playing `role`; "staff_owner" is the staff member responsible for `action`."""
        return self.owner if role == "staff_owner" else getattr(self.cast, role)


def build_scene(cast) -> Scene:
    commune = cast.commune
    commune.charter_signed_on = datetime.date(2008, 5, 17)
    commune.stage = Stage.PLAN_IN_PREPARATION
    commune.save()
    owner = MembershipFactory(commune=commune, role=Role.STAFF, user__full_name="Théo Titulaire").user
    plan = ActionPlanFactory(commune=commune, title="Plan climat 2024-2030")
    action = ActionFactory(
        plan=plan,
        owner=owner,
        title="Rénover le groupe scolaire Langevin",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2026, 8, 28),
    )
    return Scene(cast=cast, owner=owner, plan=plan, action=action)
