"""Two territories fully populated, every role of each: nothing of one territory shows on the other's
pages (its names, its INSEE codes), and every page of an object of the other territory answers 404, to
GET and to POST. The administrator sees both.

The Métro (cast.territory) has Saint-Martin-d'Hères and Échirolles and the cast's roles around them;
the Pays Voironnais (cast.foreign_territory) has Voiron, its officer and its advisor."""

import datetime
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from actions.models import Action, ActionPlan, CatalogueAction, Theme
from communes.models import CommuneGroup, Role, Stage
from reporting.models import Letter, LetterStatus
from tests.factories import MembershipFactory, SignatoryFactory
from workgroups import calendar
from workgroups import services as workgroup_services
from workgroups.models import Meeting, MeetingDocument

pytestmark = pytest.mark.django_db

METRO_ROLES = ["metro_officer", "advisor", "referent", "staff", "elected", "outsider"]
VOIRONNAIS_ROLES = ["foreign_officer", "foreign_advisor"]


@dataclass
class World:
    """One territory's objects, and the words that name them on a page."""

    commune: object
    plan: ActionPlan
    action: Action
    entry: CatalogueAction
    meeting: Meeting
    document: MeetingDocument
    signatory: object
    group: CommuneGroup
    letter: Letter
    markers: list[str]


def populate(commune, advisor, *, label: str, staff=None) -> World:
    """A plan with an action (in the to-update list of the commune's people), the territory's own
    catalogue entry used by it, a working group with a meeting and its document, a signatory, a group of
    communes and a published letter, each named after `label`."""
    territory = commune.territory
    commune.charter_signed_on = datetime.date(2021, 3, 1)
    commune.stage = Stage.PLAN_IN_PREPARATION
    commune.save()
    theme = Theme.objects.order_by("order").first()
    entry = CatalogueAction.objects.create(
        territory=territory, title=f"Chaufferie bois {label}", theme=theme, description="Réseau local."
    )
    plan = action_services.plan_create(
        commune=commune, title=f"Plan climat {label}", start_year=2024, end_year=2030, user=advisor
    )
    action = action_services.action_create(
        plan=plan, data={"title": f"Rénovation du gymnase {label}", "theme": theme}, user=advisor
    )
    action_services.action_create(plan=plan, data={}, user=advisor, catalogue_action=entry)
    if staff is not None:
        action.owner = staff
        action.save()
    group = workgroup_services.group_setup(commune=commune, user=advisor)
    starts_at = timezone.now() + timedelta(days=10)
    meeting = workgroup_services.meeting_save(
        meeting=Meeting(
            group=group,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place=f"Mairie {label}",
            agenda=f"Ordre du jour {label}",
        ),
        user=advisor,
    )
    document = workgroup_services.document_add(
        meeting=meeting, upload=SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4 ordre"), user=advisor
    )
    signatory = SignatoryFactory(
        territory=territory, name=f"Bailleur {label}", signed_on=datetime.date(2022, 5, 4)
    )
    communes_group = CommuneGroup.objects.create(territory=territory, name=f"Secteur {label}")
    communes_group.communes.add(commune)
    letter = Letter.objects.create(
        territory=territory,
        number=1,
        title=f"Lettre {label}",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        status=LetterStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    return World(
        commune=commune,
        plan=plan,
        action=action,
        entry=entry,
        meeting=meeting,
        document=document,
        signatory=signatory,
        group=communes_group,
        letter=letter,
        markers=[
            commune.name,
            commune.insee_code,
            plan.title,
            action.title,
            entry.title,
            signatory.name,
            f"Mairie {label}",
            territory.name,
        ],
    )


@pytest.fixture
def worlds(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    metro = populate(cast.commune, cast.advisor, label="de la Métro", staff=cast.staff)
    voiron = populate(cast.foreign_commune, cast.foreign_advisor, label="du Voironnais")
    # The Métro's names: its communes (Échirolles has no plan, its name still must not leak).
    metro.markers += [cast.other_commune.name, cast.other_commune.insee_code]
    return {"metro": metro, "voiron": voiron}


def list_pages(user) -> list[str]:
    """Every list, search, filter, feed and export a person may open, whatever their territory."""
    feed = reverse("workgroups:calendar", args=[calendar.feed_token(user=user)])
    return [
        reverse("home"),
        reverse("communes:list"),
        reverse("communes:list") + "?q=Voir",  # the search box echoes what was typed
        reverse("communes:list") + "?q=385",
        reverse("communes:list") + "?q=Saint",
        reverse("communes:portfolio"),
        reverse("communes:signatories"),
        reverse("communes:signatories") + "?type=commune",
        reverse("actions:to_update"),
        reverse("actions:catalogue"),
        reverse("actions:catalogue") + "?q=Chaufferie",
        reverse("workgroups:reminders"),
        reverse("accounts:account"),
        feed,
    ]


def visible_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code in (200, 302, 403), (url, response.status_code)
    if response.status_code != 200:
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def foreign_markers_shown(client, user, world: World) -> list[tuple[str, str]]:
    shown = []
    for url in list_pages(user):
        text = visible_text(client, url)
        shown += [(url, marker) for marker in world.markers if marker in text or escape(marker) in text]
    return shown


def escape(text: str) -> str:
    return text.replace("'", "&#x27;")


# --- lists: nothing of the other territory --------------------------------------------------------


@pytest.mark.parametrize("role", METRO_ROLES)
def test_no_list_of_the_metro_shows_anything_of_the_voironnais(client, cast, worlds, role):
    user = getattr(cast, role)
    client.force_login(user)
    assert foreign_markers_shown(client, user, worlds["voiron"]) == []


@pytest.mark.parametrize("role", VOIRONNAIS_ROLES)
def test_no_list_of_the_voironnais_shows_anything_of_the_metro(client, cast, worlds, role):
    user = getattr(cast, role)
    client.force_login(user)
    assert foreign_markers_shown(client, user, worlds["metro"]) == []


def test_the_lists_show_each_territory_its_own_objects(client, cast, worlds):
    """The same crawl finds what it looks for: each territory's people see their own names."""
    client.force_login(cast.metro_officer)
    communes = visible_text(client, reverse("communes:list"))
    assert "Saint-Martin-d&#x27;Hères" in communes and "Échirolles" in communes
    assert "Bailleur de la Métro" in visible_text(client, reverse("communes:signatories"))
    assert "Chaufferie bois de la Métro" in visible_text(client, reverse("actions:catalogue"))
    client.force_login(cast.foreign_officer)
    assert "Voiron" in visible_text(client, reverse("communes:list"))
    assert "Bailleur du Voironnais" in visible_text(client, reverse("communes:signatories"))
    client.force_login(cast.foreign_advisor)
    assert "Rénovation du gymnase du Voironnais" in visible_text(client, reverse("actions:to_update"))
    feed = visible_text(
        client, reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.foreign_advisor)])
    )
    assert "Mairie du Voironnais" in feed


