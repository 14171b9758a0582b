"""The number of queries of every main page, pinned, and the same whether the network has 5 communes or
200: a page whose count grows with the data would not hold 34,969 communes. Each scene has two
territories, the Métro (whose people are measured) and the Pays Voironnais, as large and as full: a
page's count does not grow with another territory either.

The two scenes are built once per module (bulk inserts, observatory values through the real import),
every page is measured in each, and the tests compare. When a change moves a page's count on purpose,
update PINNED below (the failure message gives both sizes' counts, and the queries when they differ).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditAction, AuditEvent
from actions.models import (
    Action,
    ActionPlan,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    HistoryEntry,
    PlanStatus,
)
from communes.models import Commune, Membership, Role, Signatory, SignatoryType, Stage, sort_key
from observatory.models import BatchStatus, Dataset, ImportBatch, ImportFormat, Target
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument, Letter, LetterStatus
from tests.factories import EpciFactory, TerritoryFactory, UserFactory, voironnais_territory
from tests.observatory.helpers import import_rows, series_rows
from workgroups.models import Reminder, ReminderReason

# Marked so that pytest-django sets the test database up; the scenes are the module fixture's.
pytestmark = pytest.mark.django_db

SIZES = (5, 200)

# page: (role, queries). The same count at both sizes.
PINNED = {
    "portfolio": ("advisor", 9),
    # +1 since territories: the administrator sees several, the list's territory filter names them.
    "communes": ("admin", 8),
    # +1 since territories on the pages of one territory (the observatory, the network dashboard, its
    # letters, the documents' network report): they read the territories the reader may choose.
    "observatory": ("metro_officer", 20),
    "observatory_commune": ("referent", 13),
    "network_dashboard": ("admin", 30),
    "commune_dashboard": ("referent", 32),
    "plan": ("referent", 7),
    "plan_budget": ("referent", 6),
    "plan_history": ("referent", 7),
    "action": ("referent", 11),
    "catalogue": ("advisor", 7),
    "catalogue_entry": ("advisor", 8),
    "documents": ("admin", 6),
    "commune_documents": ("referent", 8),
    "imports": ("metro_officer", 5),
    "targets": ("metro_officer", 6),
    "to_update": ("advisor", 6),
    "commune": ("referent", 8),
    "letters": ("admin", 6),
    "signatories": ("advisor", 7),
    "reminders": ("advisor", 5),
    "audit_log": ("admin", 5),
}


@dataclass
class Scene:
    """`size` communes followed by one advisor, each with a plan, actions and budget lines, observatory
    values, a document, a target, a reminder; as many signatories, letters, imports, history entries and
    catalogue entries. `commune` is the one the commune roles belong to; `plan` its plan."""

    size: int
    users: dict
    commune: Commune
    plan: ActionPlan
    action: Action
    entry: CatalogueAction
    urls: dict = field(default_factory=dict)


def _communes(size: int, territory, first_code: int = 70000, prefix: str = "Commune") -> list[Commune]:
    epci = EpciFactory(siren=territory.siren, name=territory.name)
    stages = [Stage.SIGNATORY, Stage.PLAN_IN_PREPARATION, Stage.IN_FOLLOW_UP]
    return Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"{first_code + index:05d}",
                name=f"{prefix} {index:03d}",
                sort_name=sort_key(f"{prefix} {index:03d}"),
                territory=territory,
                population=1000 + 10 * index,
                population_year=2021,
                epci=epci,
                charter_signed_on=datetime.date(2008, 1, 1) + datetime.timedelta(days=index),
                stage=stages[index % len(stages)],
            )
            for index in range(size)
        ]
    )


def _plans(communes, entry, owner) -> tuple[list[ActionPlan], list[Action]]:
    """One plan per commune (every other adopted), two actions each, the first commune's plan as many
    actions as a tenth of the communes; two budget lines per action."""
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(
                commune=commune,
                title=f"Plan climat {commune.name}",
                start_year=2024,
                end_year=2030,
                status=PlanStatus.FOLLOW_UP if index % 2 else PlanStatus.DRAFT,
                deliberation_date=datetime.date(2024, 3, 12) if index % 2 else None,
                deliberation_number="2024-031" if index % 2 else "",
            )
            for index, commune in enumerate(communes)
        ]
    )
    theme_id = CatalogueAction.objects.values_list("theme_id", flat=True).first()
    actions = []
    for index, plan in enumerate(plans):
        count = max(3, len(communes) // 10) if index == 0 else 2
        actions += [
            Action(
                plan=plan,
                theme_id=theme_id,
                title=f"Action {number} de {plan.commune.name}",
                order=number + 1,
                owner=owner if index == 0 else None,
                catalogue_action=entry,
                start_date=datetime.date(2025, 1, 6),
                end_date=datetime.date(2026, 8, 28),
            )
            for number in range(count)
        ]
    actions = Action.objects.bulk_create(actions)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(action=action, year=year, kind=BudgetKind.INVESTMENT, forecast=Decimal("10000.00"))
            for action in actions
            for year in (2025, 2026)
        ]
    )
    return plans, actions


def _other_territory(size: int, entry) -> None:
    """The Pays Voironnais, as full as the Métro: its communes followed by its advisor, with plans and
    actions, its officer, signatories, letters, targets, reminders and its own catalogue entries."""
    territory = voironnais_territory()
    communes = _communes(size, territory, first_code=80000, prefix="Voironnaise")
    UserFactory(full_name="Valérie Voironnais", officer_of=territory)
    advisor = UserFactory(full_name="Victor Voiron")
    Membership.objects.bulk_create(
        [Membership(user=advisor, commune=each, role=Role.ADVISOR) for each in communes]
    )
    _plans(communes, entry, advisor)
    _territory_lists(size, territory, communes, entry.theme_id, prefix="Voironnais")
    # As many values of its own dataset: the Métro's observatory pages read none of them.
    Dataset.objects.create(code="voironnais", name="Voironnais", producer="CAPV", territory=territory)
    batch = import_rows(
        series_rows([each.insee_code for each in communes], [2019, 2020, 2021]), dataset_code="voironnais"
    )
    assert batch.status == BatchStatus.DONE, batch.message


def _territory_lists(size: int, territory, communes, theme_id, prefix: str) -> None:
    """The territory's own catalogue entries, signatories, published letters, targets and reminders."""
    CatalogueAction.objects.bulk_create(
        [
            CatalogueAction(territory=territory, title=f"{prefix} action type {index:03d}", theme_id=theme_id)
            for index in range(size)
        ]
    )
    Signatory.objects.bulk_create(
        [
            Signatory(
                territory=territory,
                name=f"Bailleur {prefix} {index:03d}",
                type=SignatoryType.SOCIAL_LANDLORD,
                signed_on=None,
            )
            for index in range(size)
        ]
    )
    Letter.objects.bulk_create(
        [
            Letter(
                territory=territory,
                number=index + 1,
                title=f"Lettre {prefix} {index + 1}",
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2024, 3, 31),
                status=LetterStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for index in range(size)
        ]
    )
    Target.objects.bulk_create(
        [
            Target(territory=territory, commune=each, target_year=2030, ghg_reduction_pct=Decimal("40.0"))
            for each in communes
        ]
    )
    Reminder.objects.bulk_create(
        [
            Reminder(commune=each, reason=ReminderReason.choices[0][0], recipients="referent@example.org")
            for each in communes
        ]
    )


