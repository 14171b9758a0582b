"""The internal pages say which plan versions and letters are public, and link to their public page."""

import pytest
from django.urls import reverse

from actions import services as action_services
from tests.public.pages_world import world_with_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, settings, tmp_path):
    return world_with_files(cast, settings, tmp_path)


def test_the_commune_page_links_to_the_public_page_of_its_published_plan(login, world):
    client = login(world.cast.advisor)
    public = reverse("public:plan_version", args=[world.commune.insee_code, world.plan.version])
    html = client.get(reverse("communes:detail", args=[world.commune.insee_code])).content.decode()
    assert f'href="{public}"' in html
    # The draft after it has no public page.
    draft = reverse("public:plan_version", args=[world.commune.insee_code, world.draft.version])
    assert draft not in html
    action_services.plan_publish(plan=world.plan, user=world.cast.advisor, published=False)
    html = client.get(reverse("communes:detail", args=[world.commune.insee_code])).content.decode()
    assert public not in html


def test_the_plan_page_links_to_its_public_page_once_published(login, world):
    client = login(world.cast.advisor)
    public = reverse("public:plan_version", args=[world.commune.insee_code, world.plan.version])
    assert f'href="{public}"' in client.get(reverse("actions:plan", args=[world.plan.pk])).content.decode()
    unpublished = login(world.cast.outsider).get(reverse("actions:plan", args=[world.unpublished.pk]))
    assert "/public/communes/" not in unpublished.content.decode()


def test_a_published_letter_links_to_its_public_page(login, world):
    client = login(world.cast.metro_officer)
    public = reverse("public:letter", args=[world.territory.slug, world.letter.number])
    page = client.get(reverse("reporting:letter", args=[world.letter.pk])).content.decode()
    assert f'href="{public}"' in page
    draft = client.get(reverse("reporting:letter", args=[world.draft_letter.pk])).content.decode()
    assert 'id="letter-public-link"' not in draft
