"""The plan page's rows and the "to update" order are computed once per version of the actions
(actions/cache.py): a second read reads none of them again, and every write they show (a follow-up, a
new milestone, a spending, a renamed owner) shows on the very next read."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import selectors, services
from actions.cache import ACTIONS_VERSION
from actions.models import ActionStatus, BudgetKind
from actions.services.follow_up import FollowUp
from tests.actions.factories import ActionFactory, BudgetLineFactory, MilestoneFactory, adopted_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def plan(cast):
    return adopted_plan(cast.commune, start_year=YEAR - 2, end_year=YEAR + 4)


def row_of(content: str, title: str) -> str:
    """The table row of the action of this title, up to its end (not the rest of the page)."""
    return next(row.split("</tr>")[0] for row in content.split("<tr>") if f">{title}</a>" in row)


def test_a_second_read_of_the_plan_page_reads_no_action_again(login, cast, plan, django_assert_num_queries):
    for index in range(3):
        ActionFactory(plan=plan, title=f"Rénovation {index}")
    client = login(cast.advisor)
    first = client.get(reverse("actions:plan", args=[plan.pk])).content.decode()
    # The session, the user, the plan, the roles, the next version, the replaced deliberations, the themes.
    with django_assert_num_queries(7):
        second = client.get(reverse("actions:plan", args=[plan.pk])).content.decode()
    assert row_of(second, "Rénovation 2") == row_of(first, "Rénovation 2")


def test_a_follow_up_shows_on_the_plan_page_and_moves_the_action_in_the_list(login, cast, plan):
    late = ActionFactory(
        plan=plan, title="Isolation", status=ActionStatus.IN_PROGRESS, end_date=TODAY - datetime.timedelta(1)
    )
    ActionFactory(plan=plan, title="Éclairage", status=ActionStatus.IN_PROGRESS)
    client = login(cast.advisor)
    assert "text-bg-danger" in row_of(
        client.get(reverse("actions:plan", args=[plan.pk])).content.decode(), "Isolation"
    )
    assert selectors.actions_to_update_ids(user=cast.advisor)[0] == late.pk

    services.action_follow_up(
        action=late,
        user=cast.advisor,
        base_revision=late.revision,
        follow_up=FollowUp(status=ActionStatus.DONE, progress=100, year=YEAR),
    )

    row = row_of(client.get(reverse("actions:plan", args=[plan.pk])).content.decode(), "Isolation")
    assert "action-done" in row and "100" in row and "text-bg-danger" not in row
    # No longer late: last of the list (the other action, never updated since, comes first).
    assert selectors.actions_to_update_ids(user=cast.advisor)[-1] == late.pk


def test_a_milestone_a_budget_line_and_an_owner_s_name_show_on_the_next_read(login, cast, plan):
    action = ActionFactory(
        plan=plan, title="Chaufferie", status=ActionStatus.IN_PROGRESS, owner=cast.referent
    )
    client = login(cast.advisor)
    url = reverse("actions:plan", args=[plan.pk])
    row = row_of(client.get(url).content.decode(), "Chaufferie")
    assert "text-bg-danger" not in row and "12\u202f345" not in row  # (its id may hold a 12)

    MilestoneFactory(action=action, due_date=TODAY - datetime.timedelta(days=3))
    BudgetLineFactory(action=action, year=YEAR, kind=BudgetKind.INVESTMENT, forecast=Decimal("12345.00"))
    cast.referent.full_name = "Odile Nouvelle"
    cast.referent.save()

    row = row_of(client.get(url).content.decode(), "Chaufferie")
    assert "text-bg-danger" in row  # late: a milestone is overdue
    assert "12\u202f345,00\xa0€" in row
    assert "Odile Nouvelle" in row


def test_a_sign_in_does_not_replace_the_version(cast, plan):
    before = ACTIONS_VERSION.current()
    cast.advisor.last_login = timezone.now()
    cast.advisor.save(update_fields=["last_login"])
    assert ACTIONS_VERSION.current() == before
    ActionFactory(plan=plan)
    assert ACTIONS_VERSION.current() != before


def test_rows_written_once_still_show_an_action_falling_without_news_and_the_reader_s_language(
    login, cast, plan, settings
):
    """The rows are kept per version of the actions, language and flags: an action that falls without
    news as time passes (no write, so the same version) shows it on the next read, in either language."""
    ActionFactory(plan=plan, title="Chaufferie", status=ActionStatus.IN_PROGRESS)
    client = login(cast.advisor)
    url = reverse("actions:plan", args=[plan.pk])
    version = ACTIONS_VERSION.current()
    assert "text-bg-warning" not in row_of(client.get(url).content.decode(), "Chaufferie")

    settings.STALE_ACTION_DAYS = -1  # every open action's last news is now older than the limit

    row = row_of(client.get(url).content.decode(), "Chaufferie")
    assert '<span class="badge text-bg-warning">sans nouvelles</span>' in row
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    row = row_of(client.get(url).content.decode(), "Chaufferie")
    assert '<span class="badge text-bg-warning">no news</span>' in row
    assert ACTIONS_VERSION.current() == version
