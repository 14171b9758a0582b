"""The API's test world: the cast's commune with a published plan (and a later draft version), another
commune with an adopted plan it did not publish, an open dataset, a demonstration one and a closed one,
and generated documents; clients with a personal token per role."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from accounts.services import api_token_create
from actions.models import Action, ActionPlan, BudgetKind, FollowUpNote
from actions.services import plan_publish
from observatory.models import Dataset
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    MilestoneFactory,
    adopted_plan,
    build_scene,
)
from tests.observatory.helpers import import_rows, series_rows

API = "/api/v1"

# Texts that must never reach an anonymous answer.
DRAFT_TITLE = "Brouillon secret de la version 2"
DRAFT_ACTION = "Action secrète du brouillon"
UNPUBLISHED_TITLE = "Plan adopté non publié d'Échirolles"
UNPUBLISHED_ACTION = "Action d'un plan non publié"
NOTE_TEXT = "Note de suivi confidentielle"
OWNER_NAME = "Service technique de Monsieur Dupont"


@dataclass
class World:
    cast: object
    scene: object
    published: ActionPlan
    published_action: Action
    draft: ActionPlan
    unpublished: ActionPlan
    unpublished_action: Action
    open_dataset: Dataset
    demo_dataset: Dataset
    closed_dataset: Dataset
    public_document: GeneratedDocument
    private_document: GeneratedDocument


@pytest.fixture
def scene(cast):
    return build_scene(cast)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def build_world(cast, scene) -> World:
    commune, other = cast.commune, cast.other_commune
    published = adopted_plan(commune, title="Plan climat publié de Saint-Martin-d'Hères", version=9)
    action = ActionFactory(
        plan=published,
        title="Isoler la mairie",
        owner=scene.owner,
        elected_referent="Mme la maire adjointe",
        partners=OWNER_NAME,
        status="in_progress",
        progress=30,
        mwh_saved=Decimal("12.5"),
        achieved_mwh_saved=Decimal("4"),
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    ActionFactory(plan=published, title="Former les agents", owner_name=OWNER_NAME, status="planned")
    MilestoneFactory(action=action, name="Audit énergétique", due_date=datetime.date(2024, 9, 30))
    BudgetLineFactory(action=action, year=2024, kind=BudgetKind.INVESTMENT, actual=Decimal("8000"))
    BudgetLineFactory(action=action, year=2025, kind=BudgetKind.OPERATING, forecast=Decimal("1500"))
    FollowUpNote.objects.create(
        action=action, author=scene.owner, date=datetime.date(2025, 1, 5), text=NOTE_TEXT
    )
    published = plan_publish(plan=published, user=cast.advisor, published=True)
    draft = ActionPlanFactory(commune=commune, title=DRAFT_TITLE, version=10, previous_version=published)
    ActionFactory(plan=draft, title=DRAFT_ACTION)

    unpublished = adopted_plan(other, title=UNPUBLISHED_TITLE)
    unpublished_action = ActionFactory(
        plan=unpublished, title=UNPUBLISHED_ACTION, status="done", progress=100
    )

    years = [2019, 2020, 2021]
    codes = [commune.insee_code, other.insee_code]
    open_dataset = Dataset.objects.create(
        code="open-api", name="Données ouvertes", producer="ORCAE", is_open=True
    )
    demo_dataset = Dataset.objects.create(code="demo-api", name="Démonstration", producer="PCL", is_demo=True)
    closed_dataset = Dataset.objects.get(code="orcae")  # the Métro's own, not open
    import_rows(series_rows(codes, years, base=1000.0), dataset_code="open-api", user=cast.admin)
    import_rows(series_rows(codes, years, base=777_777.0), dataset_code="demo-api", user=cast.admin)
    import_rows(series_rows(codes, years, base=555_555.0), dataset_code="orcae", user=cast.admin)

    public_document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        territory=commune.territory,
        commune=commune,
        plan=published,
        status=DocumentStatus.DONE,
        is_frozen=True,
        size=1234,
    )
    private_document = GeneratedDocument.objects.create(
        kind=DocumentKind.COMMUNE_REPORT,
        territory=other.territory,
        commune=other,
        year=2025,
        status=DocumentStatus.DONE,
        size=4321,
    )
    return World(
        cast=cast,
        scene=scene,
        published=published,
        published_action=action,
        draft=draft,
        unpublished=unpublished,
        unpublished_action=unpublished_action,
        open_dataset=open_dataset,
        demo_dataset=demo_dataset,
        closed_dataset=closed_dataset,
        public_document=public_document,
        private_document=private_document,
    )


@pytest.fixture
def world(cast, scene) -> World:
    return build_world(cast, scene)


def token_client(user) -> Client:
    _row, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def as_token(scene):
    """A client sending the personal token of the person playing `role` (tests/actions/factories.Scene)."""
    return lambda role: token_client(scene.user(role))


@pytest.fixture
def anonymous() -> Client:
    return Client()
