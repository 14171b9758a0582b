"""While a new version of a plan is in draft, every page and document counts the same actions: those
of the adopted version, where the follow-up happens (`actions.selectors.followed_plans`)."""

import datetime

import pytest
from django.urls import reverse

from actions import services
from actions.models import ActionStatus, Theme
from reporting import dashboards, letters
from reporting.documents import yearly
from tests.actions.factories import ActionFactory, MilestoneFactory, adopted_plan

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year


def late(action) -> None:
    action.status = ActionStatus.IN_PROGRESS
    action.save()
    MilestoneFactory(action=action, due_date=datetime.date(2020, 1, 1))


@pytest.fixture
def v1_adopted_v2_draft(cast):
    """v1 in follow-up with three actions, one of them late; v2 in draft, one more action and all of
    its copies late."""
    v1 = adopted_plan(cast.commune)
    late(ActionFactory(plan=v1, title="Chaufferie bois"))
    ActionFactory(plan=v1, title="Isolation de la mairie", status=ActionStatus.DONE)
    ActionFactory(plan=v1, title="Extinction nocturne")
    v2 = services.plan_new_version(plan=v1, user=cast.advisor)
    services.action_create(
        plan=v2, data={"title": "Vélos électriques", "theme": Theme.objects.first()}, user=cast.advisor
    )
    for action in v2.actions.all():
        late(action)
    return v1, v2


def test_the_network_dashboard_the_yearly_reports_and_the_portfolio_count_the_same_actions(
    cast, login, v1_adopted_v2_draft
):
    v1, _v2 = v1_adopted_v2_draft
    commune = cast.commune

    network = dashboards.network_dashboard(territory=cast.territory, advisor=cast.advisor)
    line = next(line for line in network.communes if line.commune == commune)
    assert (network.actions.total, line.actions, line.done, line.late) == (3, 3, 1, 1)
    assert line.plan == v1

    assert dashboards.commune_dashboard(commune=commune).actions.total == 3
    assert dashboards.commune_dashboard(commune=commune).actions.late == 1

    report = yearly.commune_report_context(commune=commune, year=YEAR)
    assert report["plan"] == v1
    assert sorted(action.title for action in report["actions"].actions) == sorted(
        v1.actions.values_list("title", flat=True)
    )
    network_report = yearly.network_report_context(territory=cast.territory, year=YEAR)
    counts = network_report["actions"].by_commune[commune.pk]
    assert (counts["total"], counts["late"]) == (3, 1)

    response = login(cast.advisor).get(reverse("communes:portfolio"))
    row = next(c for c in response.context["communes"] if c.pk == commune.pk)
    plan_cell, late_cell, _stale_cell, _group_cell = row.cells
    assert plan_cell.text.startswith("v2 ·")  # the version people work on
    assert plan_cell.text.endswith("v1")  # and the one its late and stale counts come from
    assert late_cell.text == "1"  # the late actions of the adopted version, as the dashboards count


def test_the_commune_page_marks_the_version_in_force(cast, login, v1_adopted_v2_draft):
    v1, v2 = v1_adopted_v2_draft
    response = login(cast.referent).get(reverse("communes:detail", args=[cast.commune.insee_code]))
    plans = {plan.version: plan for plan in response.context["sections"].plans}
    assert (plans[1].is_in_force, plans[2].is_in_force) == (True, False)
    assert response.content.decode().count("en vigueur") == 1


def test_the_letter_lists_the_actions_completed_in_the_followed_plan_once(cast, v1_adopted_v2_draft):
    v1, v2 = v1_adopted_v2_draft
    day = datetime.date(2025, 5, 20)
    v1.actions.filter(title="Isolation de la mairie").update(end_date=day)
    v2.actions.filter(title="Isolation de la mairie").update(status=ActionStatus.DONE, end_date=day)
    # Marked done in the draft only: not a completion until the council adopts the new version.
    v2.actions.filter(title="Vélos électriques").update(status=ActionStatus.DONE, end_date=day)
    highlights = letters.letter_highlights(
        territory=cast.territory,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    completed = next(highlight for highlight in highlights if highlight.heading == "Actions réalisées")
    assert len(completed.items) == 1 and "Isolation de la mairie" in completed.items[0]
