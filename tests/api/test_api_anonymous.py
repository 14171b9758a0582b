"""Without a token the API answers the published data only: published plan versions and their actions,
open datasets, the adopted files of published plans. Never a plan not published (nor the draft of a
commune that published another version), demonstration or closed data, follow-up notes, people's names
(other than an action's elected referent) or emails."""

import json

import pytest

from actions.services import plan_publish
from tests.api.conftest import (
    API,
    DRAFT_ACTION,
    DRAFT_TITLE,
    NOTE_TEXT,
    OWNER_NAME,
    UNPUBLISHED_ACTION,
    UNPUBLISHED_TITLE,
)

pytestmark = pytest.mark.django_db


def every_anonymous_answer(client, world) -> dict[str, str]:
    """Every read operation, on every object the world has (published or not), every dataset."""
    territory, commune, other = world.cast.territory.pk, world.cast.commune, world.cast.other_commune
    paths = [
        "/territories",
        "/communes",
        f"/communes/{commune.insee_code}",
        "/themes",
        "/plans",
        f"/plans?commune={other.insee_code}",
        "/actions?limit=200",
        f"/actions?plan={world.unpublished.pk}",
        f"/actions?plan={world.draft.pk}",
        "/datasets",
        f"/datasets?territory={territory}",
        "/documents",
        f"/documents?commune={other.insee_code}",
    ]
    for plan in (world.published, world.draft, world.unpublished, world.scene.plan):
        paths.append(f"/plans/{plan.pk}")
    for action in (world.published_action, world.unpublished_action, world.scene.action):
        paths.append(f"/actions/{action.pk}")
    for dataset in (world.open_dataset, world.demo_dataset, world.closed_dataset):
        for scope in (
            f"territory={territory}",
            f"commune={commune.insee_code}",
            f"commune={other.insee_code}",
        ):
            for quantity in ("consumption", "emissions", "production", "population"):
                paths.append(f"/observatory/series?dataset={dataset.code}&{scope}&quantity={quantity}")
            paths.append(f"/observatory/indicators?dataset={dataset.code}&{scope}")
    # Parsed and written again without escapes: "Conseillère" is "Conseill\u00e8re" in the raw answer.
    return {path: json.dumps(client.get(API + path).json(), ensure_ascii=False) for path in paths}


def people(world):
    cast = world.cast
    users = [
        cast.admin,
        cast.metro_officer,
        cast.advisor,
        cast.referent,
        cast.staff,
        cast.elected,
        cast.outsider,
        world.scene.owner,
    ]
    return [text for user in users for text in (user.email, user.full_name)]


def test_no_anonymous_answer_holds_anything_unpublished_or_personal(anonymous, world):
    answers = every_anonymous_answer(anonymous, world)
    never = [
        DRAFT_TITLE,
        DRAFT_ACTION,
        UNPUBLISHED_TITLE,
        UNPUBLISHED_ACTION,
        NOTE_TEXT,
        OWNER_NAME,
        *people(world),
    ]
    # The demonstration and closed datasets' values (imported with their own bases: 777 777 and 555 555).
    never += ["777777", "777777.0", "555555", "555555.0", "demo-api", '"orcae"', "@example.org"]
    leaks = {(path, text) for path, body in answers.items() for text in never if text in body}
    assert leaks == set()
    # It answers something: the published plan, its action, the elected referent, the open values.
    assert world.published.title in answers["/plans"]
    assert "Isoler la mairie" in answers["/actions?limit=200"]
    assert "Mme la maire adjointe" in answers["/actions?limit=200"]
    assert '"open-api"' in answers["/datasets"]


def test_anonymous_reads_the_published_plans_and_their_actions_only(anonymous, world):
    plans = anonymous.get(f"{API}/plans").json()
    assert [plan["id"] for plan in plans["results"]] == [world.published.pk] and plans["count"] == 1
    actions = anonymous.get(f"{API}/actions").json()["results"]
    assert {action["plan"] for action in actions} == {world.published.pk}
    assert all(action["responsible"] is None for action in actions)


@pytest.mark.parametrize("plan", ["draft", "unpublished"])
def test_a_plan_not_published_is_404(anonymous, world, plan):
    response = anonymous.get(f"{API}/plans/{getattr(world, plan).pk}")
    assert response.status_code == 404
    assert anonymous.get(f"{API}/actions/{world.unpublished_action.pk}").status_code == 404


def test_a_withdrawn_plan_leaves_the_anonymous_answers(anonymous, world):
    plan_publish(plan=world.published, user=world.cast.advisor, published=False)
    assert anonymous.get(f"{API}/plans").json()["count"] == 0
    assert anonymous.get(f"{API}/plans/{world.published.pk}").status_code == 404
    assert anonymous.get(f"{API}/documents").json()["count"] == 0


@pytest.mark.parametrize("dataset", ["demo_dataset", "closed_dataset"])
def test_demonstration_and_closed_datasets_are_404_to_anonymous(anonymous, world, dataset):
    code = getattr(world, dataset).code
    territory = world.cast.territory.pk
    response = anonymous.get(
        f"{API}/observatory/series?dataset={code}&territory={territory}&quantity=consumption"
    )
    assert response.status_code == 404
    assert anonymous.get(f"{API}/observatory/indicators?dataset={code}&commune=38421").status_code == 404


def test_the_open_dataset_series_states_its_licence_and_values(anonymous, world):
    territory = world.cast.territory.pk
    series = anonymous.get(
        f"{API}/observatory/series?dataset=open-api&territory={territory}&quantity=consumption&from_year=2020"
    ).json()
    assert series["licence"] == world.open_dataset.open_licence
    # The Métro's two communes have values every year: 3 000 and 6 000 MWh in 2019, 1 % less a year.
    assert [(value["year"], value["value"]) for value in series["values"]] == [
        (2020, pytest.approx(8910)),
        (2021, pytest.approx(8820)),
    ]
    assert {part["part"] for part in series["by_part"]} == {"Résidentiel", "Transport routier"}
