"""`manage.py load_demo` publishes most demo communes' adopted plans, so that `make run` shows the public
pages; a second run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from actions.models import ADOPTED_STATUSES, ActionPlan
from actions.selectors import published_plans

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hasher, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


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
