"""Accepting an invitation: signed, expiring, used once.

Newcomers set their password; existing accounts just join.
"""

import pytest
from django.urls import reverse

from communes.models import Invitation, Membership, Role
from communes.services import invitation_token
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Climat-2030-moins-50"


def accept_url(invitation):
    return reverse("communes:invitation_accept", args=[invitation_token(invitation)])


def test_a_newcomer_sets_a_password_joins_the_commune_and_is_signed_in(client, cast):
    invitation = InvitationFactory(commune=cast.commune, email="new@example.org", role=Role.REFERENT)
    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    assert "new@example.org" in page.content.decode()
    response = client.post(
        accept_url(invitation),
        {"full_name": "Nadia Nouvelle", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("communes:detail", args=[cast.commune.insee_code])
    membership = Membership.objects.get(user__email="new@example.org")
    assert (membership.commune, membership.role, membership.user.full_name) == (
        cast.commune,
        Role.REFERENT,
        "Nadia Nouvelle",
    )
    assert membership.user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership.user
    assert client.get(reverse("communes:detail", args=[cast.commune.insee_code])).status_code == 200


def test_a_weak_password_is_refused_and_nothing_is_created(client, cast):
    invitation = InvitationFactory(commune=cast.commune, email="new@example.org")
    response = client.post(
        accept_url(invitation), {"full_name": "Nadia", "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Membership.objects.filter(user__email="new@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_link_works_only_once(client, cast):
    invitation = InvitationFactory(commune=cast.commune, email="new@example.org")
    data = {"full_name": "Nadia", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(accept_url(invitation), data)
    client.logout()
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "déjà été acceptée" in response.content.decode()


def test_an_expired_link_is_refused(client, cast, settings):
    settings.INVITATION_MAX_AGE = -1
    invitation = InvitationFactory(commune=cast.commune)
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()


def test_a_tampered_link_is_refused(client, cast):
    invitation = InvitationFactory(commune=cast.commune)
    url = accept_url(invitation)
    response = client.get(url[:-3] + "abc/")
    assert response.status_code == 410
    assert "pas valide" in response.content.decode()


def test_a_withdrawn_invitation_is_refused(client, cast):
    invitation = InvitationFactory(commune=cast.commune)
    client.force_login(cast.advisor)
    client.post(reverse("communes:invitation_revoke", args=[cast.commune.insee_code, invitation.pk]))
    client.logout()
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "a été retirée" in response.content.decode()


def test_reinviting_replaces_the_pending_invitation(client, cast):
    client.force_login(cast.advisor)
    invite = reverse("communes:invite", args=[cast.commune.insee_code])
    client.post(invite, {"email": "new@example.org", "role": Role.STAFF})
    client.post(invite, {"email": "new@example.org", "role": Role.REFERENT})
    invitations = cast.commune.invitations.order_by("pk")
    assert [(i.role, i.is_pending) for i in invitations] == [(Role.STAFF, False), (Role.REFERENT, True)]


def test_an_existing_account_joins_without_touching_its_password(client, cast, password):
    existing = UserFactory(email="known@example.org")
    invitation = InvitationFactory(commune=cast.commune, email="known@example.org", role=Role.ELECTED)
    page = client.get(accept_url(invitation))
    assert page.context["form"] is None
    response = client.post(accept_url(invitation))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert Membership.objects.filter(user=existing, commune=cast.commune, role=Role.ELECTED).exists()
    existing.refresh_from_db()
    assert existing.check_password(password)


def test_a_signed_in_person_cannot_accept_an_invitation_sent_to_someone_else(client, cast):
    invitation = InvitationFactory(commune=cast.commune, email="someone@example.org")
    client.force_login(cast.outsider)
    response = client.post(accept_url(invitation))
    assert response.status_code == 409
    assert not Membership.objects.filter(user=cast.outsider, commune=cast.commune).exists()


# --- the advisor role is granted and withdrawn by those who assign advisors -----------------------


def invite_url(cast):
    return reverse("communes:invite", args=[cast.commune.insee_code])


def test_an_advisor_is_not_offered_the_advisor_role_and_cannot_post_it(client, cast):
    client.force_login(cast.advisor)
    choices = dict(client.get(invite_url(cast)).context["form"].fields["role"].choices)
    assert Role.ADVISOR not in choices and Role.REFERENT in choices
    response = client.post(invite_url(cast), {"email": "friend@example.org", "role": Role.ADVISOR})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_administrator_invites_an_advisor(client, cast):
    client.force_login(cast.admin)
    response = client.post(invite_url(cast), {"email": "new.advisor@example.org", "role": Role.ADVISOR})
    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.ADVISOR


def remove_url(cast, membership):
    return reverse("communes:membership_remove", args=[cast.commune.insee_code, membership.pk])


def test_an_advisor_cannot_remove_a_co_advisor_the_administrator_assigned(client, cast):
    co_advisor = MembershipFactory(commune=cast.commune, role=Role.ADVISOR)
    client.force_login(cast.advisor)
    assert client.post(remove_url(cast, co_advisor)).status_code == 403
    assert Membership.objects.filter(pk=co_advisor.pk).exists()
    own = Membership.objects.get(user=cast.advisor, commune=cast.commune)
    assert client.post(remove_url(cast, own)).status_code == 403
    assert Membership.objects.filter(pk=own.pk).exists()


def test_the_administrator_removes_an_advisor(client, cast):
    co_advisor = MembershipFactory(commune=cast.commune, role=Role.ADVISOR)
    client.force_login(cast.admin)
    assert client.post(remove_url(cast, co_advisor)).status_code == 302
    assert not Membership.objects.filter(pk=co_advisor.pk).exists()


def test_an_advisor_still_removes_the_roles_they_may_grant(client, cast):
    staff = Membership.objects.get(user=cast.staff, commune=cast.commune)
    client.force_login(cast.advisor)
    assert client.post(remove_url(cast, staff)).status_code == 302
    assert not Membership.objects.filter(pk=staff.pk).exists()


def test_an_advisor_cannot_withdraw_an_advisor_invitation(client, cast):
    invitation = InvitationFactory(
        commune=cast.commune, email="pending.advisor@example.org", role=Role.ADVISOR, invited_by=cast.admin
    )
    client.force_login(cast.advisor)
    url = reverse("communes:invitation_revoke", args=[cast.commune.insee_code, invitation.pk])
    assert client.post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_the_commune_page_offers_an_advisor_no_button_to_remove_an_advisor(client, cast):
    co_advisor = MembershipFactory(commune=cast.commune, role=Role.ADVISOR)
    staff = Membership.objects.get(user=cast.staff, commune=cast.commune)
    client.force_login(cast.advisor)
    page = client.get(reverse("communes:detail", args=[cast.commune.insee_code])).content.decode()
    assert remove_url(cast, staff) in page
    assert remove_url(cast, co_advisor) not in page
    client.force_login(cast.admin)
    page = client.get(reverse("communes:detail", args=[cast.commune.insee_code])).content.decode()
    assert remove_url(cast, co_advisor) in page
