"""Publishing an adopted plan on the public pages: who may, what it records, and that it can be undone."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditAction, AuditEvent
from actions import selectors, services
from actions.models import ActionPlan, HistoryEntry, PlanStatus
from tests.actions.factories import ActionPlanFactory
from tests.actions.helpers import PLAN_EDITORS, PLAN_REFUSED, adopt, messages_of, url
from tests.workgroups.helpers import tr

pytestmark = pytest.mark.django_db


def publish(client, plan, value):
    return client.post(url("plan_publication", plan.pk), {"publish": value})


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_publish_an_adopted_plan_and_withdraw_it(as_role, scene, role):
    plan = adopt(scene.plan)
    client = as_role(role)
    page = client.get(url("plan", plan.pk)).content.decode()
    assert tr("Not published: only the commune's people and its network read this plan.") in page
    assert 'name="publish" value="1"' in page

    response = publish(client, plan, "1")
    assert response.status_code == 302 and response.url == url("plan", plan.pk)
    plan.refresh_from_db()
    assert plan.is_published and plan.published_by == scene.user(role)
    assert selectors.published_plan(commune=plan.commune) == plan
    event = AuditEvent.objects.get(action=AuditAction.PUBLISHED, details__object="plan")
    assert event.details["published"] is True and event.commune_id == plan.commune_id
    page = client.get(url("plan", plan.pk)).content.decode()
    assert f"/public/communes/{plan.commune.insee_code}/plan-v1/" in page
    assert 'name="publish" value="0"' in page

    publish(client, plan, "0")
    plan.refresh_from_db()
    assert not plan.is_published and plan.published_by is None
    assert selectors.published_plan(commune=plan.commune) is None
    assert list(HistoryEntry.objects.filter(plan=plan).values_list("summary", flat=True)[:2]) == [
        tr("Withdrawn from the public pages"),
        tr("Published on the public pages"),
    ]


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
def test_other_roles_cannot_publish(as_role, scene, role, status):
    plan = adopt(scene.plan)
    client = as_role(role)
    assert publish(client, plan, "1").status_code == status
    plan.refresh_from_db()
    assert not plan.is_published
    if status == 403:
        # They read the plan, and see plainly whether it is public, without the switch.
        page = client.get(url("plan", plan.pk)).content.decode()
        assert 'id="plan-publication"' in page and 'name="publish"' not in page


def test_a_plan_in_preparation_cannot_be_published(as_role, scene):
    client = as_role("advisor")
    response = publish(client, scene.plan, "1")
    scene.plan.refresh_from_db()
    assert not scene.plan.is_published
    assert messages_of(response) == [tr("Only a plan the council adopted can be published.")]
    assert 'id="plan-publication"' not in client.get(url("plan", scene.plan.pk)).content.decode()


def test_the_database_refuses_a_published_plan_that_was_not_adopted(scene):
    scene.plan.published_at = "2025-01-01T00:00:00Z"
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.filter(pk=scene.plan.pk).update(published_at=scene.plan.published_at)


def test_the_published_plan_is_the_latest_published_version(scene, cast):
    first = adopt(scene.plan)
    services.plan_publish(plan=first, user=cast.advisor, published=True)
    second = ActionPlanFactory(commune=first.commune, version=2, previous_version=first, title="Plan v2")
    # A new version is not published with the first: each version is published on its own.
    assert selectors.published_plan(commune=first.commune) == first
    assert selectors.published_plan(commune=first.commune, version=2) is None
    with pytest.raises(ValidationError):
        services.plan_publish(plan=second, user=cast.advisor, published=True)
    adopt(second, PlanStatus.DELIBERATED)
    services.plan_publish(plan=second, user=cast.advisor, published=True)
    assert selectors.published_plan(commune=first.commune) == second
    assert selectors.published_plans(territory_id=cast.territory.pk) == {first.commune_id: second}
    assert selectors.published_plans(territory_id=cast.foreign_territory.pk) == {}
    assert set(ActionPlan.objects.filter(pk__in=selectors.published_plan_ids())) == {first, second}


def test_publishing_twice_records_once(scene, cast):
    plan = adopt(scene.plan)
    services.plan_publish(plan=plan, user=cast.advisor, published=True)
    services.plan_publish(plan=plan, user=cast.referent, published=True)
    plan.refresh_from_db()
    assert plan.published_by == cast.advisor
    assert AuditEvent.objects.filter(action=AuditAction.PUBLISHED).count() == 1
