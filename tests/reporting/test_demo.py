"""`manage.py load_demo` (in reporting, which loads each app's demo in order): loaded twice without harm.

The demo is loaded once for the module (`demo`, undone after it): loading 49 communes' plans and series
takes seconds, and each test's own changes are rolled back as usual."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from actions.models import ADOPTED_STATUSES, ActionPlan
from actions.selectors import published_plans
from communes import permissions
from communes.models import (
    Agency,
    Commune,
    CommuneOutline,
    Membership,
    Role,
    Signatory,
    Territory,
    TerritoryRole,
)
from observatory.models import Observation, Target
from observatory.national_targets import NATIONAL_SOURCE
from reporting.models import GeneratedDocument, Letter
from workgroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    """`load_demo` run once on an empty database; what it printed. Undone after the module's tests."""
    # The fast hasher of `fast_test_settings` (function-scoped), for the passwords the tests check.
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hasher, django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


METRO, VOIRONNAIS = "200040715", "243800984"


def test_demo_loads_the_49_communes_people_of_each_role_and_58_signatories(demo):
    output = demo
    metro = Territory.objects.get(siren=METRO)
    assert Commune.objects.filter(territory=metro).count() == 49
    signed = Commune.objects.filter(territory=metro, charter_signed_on__isnull=False).count()
    assert signed + Signatory.objects.filter(territory=metro).count() == 58
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.ADVISOR, Role.REFERENT, Role.STAFF, Role.ELECTED}
    assert User.objects.filter(is_superuser=True).exists()
    assert TerritoryRole.objects.get(territory=metro).user.email == "marc.durand@ale-demo.example"
    assert Membership.objects.filter(role=Role.ADVISOR).values("commune").distinct().count() == 49 + 31
    # The Métro's agency serves it, its advisors work for it; every commune has the shipped outline.
    alec = Agency.objects.get(name="ALEC de la Grande Région Grenobloise")
    assert list(alec.territories.all()) == [metro]
    advisors = User.objects.filter(memberships__role=Role.ADVISOR, memberships__commune__territory=metro)
    assert set(advisors.values_list("agency", flat=True)) == {alec.pk}
    assert CommuneOutline.objects.filter(commune__territory=metro).count() == 49
    assert "Grenoble-Alpes Métropole (49 communes)" in output
    # Every demo person's password is printed once, and it works.
    lines = [line.split() for line in output.splitlines() if "@ale-demo.example" in line]
    assert len(lines) == User.objects.count()
    email, password = lines[0][0], lines[0][1]
    assert User.objects.get(email=email).check_password(password)


def test_the_second_territory_has_its_communes_plans_targets_agency_and_people(demo):
    output = demo
    voironnais = Territory.objects.get(siren=VOIRONNAIS)
    assert voironnais.is_demo and voironnais.climate_plan_name == (
        "Plan Climat Air Énergie Territorial du Pays Voironnais"
    )
    communes = Commune.objects.filter(territory=voironnais)
    assert communes.count() == 31 and communes.filter(insee_code="38563", name="Voiron").exists()
    assert "Communauté d'agglomération du Pays Voironnais (31 communes)" in output
    assert set(
        ActionPlan.objects.filter(commune__territory=voironnais).values_list("commune__name", flat=True)
    ) == {"Voiron", "Voreppe", "Moirans"}
    assert set(Target.objects.filter(territory=voironnais).values_list("source", flat=True)) == {
        NATIONAL_SOURCE
    }
    assert Letter.objects.filter(territory=voironnais).exists()
    assert Observation.objects.filter(commune__territory=voironnais).exists()
    agency = Agency.objects.get(territories=voironnais)
    assert agency != Agency.objects.get(territories__siren=METRO)
    officer = User.objects.get(email="nathalie.roux@ale-demo.example")
    advisor = User.objects.get(email="hugo.fabre@ale-demo.example")
    referent = User.objects.get(email="ines.mercier@ale-demo.example")
    assert advisor.agency == agency
    assert set(Membership.objects.filter(user=advisor).values_list("commune__territory", flat=True)) == {
        voironnais.pk
    }
    assert Membership.objects.filter(user=advisor).count() == 31
    assert list(Membership.objects.filter(user=referent).values_list("commune__name", "role")) == [
        ("Voiron", Role.REFERENT)
    ]
    for person in (officer, advisor, referent):
        assert permissions.visible_territory_ids(person) == {voironnais.pk}
        assert f"{person.email} " in output


def test_the_second_territorys_people_see_only_it(demo, client):
    voiron = Commune.objects.get(insee_code="38563")
    grenoble = Commune.objects.get(insee_code="38185")
    marc = User.objects.get(email="marc.durand@ale-demo.example")
    assert permissions.visible_territory_ids(marc) == {grenoble.territory_id}
    for email in ("nathalie.roux@ale-demo.example", "hugo.fabre@ale-demo.example"):
        client.force_login(User.objects.get(email=email))
        page = client.get(reverse("communes:list")).content.decode()
        assert "Voiron" in page and "Échirolles" not in page
        assert client.get(reverse("communes:detail", args=[grenoble.insee_code])).status_code == 404
        assert client.get(reverse("communes:detail", args=[voiron.insee_code])).status_code == 200
    client.force_login(marc)
    assert client.get(reverse("communes:detail", args=[voiron.insee_code])).status_code == 404


