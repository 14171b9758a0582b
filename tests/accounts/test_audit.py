"""The audit log: what is recorded (sign-ins, roles, invitations, publications, deletions), that it
cannot be changed, and who reads and exports it."""

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, User
from actions.models import Action, CatalogueAction
from actions.services import action_delete, axis_delete
from communes import permissions
from communes.models import Agency, Membership, Role
from communes.services import commune_update, invitation_token
from reporting import letters
from tests.actions.factories import PlanAxisFactory, build_scene
from tests.actions.helpers import adopt, territory_catalogue_entry
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.7"


def events(action=None):
    found = AuditEvent.objects.order_by("pk")
    return list(found.filter(action=action) if action else found)


def only(action):
    found = events(action)
    assert len(found) == 1, found
    return found[0]


def sign_in(client, email, password, **headers):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **headers)


# --- sign-ins -------------------------------------------------------------------------------------


def test_a_sign_in_is_recorded_with_the_client_address_the_proxy_reports(client, settings, password):
    settings.TRUSTED_PROXIES = [PROXY]
    user = UserFactory(email="claire@example.org")
    sign_in(client, "claire@example.org", password, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.4")
    event = only(AuditAction.SIGN_IN)
    assert (event.actor, event.actor_email, event.ip_address) == (user, "claire@example.org", "198.51.100.4")


def test_a_failed_sign_in_records_the_email_tried_and_the_address_never_the_password(client):
    UserFactory(email="claire@example.org")
    sign_in(client, "claire@example.org", "my-secret-guess", REMOTE_ADDR="203.0.113.9")
    event = only(AuditAction.SIGN_IN_FAILED)
    assert (event.actor, event.target, event.ip_address) == (None, "claire@example.org", "203.0.113.9")
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "my-secret-guess" not in stored


def test_a_lockout_is_recorded_once_and_refused_attempts_add_nothing(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.org")
    for _ in range(2):
        sign_in(client, "claire@example.org", "wrong")
    lockout = only(AuditAction.LOCKOUT)
    assert lockout.target == "claire@example.org"
    assert lockout.details["locked"] == ["email"]
    before = len(events())
    for _ in range(5):
        sign_in(client, "claire@example.org", password)
    assert len(events()) == before
    assert not events(AuditAction.SIGN_IN)


# --- roles and invitations ------------------------------------------------------------------------


def test_an_invitation_sent_withdrawn_then_another_accepted_is_recorded(client, cast):
    client.force_login(cast.advisor)
    invite = reverse("communes:invite", args=[cast.commune.insee_code])
    client.post(invite, {"email": "first@example.org", "role": Role.STAFF})
    invitation = cast.commune.invitations.get()
    client.post(reverse("communes:invitation_revoke", args=[cast.commune.insee_code, invitation.pk]))
    sent, revoked = only(AuditAction.INVITATION_SENT), only(AuditAction.INVITATION_REVOKED)
    assert (sent.actor, sent.commune, sent.details["email"]) == (
        cast.advisor,
        cast.commune,
        "first@example.org",
    )
    assert (revoked.actor, revoked.details["invitation_id"]) == (cast.advisor, invitation.pk)

    client.logout()
    newcomer = UserFactory(email="known@example.org")
    accepted = InvitationFactory(commune=cast.commune, email="known@example.org", role=Role.ELECTED)
    client.force_login(newcomer)
    client.post(reverse("communes:invitation_accept", args=[invitation_token(accepted)]))
    assert only(AuditAction.INVITATION_ACCEPTED).actor == newcomer
    granted = only(AuditAction.ROLE_GRANTED)
    assert (granted.actor, granted.commune, granted.details["role"]) == (newcomer, cast.commune, Role.ELECTED)


def test_removing_a_member_records_who_removed_whom(client, cast):
    membership = Membership.objects.get(user=cast.staff, commune=cast.commune)
    client.force_login(cast.advisor)
    client.post(reverse("communes:membership_remove", args=[cast.commune.insee_code, membership.pk]))
    event = only(AuditAction.ROLE_WITHDRAWN)
    assert (event.actor, event.commune, event.details["email"], event.details["role"]) == (
        cast.advisor,
        cast.commune,
        cast.staff.email,
        Role.STAFF,
    )


def test_assigning_advisors_records_each_one_granted_and_withdrawn(cast):
    newcomer = UserFactory(email="nina@example.org")
    commune_update(commune=cast.commune, data={}, advisors=[newcomer], user=cast.admin)
    assert only(AuditAction.ROLE_GRANTED).details["email"] == "nina@example.org"
    withdrawn = only(AuditAction.ROLE_WITHDRAWN)
    assert (withdrawn.actor, withdrawn.details["email"]) == (cast.admin, cast.advisor.email)


def test_roles_changed_in_the_administration_are_recorded(client, cast):
    client.force_login(cast.admin)
    membership = Membership.objects.get(user=cast.staff, commune=cast.commune)
    response = client.post(
        reverse("admin:communes_membership_change", args=[membership.pk]),
        {"user": cast.staff.pk, "commune": cast.commune.pk, "role": Role.REFERENT},
    )
    assert response.status_code == 302
    changed = only(AuditAction.ROLE_CHANGED)
    assert (changed.actor, changed.details["role"], changed.details["previous_role"]) == (
        cast.admin,
        Role.REFERENT,
        Role.STAFF,
    )
    client.post(reverse("admin:communes_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert only(AuditAction.ROLE_WITHDRAWN).details["email"] == cast.staff.email


def test_a_network_role_granted_in_the_administration_is_recorded(client, cast):
    """Officer of a territory (a territory role, in the person's page) and an agency."""
    client.force_login(cast.admin)
    person = cast.referent
    agency = Agency.objects.create(name="ALEC de la Grande Région Grenobloise")
    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": person.full_name,
            "agency": agency.pk,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "10:00:00",
            "territory_roles-TOTAL_FORMS": "1",
            "territory_roles-INITIAL_FORMS": "0",
            "territory_roles-0-territory": cast.foreign_territory.pk,
            "territory_roles-0-role": "officer",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = AuditEvent.objects.filter(action=AuditAction.NETWORK_ROLE_CHANGED).order_by("pk")
    assert [(event.actor, event.details["changes"]) for event in events] == [
        (cast.admin, {"agency": "ALEC de la Grande Région Grenobloise"}),
        (cast.admin, {"officer_of": [cast.foreign_territory.name]}),
    ]
    assert permissions.officer_territory_ids(User.objects.get(pk=person.pk)) == {cast.foreign_territory.pk}


# --- publications and deletions -------------------------------------------------------------------


def test_deleting_an_action_an_axis_and_a_catalogue_entry_is_recorded(cast, login):
    scene = build_scene(cast)
    axis = PlanAxisFactory(plan=scene.plan, title="Bâtiments communaux")
    action_delete(action=scene.action, user=cast.referent)
    axis_delete(axis=axis, user=cast.advisor)
    entry = territory_catalogue_entry(cast.territory)  # the Métro's own, which its advisor edits
    login(cast.advisor).post(reverse("actions:catalogue_delete", args=[entry.pk]))
    assert not Action.objects.exists() and not CatalogueAction.objects.filter(pk=entry.pk).exists()
    deleted = [(e.actor, e.details["object"], e.target, e.commune) for e in events(AuditAction.DELETED)]
    assert deleted == [
        (cast.referent, "action", "Rénover le groupe scolaire Langevin", cast.commune),
        (cast.advisor, "axis", "Bâtiments communaux", cast.commune),
        (cast.advisor, "catalogue_entry", entry.title, None),
    ]


def test_publishing_a_letter_is_recorded(cast):
    letter = letters.letter_assemble(
        territory=cast.territory,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        user=cast.advisor,
    )
    letter.sections.create(heading="À la une", body="Un texte")
    letters.letter_publish(letter=letter, user=cast.advisor)
    event = only(AuditAction.PUBLISHED)
    assert (event.actor, event.details) == (cast.advisor, {"object": "letter", "id": letter.pk})


def test_a_refused_deletion_records_nothing(cast):
    scene = build_scene(cast)
    adopt(scene.plan)
    with pytest.raises(ValidationError):
        action_delete(action=scene.action, user=cast.advisor)
    assert not events(AuditAction.DELETED)


# --- reading and exporting the log ----------------------------------------------------------------


def record(action, *, actor=None, target="", days_ago=0, ip="192.0.2.1", commune=None):
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        target=target,
        commune=commune,
        ip_address=ip,
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


AUDIT_REFUSED = [("advisor", 403), ("metro_officer", 403), ("referent", 403), ("elected", 403)]


@pytest.mark.parametrize("name", ["communes:audit_log", "communes:audit_log_export"])
@pytest.mark.parametrize("role, status", AUDIT_REFUSED)
def test_only_administrators_read_and_export_the_log(login, cast, name, role, status):
    record(AuditAction.SIGN_IN, actor=cast.advisor)
    assert login(getattr(cast, role)).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", ["communes:audit_log", "communes:audit_log_export"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_log_page_lists_events_newest_first_in_french(login, cast):
    client = login(cast.admin)  # itself a sign-in, recorded before the two below
    record(AuditAction.SIGN_IN, actor=cast.referent, days_ago=2)
    record(AuditAction.DELETED, actor=cast.advisor, target="Rénover l'école", commune=cast.commune)
    page = client.get(reverse("communes:audit_log"))
    assert page.status_code == 200
    rows = [(event.action, event.actor) for event in page.context["page"]]
    assert rows == [
        (AuditAction.DELETED, cast.advisor),
        (AuditAction.SIGN_IN, cast.admin),
        (AuditAction.SIGN_IN, cast.referent),
    ]
    content = page.content.decode()
    assert "Journal d’audit" in content or "Journal d'audit" in content
    assert "Suppression" in content and "Connexion" in content


def test_the_log_filters_by_action_person_and_dates(login, cast):
    record(AuditAction.SIGN_IN, actor=cast.referent, days_ago=10)
    record(AuditAction.SIGN_IN, actor=cast.advisor, days_ago=1)
    record(AuditAction.SIGN_IN_FAILED, target=cast.advisor.email, days_ago=1)
    record(AuditAction.DELETED, actor=cast.advisor, target="Une action", days_ago=1)
    client = login(cast.admin)
    AuditEvent.objects.filter(actor=cast.admin).delete()  # the administrator's own sign-in

    def shown(**query):
        return [
            (e.action, e.actor_email or e.target)
            for e in client.get(reverse("communes:audit_log"), query).context["page"]
        ]

    assert [action for action, _who in shown(action=AuditAction.SIGN_IN)] == [AuditAction.SIGN_IN] * 2
    assert shown(person="conseill", action=AuditAction.SIGN_IN) == [(AuditAction.SIGN_IN, cast.advisor.email)]
    # the failed sign-in names the advisor's email although no one was signed in
    assert {action for action, _who in shown(person=cast.advisor.email)} == {
        AuditAction.SIGN_IN,
        AuditAction.SIGN_IN_FAILED,
        AuditAction.DELETED,
    }
    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert shown(until=until) == [(AuditAction.SIGN_IN, cast.referent.email)]


def test_a_reversed_date_range_is_explained_and_shows_everything(login, cast):
    record(AuditAction.SIGN_IN, actor=cast.referent, days_ago=400)
    response = login(cast.admin).get(
        reverse("communes:audit_log"), {"since": "2026-05-01", "until": "2026-04-01"}
    )
    assert "La date de fin précède la date de début." in response.content.decode()
    assert len(response.context["page"]) == 2  # the administrator's sign-in and the old one


def test_the_log_is_paginated_in_a_bounded_number_of_queries(login, cast, django_assert_max_num_queries):
    for number in range(59):  # and the administrator's own sign-in: 60
        record(AuditAction.SIGN_IN, actor=cast.referent if number % 2 else cast.staff, commune=cast.commune)
    client = login(cast.admin)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("communes:audit_log"))
    assert len(page.context["page"]) == 50
    assert len(client.get(reverse("communes:audit_log"), {"page": 2}).context["page"]) == 10


def test_the_export_holds_the_filtered_events_with_formulas_neutralised(login, cast):
    record(AuditAction.SIGN_IN_FAILED, target='=HYPERLINK("http://evil.example","x")', ip="203.0.113.9")
    record(AuditAction.DELETED, actor=cast.advisor, target="@SUM(A1:A9)", commune=cast.commune)
    record(AuditAction.SIGN_IN, actor=cast.referent, days_ago=400)
    response = login(cast.admin).get(reverse("communes:audit_log_export"), {"action": "", "person": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="journal-audit-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Date", "Action", "Personne", "Objet", "Sur", "Commune", "Adresse du client"]
    by_action = {row[1]: row for row in rows[1:]}
    failed = by_action["Échec de connexion"]
    assert failed[4] == '\'=HYPERLINK("http://evil.example","x")' and failed[6] == "203.0.113.9"
    deleted = by_action["Suppression"]
    assert (
        deleted[4] == "'@SUM(A1:A9)" and deleted[5] == cast.commune.name and deleted[2] == cast.advisor.email
    )
    filtered = login(cast.admin).get(
        reverse("communes:audit_log_export"), {"action": AuditAction.SIGN_IN, "person": cast.referent.email}
    )
    assert len(b"".join(filtered.streaming_content).decode("utf-8-sig").strip().splitlines()) == 2


# --- append-only ------------------------------------------------------------------------------------


def test_the_administration_shows_the_log_but_cannot_add_change_or_delete(login, cast):
    client = login(cast.admin)
    event = record(AuditAction.SIGN_IN, actor=cast.referent)
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:accounts_auditevent_change", args=[event.pk]), {"target": "forged"})
    event.refresh_from_db()
    assert event.target == ""
    assert AuditEvent.objects.filter(actor=cast.referent).count() == 1


def test_an_event_still_names_its_actor_once_the_account_is_deleted(cast):
    person = UserFactory(email="gone@example.org")
    record(AuditAction.SIGN_IN, actor=person)
    person.delete()
    event = only(AuditAction.SIGN_IN)
    assert (event.actor, event.actor_email) == (None, "gone@example.org")


def test_the_administrator_is_offered_the_log_in_the_menu(login, cast):
    assert reverse("communes:audit_log") in login(cast.admin).get(reverse("communes:list")).content.decode()
    assert (
        reverse("communes:audit_log")
        not in login(cast.advisor).get(reverse("communes:list")).content.decode()
    )
