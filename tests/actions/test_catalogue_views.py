"""The catalogue of standard actions through the permission matrix."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actions import services
from actions.models import (
    Action,
    CatalogueAction,
    Origin,
    Theme,
)
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    adopted_plan,
)
from tests.actions.helpers import (
    CATALOGUE_MANAGERS,
    CATALOGUE_REFUSED,
    FOREIGN,
    PLAN_EDITORS,
    READERS,
    TERRITORY_CATALOGUE_MANAGERS,
    adopt,
    catalogue_data,
    messages_of,
    territory_catalogue_entry,
    unused_catalogue_entry,
    url,
)
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- catalogue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*READERS, "outsider", "nobody"])
def test_everyone_signed_in_reads_the_catalogue(login, scene, role):
    user = UserFactory() if role == "nobody" else scene.user(role)
    client = login(user)
    response = client.get(url("catalogue"))
    assert response.status_code == 200
    assert (
        len(response.context["page"].object_list)
        == CatalogueAction.objects.filter(is_active=True).count()
        >= 46
    )
    entry = CatalogueAction.objects.order_by("pk").first()
    detail = client.get(url("catalogue_detail", entry.pk))
    assert detail.status_code == 200
    assert detail.context["entry"] == entry


def test_withdrawn_entries_are_listed_for_managers_only(login, cast):
    entry = CatalogueAction.objects.order_by("pk").first()
    entry.is_active = False
    entry.save()
    assert entry not in login(cast.referent).get(url("catalogue")).context["page"].object_list
    assert entry in login(cast.advisor).get(url("catalogue")).context["page"].object_list


def test_the_catalogue_counts_the_communes_using_each_entry_once_each(login, cast):
    entry, unused = CatalogueAction.objects.filter(is_active=True).order_by("pk")[:2]
    first = adopted_plan(cast.commune)
    newer = ActionPlanFactory(commune=cast.commune, previous_version=first, version=2)
    other = ActionPlanFactory(commune=CommuneFactory())
    voiron = ActionPlanFactory(commune=cast.foreign_commune)
    for plan in (
        first,
        newer,
        newer,
        other,
        voiron,
    ):  # two versions and two uses in one commune, one elsewhere
        ActionFactory(plan=plan, catalogue_action=entry)

    entries = {each.pk: each for each in login(cast.staff).get(url("catalogue")).context["page"].object_list}

    # The communes of the reader's territory: Voiron, of the Pays Voironnais, is not counted.
    assert (entries[entry.pk].commune_count, entries[unused.pk].commune_count) == (2, 0)
    entries = {each.pk: each for each in login(cast.admin).get(url("catalogue")).context["page"].object_list}
    assert entries[entry.pk].commune_count == 3


def test_catalogue_filters_by_theme(login, cast):
    theme = Theme.objects.order_by("pk").first()
    response = login(cast.staff).get(url("catalogue"), {"theme": theme.pk})
    assert {entry.theme_id for entry in response.context["page"].object_list} == {theme.pk}


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_add_catalogue_entries(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_create")).status_code == 200
    # The administrator adds to the shared catalogue (no territory chosen); the others to their territory's
    # (the field is not theirs: a territory posted is ignored).
    posted = {} if role == "admin" else {"territory": cast.foreign_territory.pk}
    response = client.post(url("catalogue_create"), catalogue_data(**posted))
    entry = CatalogueAction.objects.get(title="Végétaliser les cours d'écoles")
    assert response.status_code == 302 and response.url == url("catalogue_detail", entry.pk)
    assert (entry.cost_min, entry.cost_max, entry.duration_months, entry.is_active) == (
        Decimal("20000"),
        Decimal("150000"),
        12,
        True,
    )
    assert entry.territory == (None if role == "admin" else cast.territory)


def test_the_administrator_adds_an_entry_to_a_territorys_catalogue(login, cast):
    client = login(cast.admin)
    response = client.post(url("catalogue_create"), catalogue_data(territory=cast.foreign_territory.pk))
    assert response.status_code == 302
    entry = CatalogueAction.objects.get(title="Végétaliser les cours d'écoles")
    assert entry.territory == cast.foreign_territory


@pytest.mark.parametrize("role", TERRITORY_CATALOGUE_MANAGERS)
def test_only_the_administrator_edits_the_shared_catalogue(login, cast, role):
    entry = unused_catalogue_entry()
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_detail", entry.pk)).context["can_manage"] is False
    assert client.get(url("catalogue_edit", entry.pk)).status_code == 403
    data = catalogue_data(title="Piraté", theme=entry.theme_id)
    assert client.post(url("catalogue_edit", entry.pk), data).status_code == 403
    assert client.post(url("catalogue_delete", entry.pk)).status_code == 403
    assert CatalogueAction.objects.get(pk=entry.pk).title == entry.title


@pytest.mark.parametrize("role", ["metro_officer", "advisor", "referent", "elected"])
def test_an_entry_of_another_territorys_catalogue_is_404(login, cast, role):
    entry = territory_catalogue_entry(cast.foreign_territory, title="Chaufferie bois du Voironnais")
    client = login(getattr(cast, role))
    assert "Chaufferie bois du Voironnais" not in client.get(url("catalogue")).content.decode()
    for name in ("catalogue_detail", "catalogue_edit"):
        assert client.get(url(name, entry.pk)).status_code == 404
    for name in ("catalogue_edit", "catalogue_delete", "catalogue_add_to_plan"):
        assert client.post(url(name, entry.pk), catalogue_data(title="Piraté")).status_code == 404
    assert CatalogueAction.objects.get(pk=entry.pk).title == "Chaufferie bois du Voironnais"


@pytest.mark.parametrize("role", FOREIGN)
def test_the_other_territory_reads_the_shared_catalogue_but_not_the_metros_entries(login, cast, role):
    own = territory_catalogue_entry(cast.territory)
    client = login(getattr(cast, role))
    listed = client.get(url("catalogue")).context["page"].object_list
    assert own not in listed and unused_catalogue_entry() in listed
    assert client.get(url("catalogue_detail", own.pk)).status_code == 404


def test_a_territorys_entry_goes_into_its_communes_plans_only(cast):
    entry = territory_catalogue_entry(cast.foreign_territory, title="Chaufferie bois du Voironnais")
    plan = ActionPlanFactory(commune=cast.commune)
    with pytest.raises(ValidationError):
        services.action_create(plan=plan, data={}, user=cast.admin, catalogue_action=entry)
    assert not plan.actions.exists()


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_edit_catalogue_entries(login, cast, role):
    entry = unused_catalogue_entry() if role == "admin" else territory_catalogue_entry(cast.territory)
    data = catalogue_data(title=entry.title, theme=entry.theme_id, cost_min="1000", cost_max="2000")
    del data["is_active"]  # unticked: withdrawn from the communes
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_edit", entry.pk)).status_code == 200
    assert client.post(url("catalogue_edit", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert (entry.cost_min, entry.cost_max, entry.is_active) == (Decimal("1000"), Decimal("2000"), False)


@pytest.mark.parametrize("role", CATALOGUE_MANAGERS)
def test_advisors_and_the_administrator_delete_unused_catalogue_entries(login, cast, role):
    entry = unused_catalogue_entry() if role == "admin" else territory_catalogue_entry(cast.territory)
    response = login(getattr(cast, role)).post(url("catalogue_delete", entry.pk))
    assert response.status_code == 302 and response.url == url("catalogue")
    assert not CatalogueAction.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", CATALOGUE_REFUSED)
def test_commune_roles_cannot_change_the_catalogue(login, cast, role):
    entry = territory_catalogue_entry(cast.territory)
    before = CatalogueAction.objects.count()
    client = login(getattr(cast, role))
    assert client.get(url("catalogue_create")).status_code == 403
    assert client.post(url("catalogue_create"), catalogue_data()).status_code == 403
    assert client.get(url("catalogue_edit", entry.pk)).status_code == 403
    data = catalogue_data(title="Piraté", theme=entry.theme_id)
    assert client.post(url("catalogue_edit", entry.pk), data).status_code == 403
    assert client.post(url("catalogue_delete", entry.pk)).status_code == 403
    assert CatalogueAction.objects.count() == before
    assert CatalogueAction.objects.get(pk=entry.pk).title == entry.title


def test_the_catalogue_page_offers_only_the_plans_the_user_may_edit(login, scene):
    ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    form = login(scene.cast.referent).get(url("catalogue_detail", entry.pk)).context["add_form"]
    assert list(form.fields["plan"].queryset) == [scene.plan]
    assert login(scene.cast.staff).get(url("catalogue_detail", entry.pk)).context["add_form"] is None


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_add_a_catalogue_action_to_their_plan(as_role, scene, role):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role(role).post(
        url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": Origin.ALREADY_ENGAGED}
    )
    action = Action.objects.get(catalogue_action=entry)
    assert response.status_code == 302 and response.url == url("action", action.pk)
    assert (action.plan, action.title, action.theme, action.origin) == (
        scene.plan,
        entry.title,
        entry.theme,
        Origin.ALREADY_ENGAGED,
    )
    assert (action.mwh_saved, action.tco2e_avoided) == (entry.mwh_saved, entry.tco2e_avoided)


@pytest.mark.parametrize("role", ["staff_owner", "staff", "elected", "metro_officer", "outsider"])
def test_others_cannot_add_a_catalogue_action_to_the_plan(as_role, scene, role):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role(role).post(
        url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"}
    )
    assert response.status_code == 302 and response.url == url("catalogue_detail", entry.pk)
    assert messages_of(response)
    assert list(Action.objects.values_list("pk", flat=True)) == [scene.action.pk]


def test_a_referent_cannot_add_a_catalogue_action_to_another_communes_plan(as_role, scene):
    other_plan = ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("referent").post(
        url("catalogue_add_to_plan", entry.pk), {"plan": other_plan.pk, "origin": "new"}
    )
    assert response.status_code == 302
    assert not other_plan.actions.exists()
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_the_outsider_adds_a_catalogue_action_to_the_plan_of_the_commune_they_advise(as_role, scene):
    other_plan = ActionPlanFactory(commune=scene.cast.other_commune)
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("outsider").post(
        url("catalogue_add_to_plan", entry.pk), {"plan": other_plan.pk, "origin": "new"}
    )
    assert response.status_code == 302
    assert other_plan.actions.get().catalogue_action == entry


def test_no_catalogue_action_is_added_to_an_adopted_plan(as_role, scene):
    adopt(scene.plan)
    entry = CatalogueAction.objects.order_by("pk").first()
    as_role("advisor").post(url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"})
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_a_withdrawn_catalogue_entry_cannot_be_added_to_a_plan(as_role, scene):
    # Unticking "offered to communes" is how advisors withdraw an entry (see catalogue_action_delete).
    entry = CatalogueAction.objects.order_by("pk").first()
    entry.is_active = False
    entry.save()
    as_role("referent").post(url("catalogue_add_to_plan", entry.pk), {"plan": scene.plan.pk, "origin": "new"})
    assert not Action.objects.filter(catalogue_action=entry).exists()


def test_catalogue_detail_shows_communes_only_their_own_uses(login, scene):
    entry = CatalogueAction.objects.order_by("pk").first()
    ActionFactory(plan=scene.plan, catalogue_action=entry)
    ActionFactory(plan=ActionPlanFactory(commune=scene.cast.other_commune), catalogue_action=entry)
    ActionFactory(plan=ActionPlanFactory(commune=scene.cast.foreign_commune), catalogue_action=entry)
    uses = login(scene.cast.referent).get(url("catalogue_detail", entry.pk)).context["uses"]
    assert [action.plan.commune for action in uses] == [scene.cast.commune]
    # The network roles read the uses of their territory's communes, never another territory's.
    for role in ("advisor", "metro_officer"):
        uses = login(getattr(scene.cast, role)).get(url("catalogue_detail", entry.pk)).context["uses"]
        assert {action.plan.commune for action in uses} == {scene.cast.commune, scene.cast.other_commune}
    uses = login(scene.cast.foreign_officer).get(url("catalogue_detail", entry.pk)).context["uses"]
    assert [action.plan.commune for action in uses] == [scene.cast.foreign_commune]
    assert len(login(scene.cast.admin).get(url("catalogue_detail", entry.pk)).context["uses"]) == 3


# --- "pick from the catalogue" for one plan: the plan is remembered --------------------------------


def test_the_plan_page_links_to_the_catalogue_for_this_plan(as_role, scene):
    html = as_role("advisor").get(url("plan", scene.plan.pk)).content.decode()
    assert f'href="{url("catalogue")}?plan={scene.plan.pk}"' in html


def test_the_catalogue_keeps_the_plan_in_its_links_and_filters(as_role, scene, django_assert_max_num_queries):
    client = as_role("advisor")
    entry = CatalogueAction.objects.order_by("pk").first()
    with django_assert_max_num_queries(8):  # with the count of the pages and the uses of its entries
        response = client.get(url("catalogue"), {"plan": scene.plan.pk})
    assert response.context["from_plan"] == scene.plan
    html = response.content.decode()
    assert f'href="{url("catalogue_detail", entry.pk)}?plan={scene.plan.pk}"' in html
    assert f'<input type="hidden" name="plan" value="{scene.plan.pk}">' in html
    assert f'href="{url("plan", scene.plan.pk)}"' in html


@pytest.mark.parametrize("plan_param", ["abc", "999999", "other_commune", "adopted"])
def test_a_plan_the_user_cannot_add_to_is_ignored_by_the_catalogue(as_role, scene, plan_param):
    if plan_param == "other_commune":
        plan_param = ActionPlanFactory(commune=scene.cast.other_commune).pk
    elif plan_param == "adopted":
        plan_param = adopt(scene.plan).pk
    response = as_role("referent").get(url("catalogue"), {"plan": plan_param})
    assert response.status_code == 200 and response.context["from_plan"] is None
    entry = CatalogueAction.objects.order_by("pk").first()
    html = response.content.decode()
    assert f'href="{url("catalogue_detail", entry.pk)}"' in html
    assert 'name="plan"' not in html


def test_the_catalogue_entry_preselects_the_plan_the_advisor_came_from(
    login, scene, django_assert_max_num_queries
):
    second = ActionPlanFactory(commune=scene.cast.other_commune)
    client = login(scene.cast.admin)
    entry = CatalogueAction.objects.order_by("pk").first()
    assert client.get(url("catalogue_detail", entry.pk)).context["add_form"]["plan"].value() is None
    with django_assert_max_num_queries(14):
        response = client.get(url("catalogue_detail", entry.pk), {"plan": second.pk})
    assert response.context["add_form"]["plan"].value() == second.pk
    html = response.content.decode()
    assert f'<input type="hidden" name="from_plan" value="{second.pk}">' in html
    assert f'href="{url("catalogue")}?plan={second.pk}"' in html


def test_after_adding_from_a_plan_the_advisor_is_back_on_that_plan(as_role, scene):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("advisor").post(
        url("catalogue_add_to_plan", entry.pk),
        {"plan": scene.plan.pk, "origin": Origin.NEW, "from_plan": scene.plan.pk},
    )
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert Action.objects.get(catalogue_action=entry).plan == scene.plan
    assert "a été ajoutée au plan\u00a0: complétez" in messages_of(response)[0]


def test_a_refused_add_from_a_plan_keeps_the_plan_in_the_return_link(as_role, scene):
    entry = CatalogueAction.objects.order_by("pk").first()
    response = as_role("advisor").post(
        url("catalogue_add_to_plan", entry.pk), {"plan": "", "origin": Origin.NEW, "from_plan": scene.plan.pk}
    )
    assert response.status_code == 302
    assert response.url == f"{url('catalogue_detail', entry.pk)}?plan={scene.plan.pk}"
