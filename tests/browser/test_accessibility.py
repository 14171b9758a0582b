"""axe-core (WCAG 2.1 A and AA rules, the basis of the RGAA) finds no violation on any page of the platform,
in any of its states: forms sent back with their errors, menus and dialogs opened, the data behind the
charts unfolded, filters that find nothing, a second page of a list, English, a phone's 390 px.

A few tours, one per role (each signs in once on one data set, then visits many pages and states): adding
a page is adding its path to a list, adding a state is one `State`/`with_errors`/`open_details`/`open_menu`
line. docs/accessibility.md lists which tour covers which page and state."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AuditAction
from accounts.services import audit_record
from actions.models import ActionStatus, BudgetKind, CatalogueAction
from communes import services as commune_services
from communes.models import Role, Stage
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
from tests.browser.conftest import (
    State,
    click,
    describe_tour,
    open_details,
    open_menu,
    sign_in,
    submit,
    tour_problems,
    with_errors,
)
from tests.factories import (
    PASSWORD,
    CommuneFactory,
    InvitationFactory,
    MembershipFactory,
    SignatoryFactory,
    UserFactory,
)
from tests.observatory.helpers import csv_text, run_import, series_rows
from workgroups.models import Decision, Meeting
from workgroups.services import decision_save, group_setup, meeting_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    target = Target.objects.order_by("pk").first()  # the agglomeration's, from the reference data
    letter = letter_assemble(
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31), user=advisor
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


def test_pages_without_an_account_have_no_accessibility_violation(live_server, page, network):
    """Signing in, a forgotten password, an invitation to follow, a page that does not exist."""
    user = network["advisor"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset = f"/password/reset/{uid}/{default_token_generator.make_token(user)}/"
    invited = f"/invitations/{commune_services.invitation_token(network['invitation'])}/"
    steps = [
        "/login/",
        with_errors("/login/"),
        with_errors("/login/", fill={"#id_username": "claire@example.org", "#id_password": "faux"}),
        "/password/reset/",
        with_errors("/password/reset/", fill={"#id_email": "pas-une-adresse"}),
        "/password/reset/sent/",
        "/password/reset/MQ/mauvais-jeton/",
        reset,
        # Django's confirm view moves the token into the session: the form now stands at .../set-password/.
        State(
            reset,
            "form with errors",
            lambda page: (
                page.locator("#id_new_password1").fill("court"),
                page.locator("#id_new_password2").fill("autre"),
                page.locator("main form button[type=submit]").click(),
                page.wait_for_load_state(),
            ),
            shows=".invalid-feedback, .errorlist, .is-invalid",
        ),
        "/password/reset/done/",
        invited,
        with_errors(invited),
        "/invitations/jeton-inconnu/",
        "/cette-page-n-existe-pas/",
    ]
    assert_no_problem(page, live_server.url, steps)
    assert_no_problem(page, live_server.url, ["/login/", "/password/reset/"], width=390)
    # A state the tour does not reach is reported, not passed over.
    unreached = State("/login/", "never", shows="#no-such-element")
    assert tour_problems(page, live_server.url, [unreached]) == {
        "/login/ [never]": "state not reached: nothing matches #no-such-element"
    }
    choose_language(page, "en")
    assert_no_problem(page, live_server.url, ["/login/", with_errors("/login/"), "/password/reset/"])


def test_administrator_pages_have_no_accessibility_violation(live_server, page, network):
    """Everything the network's administrator runs: communes, signatories, audit, observatory imports and
    targets, catalogue, letters, documents, the network's dashboard; with their forms' errors."""
    n = network
    letter, entry = n["letter"].pk, n["entry"].pk
    steps = [
        "/portfolio/",
        open_menu("/portfolio/", "#nav-evaluation", "evaluation menu open"),
        open_menu("/portfolio/", USER_MENU, "account menu open"),
        "/communes/",
        f"/communes/?q={NOTHING_FOUND}",
        State("/communes/?page=2", "second page", shows=".pagination"),
        "/communes/38382/",
        "/communes/38382/edit/",
        with_errors("/communes/38382/edit/", clear=False, fill={"#id_population": "-5"}),
        "/communes/38382/invite/",
        with_errors("/communes/38382/invite/"),
        "/signatories/",
        "/signatories/?type=company",
        "/signatories/new/",
        with_errors("/signatories/new/"),
        f"/signatories/{n['signatory'].pk}/edit/",
        "/account/",
        State("/account/", "saved", submit(clear=False), shows=".alert-success"),
        "/password/change/",
        with_errors("/password/change/"),
        "/audit/",
        State("/audit/?page=2", "second page", shows=".pagination"),
        f"/audit/?q={NOTHING_FOUND}",
        "/observatory/",
        open_details("/observatory/"),
        open_menu("/observatory/", "main [data-bs-toggle=dropdown]", "downloads menu open"),
        "/observatory/imports/",
        "/observatory/imports/new/",
        with_errors("/observatory/imports/new/"),
        f"/observatory/imports/{n['batch'].pk}/",
        "/observatory/targets/",
        "/observatory/targets/new/",
        with_errors("/observatory/targets/new/", fill={"#id_target_year": "1800"}),
        f"/observatory/targets/{n['target'].pk}/edit/",
        "/catalogue/",
        f"/catalogue/?q={NOTHING_FOUND}",
        f"/catalogue/{entry}/",
        "/catalogue/new/",
        with_errors("/catalogue/new/"),
        f"/catalogue/{entry}/edit/",
        "/reporting/",
        open_details("/reporting/"),
        "/reporting/?year_from=2023&year_to=2023",
        "/reporting/letters/",
        "/reporting/letters/new/",
        with_errors("/reporting/letters/new/"),
        f"/reporting/letters/{letter}/",
        f"/reporting/letters/{letter}/edit/",
        with_errors(f"/reporting/letters/{letter}/edit/"),
        State(f"/reporting/letters/{letter}/email/", "the email as sent", email=True),
        "/reporting/documents/",
        f"/reporting/documents/{n['document'].pk}/",
        "/workgroups/reminders/",
    ]
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    assert_no_problem(page, live_server.url, steps)
    phone = [
        open_menu("/communes/", ".navbar-toggler", "menu open"),
        "/signatories/",
        "/audit/",
        "/observatory/",
        "/observatory/imports/",
        "/observatory/targets/",
        "/reporting/",
        "/reporting/letters/",
        f"/reporting/letters/{letter}/edit/",
        "/reporting/documents/",
    ]
    assert_no_problem(page, live_server.url, phone, width=390)


def test_advisor_pages_have_no_accessibility_violation(live_server, page, network):
    """The advisor's commune, plan, actions, working group, dashboard, documents and observatory; each
    form sent back with its errors, the data tables and folded forms opened; a phone; English."""
    n = network
    plan, action, meeting = n["plan"].pk, n["action"].pk, n["meeting"].pk
    steps = [
        "/portfolio/",
        "/communes/38382/",
        "/communes/38382/plans/new/",
        with_errors("/communes/38382/plans/new/"),
        f"/plans/{plan}/",
        open_menu(f"/plans/{plan}/", "#plan-more-button", "plan menu open"),
        f"/plans/{plan}/?flag=late",
        f"/plans/{plan}/?status=done",
        f"/plans/{plan}/edit/",
        with_errors(f"/plans/{plan}/edit/"),
        f"/plans/{plan}/status/submitted/",
        f"/plans/{plan}/status/deliberated/",
        with_errors(f"/plans/{plan}/status/deliberated/"),
        f"/plans/{plan}/axes/",
        with_errors(f"/plans/{plan}/axes/", form="main form[novalidate]"),
        f"/plans/{plan}/schedule/",
        f"/plans/{plan}/budget/",
        f"/plans/{plan}/history/",
        f"/plans/{n['adopted'].pk}/",
        f"/plans/{n['adopted'].pk}/status/closed/",
        "/communes/38474/documents/",
        f"/plans/{plan}/import/",
        with_errors(f"/plans/{plan}/import/"),
        f"/plans/{plan}/actions/new/",
        with_errors(f"/plans/{plan}/actions/new/", fill={"#id_tco2e_avoided": "beaucoup"}),
        f"/actions/{action}/",
        open_details(f"/actions/{action}/"),
        f"/actions/{action}/edit/",
        with_errors(f"/actions/{action}/edit/"),
        f"/actions/{action}/planning/",
        with_errors(f"/actions/{action}/planning/", clear=False, fill={"#id_milestones-0-name": ""}),
        f"/actions/{action}/budget/",
        with_errors(f"/actions/{action}/budget/", clear=False, fill={BUDGET_CELL: "beaucoup"}),
        "/catalogue/",
        f"/catalogue/?plan={plan}",
        f"/catalogue/{n['entry'].pk}/?plan={plan}",
        "/communes/38382/group/",
        "/communes/38382/group/edit/",
        "/communes/38382/group/members/new/",
        with_errors("/communes/38382/group/members/new/"),
        f"/communes/38382/group/members/{n['group'].members.first().pk}/",
        "/communes/38382/group/meetings/new/",
        with_errors("/communes/38382/group/meetings/new/"),
        f"/meetings/{meeting}/",
        open_details(f"/meetings/{meeting}/"),
        f"/meetings/{meeting}/edit/",
        f"/decisions/{n['decision'].pk}/edit/",
        with_errors(f"/decisions/{n['decision'].pk}/edit/"),
        f"/decisions/{n['decision'].pk}/delete/",
        "/communes/38382/dashboard/",
        open_details("/communes/38382/dashboard/"),
        "/communes/38382/documents/",
        open_details("/communes/38382/documents/"),
        "/observatory/communes/38382/",
        "/to-update/",
        State("/to-update/?page=2", "second page", shows=".pagination"),
        # Last, what removes data: a deletion, a member withdrawn, an invitation revoked.
        click(f"/plans/{plan}/axes/", "#axes form button", "axis deleted"),
        click("/communes/38382/", "#pending-invitations form button", "invitation revoked"),
        click(f"/actions/{n['late'].pk}/", "form[action$='/delete/'] button", "action deleted"),
        click(f"/decisions/{n['decision'].pk}/delete/", "main form button[type=submit]", "decision removed"),
    ]
    sign_in(page, live_server.url, "claire@example.org", PASSWORD)
    assert_no_problem(page, live_server.url, steps)

    phone = [
        "/portfolio/",
        open_menu("/portfolio/", ".navbar-toggler", "menu open"),
        "/communes/",
        "/communes/38382/",
        f"/plans/{plan}/",
        open_menu(f"/plans/{plan}/", "#plan-more-button", "plan menu open"),
        f"/actions/{action}/",
        f"/actions/{action}/budget/",
        with_errors(f"/plans/{plan}/actions/new/"),
        f"/plans/{plan}/schedule/",
        f"/plans/{plan}/budget/",
        "/communes/38382/dashboard/",
        "/observatory/communes/38382/",
        "/to-update/",
        "/catalogue/",
    ]
    assert_no_problem(page, live_server.url, phone, width=390)

    choose_language(page, "en")
    english = [
        "/portfolio/",
        f"/plans/{plan}/",
        with_errors(f"/plans/{plan}/actions/new/"),
        "/communes/38382/dashboard/",
        "/observatory/communes/38382/",
    ]
    assert_no_problem(page, live_server.url, english)


def test_referent_and_elected_pages_have_no_accessibility_violation(live_server, new_page, network):
    """The référent's follow-up (with its errors); what an élu reads."""
    plan, late, meeting = network["plan"].pk, network["late"].pk, network["meeting"].pk
    page = new_page()
    sign_in(page, live_server.url, "romain@example.org", PASSWORD)
    referent = [
        "/communes/38382/",
        "/to-update/",
        f"/actions/{late}/follow-up/",
        with_errors(f"/actions/{late}/follow-up/", clear=False, fill={"#id_progress": "250"}),
        open_details(f"/actions/{late}/follow-up/"),
        f"/actions/{late}/",
        f"/actions/{late}/planning/",
        f"/plans/{plan}/",
        f"/meetings/{meeting}/",
        f"/meetings/{meeting}/edit/",
        with_errors(f"/meetings/{meeting}/edit/", clear=False, fill={"#id_starts_at": "demain"}),
    ]
    assert_no_problem(page, live_server.url, referent)

    page = new_page()
    sign_in(page, live_server.url, "emile@example.org", PASSWORD)
    elected = [
        "/communes/38382/",
        f"/plans/{plan}/",
        "/communes/38382/dashboard/",
        open_details("/communes/38382/dashboard/"),
        "/communes/38382/documents/",
        "/communes/38382/group/",
        "/observatory/communes/38382/",
        # A page the élu may not open.
        "/audit/",
    ]
    assert_no_problem(page, live_server.url, elected)