def test_the_administrator_sees_both_territories(client, cast, worlds):
    client.force_login(cast.admin)
    communes = visible_text(client, reverse("communes:list"))
    assert "Voiron" in communes and "Saint-Martin-d&#x27;Hères" in communes
    signatories = visible_text(client, reverse("communes:signatories"))
    assert "Bailleur du Voironnais" in signatories and "Bailleur de la Métro" in signatories
    # With several territories, a territory column and filter.
    assert 'name="territory"' in signatories
    catalogue = visible_text(client, reverse("actions:catalogue"))
    assert "Chaufferie bois du Voironnais" in catalogue and "Chaufferie bois de la Métro" in catalogue


def test_the_territory_filter_narrows_the_administrators_lists(client, cast, worlds):
    client.force_login(cast.admin)
    slug = cast.foreign_territory.slug
    communes = visible_text(client, reverse("communes:list") + f"?territory={slug}")
    assert "Voiron" in communes and "Saint-Martin" not in communes
    signatories = visible_text(client, reverse("communes:signatories") + f"?territory={slug}")
    assert "Bailleur du Voironnais" in signatories and "Bailleur de la Métro" not in signatories


@pytest.mark.parametrize("role", METRO_ROLES)
def test_naming_the_other_territory_in_a_filter_is_404(client, cast, worlds, role):
    client.force_login(getattr(cast, role))
    slug = cast.foreign_territory.slug
    assert client.get(reverse("communes:list") + f"?territory={slug}").status_code == 404
    assert client.get(reverse("communes:signatories") + f"?territory={slug}").status_code == 404


# --- objects: 404 from the other territory -------------------------------------------------------