def test_demo_load_is_idempotent_and_keeps_changes(demo, capsys):
    Commune.objects.filter(insee_code="38185").update(population=1)
    Membership.objects.filter(role=Role.STAFF).delete()
    counts = (
        Territory.objects.count(),
        Agency.objects.count(),
        Commune.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Signatory.objects.count(),
        Target.objects.count(),
        CommuneOutline.objects.count(),
        ActionPlan.objects.count(),
        Letter.objects.count(),
    )
    capsys.readouterr()
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "already exist" in output and "@ale-demo.example" not in output
    assert (
        Territory.objects.count(),
        Agency.objects.count(),
        Commune.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Signatory.objects.count(),
        Target.objects.count(),
        CommuneOutline.objects.count(),
        ActionPlan.objects.count(),
        Letter.objects.count(),
    ) == counts
    # Reference figures come back from the file; people's edits stay.
    assert Commune.objects.get(insee_code="38185").population == 156389
    assert not Membership.objects.filter(role=Role.STAFF).exists()


def test_demo_loads_every_apps_part_and_adopts_plans_without_generating_files(demo):
    assert ActionPlan.objects.filter(status__in=ADOPTED_STATUSES).exists()
    assert Observation.objects.exists() and WorkingGroup.objects.exists() and Letter.objects.exists()
    # The demo adopts its plans with announce=False: their files are made on first request.
    assert not GeneratedDocument.objects.filter(is_frozen=True).exists()


VOIRONNAIS_PEOPLE = (
    "nathalie.roux@ale-demo.example",
    "hugo.fabre@ale-demo.example",
    "ines.mercier@ale-demo.example",
)


def _voironnais_pages(user) -> list[str]:
    """Every main page a person of the Pays Voironnais opens, on their own territory's objects."""
    voiron = Commune.objects.get(insee_code="38563")
    plan = ActionPlan.objects.filter(commune=voiron).order_by("-pk").first()
    letter = Letter.objects.filter(territory=voiron.territory).first()
    group = WorkingGroup.objects.filter(commune=voiron).first()
    urls = [
        reverse("home"),
        reverse("communes:list"),
        reverse("communes:detail", args=[voiron.insee_code]),
        reverse("communes:signatories"),
        reverse("actions:catalogue"),
        reverse("observatory:agglomeration"),
        reverse("observatory:commune", args=[voiron.insee_code]),
        reverse("observatory:targets"),
        reverse("reporting:commune_dashboard", args=[voiron.insee_code]),
        reverse("reporting:commune_documents", args=[voiron.insee_code]),
        reverse("reporting:documents"),
        reverse("accounts:account"),
    ]
    if plan is not None:
        urls += [reverse("actions:plan", args=[plan.pk]), reverse("actions:plan_budget", args=[plan.pk])]
    if group is not None:
        urls.append(reverse("workgroups:group", args=[voiron.insee_code]))
    if permissions.can_view_network_dashboard(user):
        urls += [reverse("reporting:network_dashboard"), reverse("reporting:letters")]
        if letter is not None:
            urls.append(reverse("reporting:letter", args=[letter.pk]))
    if permissions.can_view_actions_to_update(user):
        urls.append(reverse("actions:to_update"))
    if permissions.can_view_portfolio(user):
        urls.append(reverse("communes:portfolio"))
    if permissions.can_manage_observatory(user):
        urls.append(reverse("observatory:imports"))
    return urls


# Pages that need not name the territory: the shared catalogue, the account, lists that may be empty.
SHARED_PAGES = {
    reverse("actions:catalogue"),
    reverse("accounts:account"),
    reverse("reporting:documents"),
    reverse("actions:to_update"),
    reverse("observatory:imports"),
}


@pytest.mark.parametrize("email", VOIRONNAIS_PEOPLE)
def test_no_page_of_the_pays_voironnais_names_grenoble(demo, client, email):
    """The second territory's pages read its own name, plan, targets and data: nothing of the Métro's
    (issue 15), its officer's, its advisor's and its referent's alike."""
    user = User.objects.get(email=email)
    client.force_login(user)
    urls = _voironnais_pages(user)
    assert len(urls) >= 13
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Grenoble" not in page and "Métropole" not in page, url
        if url not in SHARED_PAGES:
            assert "Voiron" in page, url  # the page is of their territory (the catalogue is everyone's)


# --- the public pages: `load_demo` publishes most adopted plans, so that `make run` shows them ---


def test_the_demo_publishes_most_adopted_plans_and_keeps_some_internal(demo, client):
    adopted = ActionPlan.objects.filter(status__in=ADOPTED_STATUSES)
    published = adopted.filter(published_at__isnull=False)
    assert 0 < published.count() < adopted.count()
    not_adopted = ActionPlan.objects.exclude(status__in=ADOPTED_STATUSES)
    assert not not_adopted.filter(published_at__isnull=False).exists()
    plan = published.select_related("commune").first()
    assert client.get(reverse("public:commune_plan", args=[plan.commune.insee_code])).status_code == 200
    index = client.get(reverse("public:index")).content.decode()
    assert reverse("public:territory", args=[plan.commune.territory.slug]) in index


def test_loading_the_demo_again_publishes_nothing_more(demo):
    before = {commune_id: plan.pk for commune_id, plan in published_plans().items()}
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert "already exist" in output.getvalue()
    assert {commune_id: plan.pk for commune_id, plan in published_plans().items()} == before