def build_scene(size: int) -> Scene:
    territory = TerritoryFactory()
    users = {
        "admin": UserFactory(full_name="Alice Admin", is_superuser=True, is_staff=True),
        "metro_officer": UserFactory(full_name="Marc Métro", officer_of=territory),
        "advisor": UserFactory(full_name="Claire Conseillère"),
        "referent": UserFactory(full_name="Romain Référent"),
    }
    communes = _communes(size, territory)
    commune = communes[0]
    # The values are the Métro's own dataset's (as the datasets of a platform from before territories).
    Dataset.objects.filter(code="orcae").update(territory=territory)
    Membership.objects.bulk_create(
        [Membership(user=users["advisor"], commune=each, role=Role.ADVISOR) for each in communes]
        + [Membership(user=users["referent"], commune=commune, role=Role.REFERENT)]
    )
    entry = CatalogueAction.objects.filter(is_active=True).order_by("pk").first()
    _other_territory(size, entry)
    plans, actions = _plans(communes, entry, users["referent"])
    plan = plans[0]
    action = plan.actions.order_by("order").first()
    now = timezone.now()
    batch = import_rows(
        series_rows([each.insee_code for each in communes], [2019, 2020, 2021]), user=users["metro_officer"]
    )
    assert batch.status == BatchStatus.DONE, batch.message
    catalogue_theme = entry.theme_id
    CatalogueAction.objects.bulk_create(
        [CatalogueAction(title=f"Action type {index:03d}", theme_id=catalogue_theme) for index in range(size)]
    )
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(plan=plan, action=action, user=users["referent"], summary=f"Change {index}")
            for index in range(size)
        ]
    )
    GeneratedDocument.objects.bulk_create(
        [
            GeneratedDocument(
                kind=DocumentKind.COMMUNE_REPORT,
                commune=each,
                year=2024,
                status=DocumentStatus.DONE,
                file=f"documents/bilan-{each.insee_code}.pdf",
                requested_by=users["advisor"],
            )
            for each in communes
        ]
        + [
            GeneratedDocument(
                kind=DocumentKind.DELIBERATION,
                commune=commune,
                plan=plan,
                plan_version=1,
                status=DocumentStatus.DONE,
                file=f"documents/deliberation-{index}.pdf",
                requested_by=users["referent"],
            )
            for index in range(size)
        ]
    )
    dataset = Dataset.objects.order_by("pk").first()
    ImportBatch.objects.bulk_create(
        [
            ImportBatch(
                dataset=dataset,
                format=ImportFormat.LONG,
                file=f"imports/file-{index}.csv",
                original_name=f"file-{index}.csv",
                uploaded_by=users["metro_officer"],
                status=BatchStatus.DONE,
                rows_imported=10,
                years=[2019, 2021],
            )
            for index in range(size)
        ]
    )
    Target.objects.bulk_create(
        [
            Target(territory=territory, commune=each, target_year=2030, ghg_reduction_pct=Decimal("40.0"))
            for each in communes
        ]
    )
    Signatory.objects.bulk_create(
        [
            Signatory(
                territory=territory,
                name=f"Bailleur {index:03d}",
                type=SignatoryType.SOCIAL_LANDLORD,
                signed_on=None,
            )
            for index in range(size)
        ]
    )
    Letter.objects.bulk_create(
        [
            Letter(
                territory=territory,
                number=index + 1,
                title=f"Lettre {index + 1}",
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2024, 3, 31),
                status=LetterStatus.PUBLISHED,
                published_at=now,
            )
            for index in range(size)
        ]
    )
    Reminder.objects.bulk_create(
        [
            Reminder(commune=each, reason=ReminderReason.choices[0][0], recipients="referent@example.org")
            for each in communes
        ]
    )
    AuditEvent.objects.bulk_create(
        [AuditEvent(action=AuditAction.choices[0][0], target=f"Event {index}") for index in range(size)]
    )
    scene = Scene(size=size, users=users, commune=commune, plan=plan, action=action, entry=entry)
    insee = commune.insee_code
    scene.urls = {
        "portfolio": reverse("communes:portfolio"),
        "communes": reverse("communes:list"),
        "observatory": reverse("observatory:agglomeration"),
        "observatory_commune": reverse("observatory:commune", args=[insee]),
        "network_dashboard": reverse("reporting:network_dashboard"),
        "commune_dashboard": reverse("reporting:commune_dashboard", args=[insee]),
        "plan": reverse("actions:plan", args=[plan.pk]),
        "plan_budget": reverse("actions:plan_budget", args=[plan.pk]),
        "plan_history": reverse("actions:plan_history", args=[plan.pk]),
        "action": reverse("actions:action", args=[action.pk]),
        "catalogue": reverse("actions:catalogue"),
        "catalogue_entry": reverse("actions:catalogue_detail", args=[entry.pk]),
        "documents": reverse("reporting:documents"),
        "commune_documents": reverse("reporting:commune_documents", args=[insee]),
        "imports": reverse("observatory:imports"),
        "targets": reverse("observatory:targets"),
        "to_update": reverse("actions:to_update"),
        "commune": reverse("communes:detail", args=[insee]),
        "letters": reverse("reporting:letters"),
        "signatories": reverse("communes:signatories"),
        "reminders": reverse("workgroups:reminders"),
        "audit_log": reverse("communes:audit_log"),
    }
    return scene


