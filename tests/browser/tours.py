"""What the accessibility tours share: the data set they visit (`network`, a fixture registered by
tests/browser/conftest.py), and the helpers that run a tour and fail with every page's problems.

One module per role's tour (test_accessibility*.py) so that `--dist loadscope` runs them on different
workers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record
from actions.models import ActionStatus, BudgetKind, CatalogueAction
from communes.models import Role, Stage
from communes.outlines import SHIPPED_OUTLINES, SHIPPED_SOURCE, outlines_import
from observatory.models import ImportBatch, Target
from reporting.letters import letter_assemble
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    PlanAxisFactory,
    adopted_plan,
)
from tests.browser.fixtures import describe_tour, tour_problems
from tests.factories import (
    CommuneFactory,
    InvitationFactory,
    MembershipFactory,
    SignatoryFactory,
    UserFactory,
)
from tests.observatory.helpers import csv_text, run_import, series_rows
from workgroups.models import Decision, Meeting
from workgroups.services import decision_save, group_setup, meeting_save

USER_MENU = "header .dropdown-toggle[data-bs-toggle=dropdown]:not(#nav-evaluation)"
NOTHING_FOUND = "zzz-introuvable"
BUDGET_CELL = "#budget-grid input[type=text]:not([disabled]) >> nth=0"


@pytest.fixture
def network(settings, tmp_path, monkeypatch):
    """One commune with every kind of content: members and a pending invitation, a plan in preparation
    with an axis, actions (one late) and their milestones, budget and co-funders, a working group that
    met and decided, observatory figures and a target, a letter, a failed document. Lists show two
    items a page, so that a second page exists."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("communes.views.COMMUNES_PER_PAGE", 2)
    monkeypatch.setattr("communes.views.AUDIT_EVENTS_PER_PAGE", 2)
    monkeypatch.setattr("actions.views.follow_up.TO_UPDATE_PAGE_SIZE", 1)
    monkeypatch.setattr("pcl.pagination.PAGE_SIZE", 2)
    commune = CommuneFactory(
        name="Saint-Égrève",
        insee_code="38382",
        population=16_000,
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on=datetime.date(2007, 3, 1),
    )
    sassenage = CommuneFactory(
        name="Sassenage", insee_code="38474", stage=Stage.PLAN_DELIBERATED, charter_signed_on="2008-01-15"
    )
    CommuneFactory(name="Fontaine", insee_code="38169")
    # The Métro's outlines, shipped with the platform: the observatory's map draws its communes.
    outlines_import(
        territory_id=commune.territory_id, data=SHIPPED_OUTLINES.read_bytes(), source=SHIPPED_SOURCE
    )
    admin = UserFactory(email="admin@example.org", full_name="Alice Admin", is_superuser=True, is_staff=True)
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    referent = UserFactory(email="romain@example.org", full_name="Romain Référent")
    elected = UserFactory(email="emile@example.org", full_name="Émile Élu")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    MembershipFactory(user=referent, commune=commune, role=Role.REFERENT)
    MembershipFactory(user=elected, commune=commune, role=Role.ELECTED)
    MembershipFactory(user=advisor, commune=sassenage, role=Role.ADVISOR)
    invitation = InvitationFactory(commune=commune, invited_by=advisor, email="nina@example.org")
    signatory = SignatoryFactory(name="ACTIS", signed_on="2005-06-14")
    for user in (advisor, referent, elected):
        audit_record(action=AuditAction.ROLE_GRANTED, actor=admin, target=user.email, commune=commune)

    plan = ActionPlanFactory(
        commune=commune, title="Plan climat de Saint-Égrève", start_year=2025, end_year=2030
    )
    axis = PlanAxisFactory(plan=plan, title="Sobriété")
    today = timezone.localdate()
    late = ActionFactory(
        plan=plan,
        axis=axis,
        owner=referent,
        title="Chaufferie bois de l'école",
        status=ActionStatus.PLANNED,
        start_date=datetime.date(2025, 3, 1),
        end_date=today - datetime.timedelta(days=10),
    )
    action = ActionFactory(
        plan=plan,
        title="Éclairage public à LED",
        catalogue_action=CatalogueAction.objects.first(),
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    for each in (late, action):
        BudgetLineFactory(action=each, year=2026, kind=BudgetKind.INVESTMENT, forecast=Decimal("40000"))
        MilestoneFactory(action=each, name="Consultation des entreprises", due_date="2026-02-01")
    CoFunderFactory(action=action)
    # A plan voted by the council, in follow-up: its own buttons, transitions and documents.
    adopted = adopted_plan(sassenage, title="Plan climat de Sassenage", start_year=2021, end_year=2026)
    ActionFactory(plan=adopted, title="Rénovation de la mairie", status=ActionStatus.IN_PROGRESS, progress=50)

    group = group_setup(commune=commune, user=advisor)
    meeting = meeting_save(
        meeting=Meeting(
            group=group, starts_at=timezone.now() - datetime.timedelta(days=2), minutes="Compte rendu."
        ),
        attendees=list(group.members.all()),
        user=advisor,
    )
    decision = decision_save(
        decision=Decision(meeting=meeting, text="Le groupe valide le plan."), actions=[action]
    )

    run_import(
        csv_text(series_rows(["38382", "38474"], [2005, 2015, 2022, 2023], estimated_years=(2023,))),
        user=admin,
    )
    target = Target.objects.order_by("pk").first()  # the Métro's own, which come with its territory
    letter = letter_assemble(
        territory=commune.territory,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        user=advisor,
    )
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION,
        commune=commune,
        plan=plan,
        plan_version=1,
        requested_by=advisor,
        status=DocumentStatus.FAILED,
        error="Le document n'a pas pu être généré (RuntimeError).",
    )
    return {
        "commune": commune,
        "admin": admin,
        "advisor": advisor,
        "referent": referent,
        "invitation": invitation,
        "signatory": signatory,
        "plan": plan,
        "adopted": adopted,
        "axis": axis,
        "late": late,
        "action": action,
        "group": group,
        "meeting": meeting,
        "decision": decision,
        "batch": ImportBatch.objects.get(),
        "target": target,
        "letter": letter,
        "document": document,
        "entry": CatalogueAction.objects.first(),
    }


def assert_no_problem(page, base_url, steps, **options):
    problems = tour_problems(page, base_url, steps, **options)
    assert problems == {}, describe_tour(problems)


def choose_language(page, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator("form:has(#language-select) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code
