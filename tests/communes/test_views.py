"""Every communes view through the permission matrix, and the data each one shows."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes import services
from communes.models import Agency, Commune, Invitation, Membership, Role, Signatory, Stage
from tests.factories import (
    CommuneFactory,
    InvitationFactory,
    MembershipFactory,
    SignatoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERYONE = ["admin", "metro_officer", "advisor", "referent", "staff", "elected", "outsider"]
READ_ONLY_MEMBERS = ["metro_officer", "referent", "staff", "elected"]
MANAGERS = ["admin", "advisor"]
# The roles of the other territory (the Pays Voironnais), to whom every object of the Métro is 404 (and
# the reverse: the Métro's officer and advisor on Voiron's); and everyone with no part in the commune.
FOREIGN = ["foreign_officer", "foreign_advisor"]
OUTSIDERS = ["outsider", *FOREIGN]


def commune_url(name, cast, **kwargs):
    return reverse(f"communes:{name}", kwargs={"insee_code": cast.commune.insee_code, **kwargs})


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- anonymous visitors are sent to the login page everywhere ------------------------------------


@pytest.mark.parametrize(
    "name, kwargs, method",
    [
        ("communes:portfolio", {}, "get"),
        ("communes:list", {}, "get"),
        ("communes:detail", {"insee_code": "38421"}, "get"),
        ("communes:edit", {"insee_code": "38421"}, "get"),
        ("communes:invite", {"insee_code": "38421"}, "get"),
        ("communes:invitation_revoke", {"insee_code": "38421", "invitation_id": 1}, "post"),
        ("communes:membership_remove", {"insee_code": "38421", "membership_id": 1}, "post"),
        ("communes:signatories", {}, "get"),
        ("communes:signatory_create", {}, "get"),
        ("communes:signatory_edit", {"signatory_id": 1}, "get"),
        ("accounts:account", {}, "get"),
        ("home", {}, "get"),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, cast, name, kwargs, method):
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert_login_redirect(response)


# --- portfolio ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("admin", 200), ("advisor", 200), ("outsider", 200)])
def test_portfolio_is_for_advisors_and_administrators(login, cast, role, status):
    assert login(getattr(cast, role)).get(reverse("communes:portfolio")).status_code == status


@pytest.mark.parametrize("role", ["metro_officer", "referent", "staff", "elected"])
def test_portfolio_is_refused_to_people_who_advise_no_commune(login, cast, role):
    assert login(getattr(cast, role)).get(reverse("communes:portfolio")).status_code == 403


def test_portfolio_lists_the_advisors_communes_with_their_stage_and_referent(login, cast):
    cast.commune.stage = Stage.PLAN_IN_PREPARATION
    cast.commune.charter_signed_on = "2008-05-17"
    cast.commune.save()
    response = login(cast.advisor).get(reverse("communes:portfolio"))
    content = response.content.decode()
    assert "Saint-Martin-d&#x27;Hères" in content
    assert "Échirolles" not in content  # not assigned to this advisor
    assert "Romain Référent" in content
    assert 'class="badge stage-plan_in_preparation"' in content
    assert [commune.pk for commune in response.context["communes"]] == [cast.commune.pk]


def test_administrator_can_look_at_another_advisors_portfolio(login, cast):
    response = login(cast.admin).get(reverse("communes:portfolio"), {"advisor": cast.outsider.pk})
    assert response.context["advisor"] == cast.outsider
    assert [commune.name for commune in response.context["communes"]] == ["Échirolles"]


def test_portfolio_of_49_communes_renders_in_a_bounded_number_of_queries(
    login, cast, django_assert_max_num_queries
):
    advisor = cast.advisor
    for _ in range(48):
        commune = CommuneFactory()
        MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
        MembershipFactory(commune=commune, role=Role.REFERENT)
    client = login(advisor)
    # session, user, roles, communes by stage (which count them for the pager), the page's communes,
    # their referents, then one query for each other app's part (plans, deliberated plans, working
    # groups) whatever the number of communes
    with django_assert_max_num_queries(9):
        response = client.get(reverse("communes:portfolio"))
    assert len(response.context["communes"]) == 49


# --- commune list -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_everyone_signed_in_can_open_the_commune_list(login, cast, role):
    assert login(getattr(cast, role)).get(reverse("communes:list")).status_code == 200


def test_commune_list_shows_only_the_communes_a_member_belongs_to(login, cast):
    response = login(cast.referent).get(reverse("communes:list"))
    assert [commune.name for commune in response.context["page"]] == ["Saint-Martin-d'Hères"]


def test_commune_list_shows_every_commune_to_the_metro_officer_sorted_without_accents(login, cast):
    CommuneFactory(name="Fontaine")
    response = login(cast.metro_officer).get(reverse("communes:list"))
    assert [commune.name for commune in response.context["page"]] == [
        "Échirolles",
        "Fontaine",
        "Saint-Martin-d'Hères",
    ]


def test_commune_list_filters_by_search_stage_and_advisor(login, cast):
    cast.commune.stage = Stage.SIGNATORY
    cast.commune.charter_signed_on = "2009-01-01"
    cast.commune.save()
    client = login(cast.admin)
    names = lambda **query: [c.name for c in client.get(reverse("communes:list"), query).context["page"]]  # noqa: E731
    assert names(q="martin") == ["Saint-Martin-d'Hères"]
    assert names(q="38151") == ["Échirolles"]
    assert names(stage=Stage.SIGNATORY) == ["Saint-Martin-d'Hères"]
    assert names(advisor=cast.outsider.pk) == ["Échirolles"]
    assert names(advisor=cast.advisor.pk, stage=Stage.IN_FOLLOW_UP) == []
    assert names(territory=cast.foreign_territory.slug) == ["Voiron"]
    assert names(territory=cast.territory.slug, q="38") == ["Échirolles", "Saint-Martin-d'Hères"]


def test_the_advisor_filter_lists_the_advisors_of_the_territories_one_sees(login, cast):
    form = login(cast.metro_officer).get(reverse("communes:list")).context["form"]
    assert set(form.fields["advisor"].queryset) == {cast.advisor, cast.outsider}
    assert "territory" not in form.fields  # one territory: nothing to choose
    form = login(cast.admin).get(reverse("communes:list")).context["form"]
    assert set(form.fields["advisor"].queryset) == {cast.advisor, cast.outsider, cast.foreign_advisor}


def test_commune_list_shows_advisors_and_referents_in_bounded_queries(
    login, cast, django_assert_max_num_queries
):
    for _ in range(30):
        MembershipFactory(commune=CommuneFactory(), role=Role.ADVISOR, user=cast.advisor)
    client = login(cast.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("communes:list"))
    assert "Claire Conseillère" in response.content.decode()
    assert response.context["page"].paginator.count == 33  # and Voiron, of the Pays Voironnais


def test_commune_list_puts_each_commune_s_advisors_and_referents_in_their_columns_in_name_order(login, cast):
    commune = CommuneFactory(name="Aaa-sur-Isère")
    for name, role in [
        ("Zoé Conseil", Role.ADVISOR),
        ("Albert Conseil", Role.ADVISOR),
        ("Yves Référent", Role.REFERENT),
        ("Berthe Référente", Role.REFERENT),
        ("Élu Seul", Role.ELECTED),
    ]:
        MembershipFactory(commune=commune, role=role, user=UserFactory(full_name=name))

    html = login(cast.admin).get(reverse("communes:list"), {"q": "Aaa-sur"}).content.decode()

    row = html[html.index("Aaa-sur-Isère") :]
    row = row[: row.index("</tr>")]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    assert cells[-2:] == ["Albert Conseil, Zoé Conseil", "Berthe Référente, Yves Référent"]


# --- commune page -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "metro_officer", "advisor", "referent", "staff", "elected"])
def test_commune_page_is_open_to_its_members_and_network_roles(login, cast, role):
    response = login(getattr(cast, role)).get(commune_url("detail", cast))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Saint-Martin-d&#x27;Hères" in content
    for person in ["Claire Conseillère", "Romain Référent", "Sandra Services", "Émile Élu"]:
        assert person in content


def test_commune_page_renders_in_a_bounded_number_of_queries(login, cast, django_assert_max_num_queries):
    for role in [Role.STAFF] * 30 + [Role.ELECTED] * 10:
        MembershipFactory(commune=cast.commune, role=role)
    for _ in range(10):
        InvitationFactory(commune=cast.commune)
    client = login(cast.advisor)
    # the page's own reads, then one query per other app's section (plans, working group, documents)
    with django_assert_max_num_queries(9):
        response = client.get(commune_url("detail", cast))
    assert len(response.context["page"].pending_invitations) == 10


@pytest.mark.parametrize("role", OUTSIDERS)
def test_commune_page_is_404_to_outsiders(login, cast, role):
    assert login(getattr(cast, role)).get(commune_url("detail", cast)).status_code == 404


@pytest.mark.parametrize("role", ["metro_officer", "advisor"])
@pytest.mark.parametrize("name", ["detail", "edit", "invite"])
def test_the_metros_roles_get_404_on_voirons_pages(login, cast, role, name):
    url = reverse(f"communes:{name}", args=[cast.foreign_commune.insee_code])
    client = login(getattr(cast, role))
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@example.org", "role": "staff", "name": "X"}).status_code == 404


def test_unknown_commune_is_404(login, cast):
    assert login(cast.admin).get(reverse("communes:detail", args=["99999"])).status_code == 404


def test_commune_page_offers_edit_and_invite_only_to_managers(login, cast):
    managed = login(cast.advisor).get(commune_url("detail", cast)).content.decode()
    assert commune_url("edit", cast) in managed and commune_url("invite", cast) in managed
    read_only = login(cast.referent).get(commune_url("detail", cast)).content.decode()
    assert commune_url("edit", cast) not in read_only and commune_url("invite", cast) not in read_only


# --- commune edit -------------------------------------------------------------------------------


def edit_data(cast, **overrides):
    data = {
        "name": "Saint-Martin-d'Hères",
        "insee_code": "38421",
        "siren": "213804214",
        "population": "37988",
        "population_year": "2021",
        "epci": cast.commune.epci_id,
        "charter_signed_on": "2006-03-02",
        "charter_start_year": "2009",
        "charter_end_year": "2014",
        "stage": Stage.PLAN_DELIBERATED,
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_can_edit_the_commune(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(commune_url("edit", cast)).status_code == 200
    response = client.post(commune_url("edit", cast), edit_data(cast))
    assert response.status_code == 302
    commune = Commune.objects.get(pk=cast.commune.pk)
    assert (commune.population, commune.stage, commune.charter_end_year) == (
        37988,
        Stage.PLAN_DELIBERATED,
        2014,
    )


@pytest.mark.parametrize("role", READ_ONLY_MEMBERS)
def test_read_only_members_get_403_on_edit(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(commune_url("edit", cast)).status_code == 403
    assert client.post(commune_url("edit", cast), edit_data(cast)).status_code == 403
    assert Commune.objects.get(pk=cast.commune.pk).population == 12000


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_on_edit(login, cast, role):
    client = login(getattr(cast, role))
    assert client.post(commune_url("edit", cast), edit_data(cast)).status_code == 404
    assert Commune.objects.get(pk=cast.commune.pk).stage == Stage.NOT_SIGNATORY


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"insee_code": "3842"}, "insee_code", "cinq caractères"),
        ({"siren": "213804215"}, "siren", "clé de contrôle est erronée"),
        ({"charter_start_year": "2015", "charter_end_year": "2014"}, None, "ne peut pas se terminer avant"),
        ({"charter_signed_on": ""}, None, "doit avoir une date de signature de la charte"),
        ({"stage": Stage.NOT_SIGNATORY}, "stage", "ne peut pas être à l'étape"),
    ],
)
def test_invalid_commune_edit_explains_and_changes_nothing(login, cast, overrides, field, message):
    response = login(cast.advisor).post(commune_url("edit", cast), edit_data(cast, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", [])), errors
    assert Commune.objects.get(pk=cast.commune.pk).population == 12000


def test_only_the_administrator_assigns_advisors(login, cast):
    new_advisor = UserFactory(full_name="Nina Nouvelle")
    MembershipFactory(user=new_advisor, role=Role.ADVISOR)  # advises elsewhere, so assignable
    assert "advisors" not in login(cast.advisor).get(commune_url("edit", cast)).context["form"].fields
    client = login(cast.admin)
    response = client.post(commune_url("edit", cast), edit_data(cast, advisors=[new_advisor.pk]))
    assert response.status_code == 302
    advisors = set(
        Membership.objects.filter(commune=cast.commune, role=Role.ADVISOR).values_list("user", flat=True)
    )
    assert advisors == {new_advisor.pk}


@pytest.fixture
def agencies(cast):
    """The Métro's agency, and the Voironnais's, whose advisor follows Voiron."""
    metro = Agency.objects.create(name="ALEC de la Grande Région Grenobloise")
    metro.territories.add(cast.territory)
    voironnais = Agency.objects.create(name="AGEDEN du Voironnais")
    voironnais.territories.add(cast.foreign_territory)
    cast.foreign_advisor.agency = voironnais
    cast.foreign_advisor.save()
    return {"metro": metro, "voironnais": voironnais}


def test_the_administrator_is_offered_the_advisors_whose_agency_serves_the_territory(login, cast, agencies):
    newcomer = UserFactory(full_name="Nina Nouvelle", agency=agencies["metro"])  # no commune yet
    choices = login(cast.admin).get(commune_url("edit", cast)).context["form"].fields["advisors"].queryset
    assert cast.foreign_advisor not in choices  # their agency serves the Voironnais only
    assert {newcomer, cast.advisor, cast.outsider} <= set(choices)


def test_an_advisor_of_an_agency_that_does_not_serve_the_territory_cannot_be_assigned(cast, agencies):
    with pytest.raises(ValidationError) as error:
        services.commune_update(
            commune=cast.commune, data={}, advisors=[cast.foreign_advisor], user=cast.admin
        )
    assert "AGEDEN du Voironnais" in str(error.value) and "Grenoble-Alpes Métropole" in str(error.value)
    assert not Membership.objects.filter(user=cast.foreign_advisor, commune=cast.commune).exists()


def test_inviting_as_advisor_someone_whose_agency_does_not_serve_the_territory_is_refused(
    login, cast, agencies
):
    response = login(cast.admin).post(
        commune_url("invite", cast), {"email": cast.foreign_advisor.email, "role": Role.ADVISOR}
    )
    assert response.status_code == 200
    assert "AGEDEN du Voironnais" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    # As a referent, the agency does not matter.
    response = login(cast.admin).post(
        commune_url("invite", cast), {"email": cast.foreign_advisor.email, "role": Role.REFERENT}
    )
    assert response.status_code == 302


# --- invitations --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_invite_a_person_who_receives_an_email(
    login, cast, role, django_capture_on_commit_callbacks
):
    client = login(getattr(cast, role))
    assert client.get(commune_url("invite", cast)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            commune_url("invite", cast), {"email": "New.Referent@Example.org", "role": Role.REFERENT}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.commune) == (
        "new.referent@example.org",
        Role.REFERENT,
        cast.commune,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.referent@example.org"]
    assert "Saint-Martin-d'Hères" in mail.outbox[0].subject
    assert "/invitations/" in mail.outbox[0].body


@pytest.mark.parametrize("role", READ_ONLY_MEMBERS)
def test_read_only_members_cannot_invite(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(commune_url("invite", cast)).status_code == 403
    assert (
        client.post(commune_url("invite", cast), {"email": "x@example.org", "role": "staff"}).status_code
        == 403
    )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_invite(login, cast, role):
    response = login(getattr(cast, role)).post(
        commune_url("invite", cast), {"email": "x@example.org", "role": "staff"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_someone_who_already_holds_the_role_is_refused(login, cast):
    response = login(cast.advisor).post(
        commune_url("invite", cast), {"email": cast.referent.email.upper(), "role": Role.REFERENT}
    )
    assert response.status_code == 200
    assert "a déjà ce rôle" in str(response.context["form"].errors)
    assert not Invitation.objects.exists()


def test_pending_invitations_are_listed_and_can_be_withdrawn(login, cast):
    invitation = InvitationFactory(commune=cast.commune, email="pending@example.org")
    client = login(cast.advisor)
    assert "pending@example.org" in client.get(commune_url("detail", cast)).content.decode()
    response = client.post(commune_url("invitation_revoke", cast, invitation_id=invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.parametrize(
    "role, status", [("referent", 403), ("staff", 403), *((role, 404) for role in OUTSIDERS)]
)
def test_invitations_cannot_be_withdrawn_by_others(login, cast, role, status):
    invitation = InvitationFactory(commune=cast.commune)
    response = login(getattr(cast, role)).post(
        commune_url("invitation_revoke", cast, invitation_id=invitation.pk)
    )
    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_of_another_commune_is_404(login, cast):
    invitation = InvitationFactory(commune=cast.other_commune)
    response = login(cast.advisor).post(commune_url("invitation_revoke", cast, invitation_id=invitation.pk))
    assert response.status_code == 404


# --- memberships --------------------------------------------------------------------------------


def test_advisor_removes_a_membership(login, cast):
    membership = Membership.objects.get(user=cast.staff, commune=cast.commune)
    response = login(cast.advisor).post(commune_url("membership_remove", cast, membership_id=membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "role, status",
    [("referent", 403), ("elected", 403), ("metro_officer", 403), *((role, 404) for role in OUTSIDERS)],
)
def test_others_cannot_remove_memberships(login, cast, role, status):
    membership = Membership.objects.get(user=cast.staff, commune=cast.commune)
    response = login(getattr(cast, role)).post(
        commune_url("membership_remove", cast, membership_id=membership.pk)
    )
    assert response.status_code == status
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_membership_needs_a_post(login, cast):
    membership = Membership.objects.get(user=cast.staff, commune=cast.commune)
    response = login(cast.advisor).get(commune_url("membership_remove", cast, membership_id=membership.pk))
    assert response.status_code == 405


# --- signatories --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_everyone_signed_in_reads_the_signatories(login, cast, role):
    cast.commune.charter_signed_on = "2005-06-14"
    cast.commune.stage = Stage.SIGNATORY
    cast.commune.save()
    SignatoryFactory(name="ACTIS")
    response = login(getattr(cast, role)).get(reverse("communes:signatories"))
    assert response.status_code == 200
    assert [row.name for row in response.context["rows"]] == ["Saint-Martin-d'Hères", "ACTIS"]
    assert response.context["counts"]["signed_communes"] == 1


def test_each_territory_reads_its_own_signatories(login, cast):
    SignatoryFactory(name="ACTIS", territory=cast.territory)
    SignatoryFactory(name="Pluralis", territory=cast.foreign_territory)
    for role in [*EVERYONE[1:]]:
        response = login(getattr(cast, role)).get(reverse("communes:signatories"))
        assert [row.name for row in response.context["rows"]] == ["ACTIS"], role
        assert 'name="territory"' not in response.content.decode()  # one territory: no filter
    for role in FOREIGN:
        response = login(getattr(cast, role)).get(reverse("communes:signatories"))
        assert [row.name for row in response.context["rows"]] == ["Pluralis"], role
    response = login(cast.admin).get(reverse("communes:signatories"))
    assert [(row.name, row.territory) for row in response.context["rows"]] == [
        ("ACTIS", cast.territory.name),
        ("Pluralis", cast.foreign_territory.name),
    ]


@pytest.mark.parametrize("role", ["metro_officer", "advisor", "referent", "elected"])
def test_a_signatory_of_another_territory_is_404(login, cast, role):
    signatory = SignatoryFactory(name="Pluralis", territory=cast.foreign_territory)
    client = login(getattr(cast, role))
    url = reverse("communes:signatory_edit", args=[signatory.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "X", "type": "company"}).status_code == 404
    assert Signatory.objects.get(pk=signatory.pk).name == "Pluralis"


def test_a_network_role_of_one_territory_adds_signatories_to_it(login, cast):
    client = login(cast.foreign_officer)
    response = client.post(
        reverse("communes:signatory_create"),
        {"name": "Pluralis", "type": "social_landlord", "territory": cast.territory.pk},
    )
    assert response.status_code == 302
    assert Signatory.objects.get().territory == cast.foreign_territory  # never the Métro


def test_the_administrator_chooses_the_signatorys_territory(login, cast):
    client = login(cast.admin)
    response = client.get(reverse("communes:signatory_create"))
    assert "Pays Voironnais" in response.content.decode()
    response = client.post(
        reverse("communes:signatory_create"),
        {"name": "Pluralis", "type": "social_landlord", "territory": cast.foreign_territory.pk},
    )
    assert response.status_code == 302
    assert Signatory.objects.get().territory == cast.foreign_territory


def test_signatories_render_in_a_bounded_number_of_queries(login, cast, django_assert_max_num_queries):
    for index in range(40):
        CommuneFactory(charter_signed_on="2007-01-01", stage=Stage.SIGNATORY)
        SignatoryFactory(signed_on=f"2008-01-{index % 28 + 1:02d}")
    client = login(cast.advisor)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("communes:signatories"))
    assert response.context["page"].paginator.count == 80
    assert len(response.context["rows"]) == 50


def test_signatories_filter_by_type(login, cast):
    SignatoryFactory(name="ACTIS")
    SignatoryFactory(name="UGA", type="university")
    response = login(cast.referent).get(reverse("communes:signatories"), {"type": "university"})
    assert [row.name for row in response.context["rows"]] == ["UGA"]


@pytest.mark.parametrize("role", ["admin", "metro_officer", "advisor"])
def test_network_roles_add_and_edit_signatories(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(reverse("communes:signatory_create")).status_code == 200
    # The administrator chooses the territory; the others add to theirs (no field, the value ignored).
    response = client.post(
        reverse("communes:signatory_create"),
        {
            "name": "Grenoble Habitat",
            "type": "social_landlord",
            "signed_on": "2005-06-14",
            "territory": cast.territory.pk,
        },
    )
    assert response.status_code == 302
    signatory = Signatory.objects.get()
    assert signatory.territory == cast.territory
    response = client.post(
        reverse("communes:signatory_edit", args=[signatory.pk]),
        {"name": "Grenoble Habitat", "type": "social_landlord", "signed_on": "2006-01-31"},
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert str(signatory.signed_on) == "2006-01-31"


@pytest.mark.parametrize("role, status", [("referent", 403), ("staff", 403), ("elected", 403), (None, 404)])
def test_commune_roles_cannot_edit_signatories(login, cast, role, status):
    """The commune's people read the territory's signatories (403); a person of no territory, not even."""
    signatory = SignatoryFactory()
    client = login(getattr(cast, role) if role else UserFactory())
    assert client.get(reverse("communes:signatory_create")).status_code == 403
    url = reverse("communes:signatory_edit", args=[signatory.pk])
    assert client.post(url, {"name": "X"}).status_code == status
    assert Signatory.objects.get().name == signatory.name


def test_signatory_with_an_invalid_siren_is_refused(login, cast):
    response = login(cast.admin).post(
        reverse("communes:signatory_create"), {"name": "Foo", "type": "company", "siren": "123456789"}
    )
    assert response.status_code == 200
    assert "clé de contrôle est erronée" in str(response.context["form"].errors["siren"])
    assert not Signatory.objects.exists()


# --- home ---------------------------------------------------------------------------------------


# Among the cast every test of the module shares (tests/conftest.py, module_cast).
@pytest.mark.usefixtures("cast")
def test_a_person_without_any_role_is_told_how_to_get_one(login):
    response = login(UserFactory()).get(reverse("communes:list"))
    assert "demandez une invitation" in response.content.decode()


@pytest.mark.parametrize(
    "role, target",
    [
        ("advisor", "/portfolio/"),
        ("admin", "/portfolio/"),
        ("referent", "/communes/38421/"),
        ("metro_officer", "/communes/"),
    ],
)
def test_home_leads_each_role_to_its_page(login, cast, role, target):
    response = login(getattr(cast, role)).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == target