@dataclass
class Measure:
    status: int
    queries: list[str]
    listed: int | None  # the rows of a paginated list (all its pages), None on other pages
    shown: int | None  # the rows of the page shown


def measure_pages(scene: Scene) -> dict[str, Measure]:
    """Each page, asked once to warm what a running server keeps (translations, content types), then
    measured with an empty cache: the count of a first visit."""
    measures = {}
    for page, (role, _pinned) in PINNED.items():
        client = Client()
        client.force_login(scene.users[role])
        url = scene.urls[page]
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        paginated = response.context.get("page") if response.context else None
        paginated = paginated if hasattr(paginated, "paginator") else None
        measures[page] = Measure(
            status=response.status_code,
            queries=[query["sql"] for query in captured.captured_queries],
            listed=paginated.paginator.count if paginated else None,
            shown=len(paginated.object_list) if paginated else None,
        )
    return measures


FAST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[int, dict[str, Measure]]:
    """Both scenes, each built in a transaction rolled back once its pages are measured."""
    results = {}
    with django_db_blocker.unblock(), override_settings(**FAST_SETTINGS):
        for size in SIZES:
            with transaction.atomic():
                scene = build_scene(size)
                cache.clear()
                results[size] = measure_pages(scene)
                transaction.set_rollback(True)
            translation.deactivate()
    cache.clear()
    return results