def object_urls(world: World, user) -> list[tuple[str, str]]:
    """(method, url) of every page of the world's objects, read and write."""
    insee = world.commune.insee_code
    plan, action, entry, meeting = world.plan.pk, world.action.pk, world.entry.pk, world.meeting.pk
    feed = reverse("workgroups:calendar", args=[calendar.feed_token(user=user, commune=world.commune)])
    reads = [
        reverse("communes:detail", args=[insee]),
        reverse("communes:edit", args=[insee]),
        reverse("communes:invite", args=[insee]),
        reverse("actions:plan_create", args=[insee]),
        reverse("actions:plan", args=[plan]),
        reverse("actions:plan_edit", args=[plan]),
        reverse("actions:plan_axes", args=[plan]),
        reverse("actions:plan_schedule", args=[plan]),
        reverse("actions:plan_budget", args=[plan]),
        reverse("actions:plan_history", args=[plan]),
        reverse("actions:plan_export", args=[plan, "csv"]),
        reverse("actions:plan_export", args=[plan, "xlsx"]),
        reverse("actions:plan_import", args=[plan]),
        reverse("actions:action_create", args=[plan]),
        reverse("actions:action", args=[action]),
        reverse("actions:action_edit", args=[action]),
        reverse("actions:action_follow_up", args=[action]),
        reverse("actions:action_planning", args=[action]),
        reverse("actions:action_budget", args=[action]),
        reverse("actions:catalogue_detail", args=[entry]),
        reverse("actions:catalogue_edit", args=[entry]),
        reverse("workgroups:group", args=[insee]),
        reverse("workgroups:group_edit", args=[insee]),
        reverse("workgroups:member_create", args=[insee]),
        reverse("workgroups:meeting_create", args=[insee]),
        reverse("workgroups:meeting", args=[meeting]),
        reverse("workgroups:meeting_edit", args=[meeting]),
        reverse("workgroups:minutes_pdf", args=[meeting]),
        reverse("workgroups:document", args=[world.document.pk]),
        reverse("communes:signatory_edit", args=[world.signatory.pk]),
        feed,
    ]
    writes = [
        reverse("communes:membership_remove", args=[insee, 1]),
        reverse("communes:invitation_revoke", args=[insee, 1]),
        reverse("actions:plan_transition", args=[plan, "submitted"]),
        reverse("actions:plan_new_version", args=[plan]),
        reverse("actions:action_note_add", args=[action]),
        reverse("actions:action_delete", args=[action]),
        reverse("actions:catalogue_delete", args=[entry]),
        reverse("actions:catalogue_add_to_plan", args=[entry]),
        reverse("workgroups:decision_add", args=[meeting]),
        reverse("workgroups:document_add", args=[meeting]),
    ]
    return [("get", url) for url in reads] + [("post", url) for url in reads + writes]


def answers_not_404(client, world, user) -> list[tuple[str, str, int]]:
    wrong = []
    for method, url in object_urls(world, user):
        response = getattr(client, method)(url, {"title": "x", "name": "x"} if method == "post" else None)
        if response.status_code != 404:
            wrong.append((method, url, response.status_code))
    return wrong


@pytest.mark.parametrize("role", METRO_ROLES)
def test_every_object_of_the_voironnais_is_404_to_the_metros_roles(client, cast, worlds, role):
    user = getattr(cast, role)
    client.force_login(user)
    assert answers_not_404(client, worlds["voiron"], user) == []


@pytest.mark.parametrize("role", VOIRONNAIS_ROLES)
def test_every_object_of_the_metro_is_404_to_the_voironnais_roles(client, cast, worlds, role):
    user = getattr(cast, role)
    client.force_login(user)
    assert answers_not_404(client, worlds["metro"], user) == []


def test_the_administrator_opens_the_objects_of_both_territories(client, cast, worlds):
    client.force_login(cast.admin)
    for world in worlds.values():
        for url in (
            reverse("communes:detail", args=[world.commune.insee_code]),
            reverse("actions:plan", args=[world.plan.pk]),
            reverse("actions:action", args=[world.action.pk]),
            reverse("actions:catalogue_detail", args=[world.entry.pk]),
            reverse("workgroups:meeting", args=[world.meeting.pk]),
            reverse("communes:signatory_edit", args=[world.signatory.pk]),
        ):
            assert client.get(url).status_code == 200, url


def test_nothing_was_changed_by_the_refused_writes(client, cast, worlds):
    voiron = worlds["voiron"]
    client.force_login(cast.metro_officer)
    answers_not_404(client, voiron, cast.metro_officer)
    client.force_login(cast.advisor)
    answers_not_404(client, voiron, cast.advisor)
    assert ActionPlan.objects.filter(commune=voiron.commune).count() == 1
    assert Action.objects.filter(pk=voiron.action.pk).exists()
    assert CatalogueAction.objects.filter(pk=voiron.entry.pk, title="Chaufferie bois du Voironnais").exists()
    assert voiron.meeting.decisions.count() == 0 and voiron.meeting.documents.count() == 1
    voiron.signatory.refresh_from_db()
    assert voiron.signatory.name == "Bailleur du Voironnais"


# --- people of both territories --------------------------------------------------------------------


def test_a_person_with_roles_in_both_territories_sees_each_commune_they_hold(client, cast, worlds):
    MembershipFactory(user=cast.referent, commune=cast.foreign_commune, role=Role.ELECTED)
    client.force_login(cast.referent)
    communes = visible_text(client, reverse("communes:list"))
    assert "Voiron" in communes and "Saint-Martin-d&#x27;Hères" in communes
    assert "Échirolles" not in communes  # a role in a commune of a territory is not the territory
    assert 'name="territory"' in communes