def _difference(small: list[str], large: list[str]) -> str:
    lines = [f"--- {SIZES[0]} communes ---", *small, f"--- {SIZES[1]} communes ---", *large]
    return "\n".join(lines)


@pytest.mark.parametrize("page", list(PINNED))
def test_page_query_count_is_pinned_and_does_not_grow_with_the_communes(measured, page):
    role, pinned = PINNED[page]
    small, large = (measured[size][page] for size in SIZES)
    assert (small.status, large.status) == (200, 200), f"{page} ({role}): HTTP {small.status}, {large.status}"
    small_count, large_count = len(small.queries), len(large.queries)
    counts = f"{page} ({role}): {small_count} queries with {SIZES[0]} communes, {large_count} with {SIZES[1]}"
    assert small_count == large_count, f"{counts}\n{_difference(small.queries, large.queries)}"
    assert small_count == pinned, f"{counts}; pinned {pinned}"


@pytest.mark.parametrize(
    "page",
    ["communes", "plan_history", "catalogue", "catalogue_entry", "documents", "commune_documents", "imports"]
    + ["targets"]
    + ["to_update", "letters", "signatories", "reminders", "audit_log"],
)
def test_a_long_list_shows_one_page_of_it(measured, page):
    """The scenes reach the lists (the counts above are not those of empty pages), and the larger one
    is cut into pages."""
    small, large = (measured[size][page] for size in SIZES)
    assert 0 < small.listed < large.listed
    assert small.shown == min(small.listed, large.shown)
    assert large.shown in (25, 50)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
@pytest.mark.parametrize("page", list(PINNED))
def test_no_page_reads_its_lists_through_a_server_side_cursor(measured, page):
    """A filter's short list (themes, advisors, datasets) is one query (pcl.forms.ModelChoiceField), not
    Django's `iterator()` cursor: DECLARE, FETCH and CLOSE, three round trips on every read."""
    declared = [sql for size in SIZES for sql in measured[size][page].queries if sql.startswith("DECLARE")]
    assert declared == []
