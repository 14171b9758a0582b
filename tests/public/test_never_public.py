"""What a territory did not choose to publish never reaches the public: a crawl of every public surface
(the pages, the feeds, the sitemap, the open-data files, the anonymous API) from their entry points,
following every link and every `url`/`next` of the API's answers, over data holding a marked value in
each thing that must stay private."""

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions import services as action_services
from actions.models import Action, ActionPlan, FollowUpNote, Milestone
from communes.models import Territory
from observatory.models import Dataset
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.actions.helpers import adopt
from tests.factories import MembershipFactory
from tests.observatory.helpers import import_rows
from workgroups import services as group_services
from workgroups.models import Meeting

pytestmark = pytest.mark.django_db
User = get_user_model()

# Each private thing carries one of these; none may show on a public surface.
SECRETS = {
    "an unpublished plan's title": "PLAN-NON-PUBLIE",
    "an unpublished plan's action": "ACTION-NON-PUBLIEE",
    "a draft version of a published commune": "VERSION-EN-PREPARATION",
    "a person responsible for an action": "Théo Titulaire",
    "a service responsible for an action": "SERVICE-RESPONSABLE",
    "a follow-up note": "NOTE-DE-SUIVI",
    "meeting minutes": "COMPTE-RENDU-SECRET",
    "a meeting's agenda": "ORDRE-DU-JOUR-SECRET",
    "a value of the demonstration dataset": "987654321",
    "a value of a dataset not published": "876543219",
}
ENTRY_POINTS = ["/public/", "/open-data/", "/sitemap.xml", "/robots.txt", "/api/v1/openapi.json"]
PUBLIC_PREFIXES = ("/public/", "/open-data/", "/api/v1/", "/sitemap.xml")
MAX_PAGES = 400


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commune, other = cast.commune, cast.other_commune
    owner = MembershipFactory(commune=commune, role="staff", user__full_name="Théo Titulaire").user
    published = adopt(ActionPlanFactory(commune=commune, title="Plan climat publié"))
    action = ActionFactory(
        plan=published, title="Isoler la mairie", owner=owner, elected_referent="Élue Verte"
    )
    ActionFactory(plan=published, title="Éclairage public LED", owner_name="SERVICE-RESPONSABLE")
    Milestone.objects.create(action=action, name="Audit énergétique", due_date="2025-03-01")
    FollowUpNote.objects.create(action=action, author=owner, date="2025-02-01", text="NOTE-DE-SUIVI")
    action_services.plan_publish(plan=published, user=cast.advisor, published=True)
    ActionPlanFactory(commune=commune, version=2, previous_version=published, title="VERSION-EN-PREPARATION")
    hidden = ActionPlanFactory(commune=other, title="PLAN-NON-PUBLIE")
    ActionFactory(plan=hidden, title="ACTION-NON-PUBLIEE")
    group = group_services.group_setup(commune=commune, user=cast.advisor)
    group_services.meeting_save(
        meeting=Meeting(
            group=group,
            starts_at=timezone.now() - timezone.timedelta(days=30),
            minutes="COMPTE-RENDU-SECRET",
            agenda="ORDRE-DU-JOUR-SECRET",
        ),
        user=cast.advisor,
    )
    # An open dataset, a closed one and the demonstration one, each with values of the commune.
    Dataset.objects.filter(code="agence-ore").update(is_open=True)
    demo, _ = Dataset.objects.get_or_create(
        code="demo", defaults={"name": "Démo", "producer": "Plateforme", "is_demo": True}
    )
    for code, value in (("agence-ore", "1234.5"), ("orcae", "876543219"), (demo.code, "987654321")):
        import_rows(
            [(commune.insee_code, 2022, "consumption", "residential", "electricity", value, "MWh", "")],
            dataset_code=code,
            user=cast.admin,
        )
    return cast


EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}")


def _links(text: str, content_type: str, base: str) -> set[str]:
    found = set()
    if "json" in content_type:
        found |= set(re.findall(r'"(?:url|next|previous|href|[a-z_]*_url)"\s*:\s*"([^"]+)"', text))
    else:
        found |= set(re.findall(r'(?:href|src)="([^"#]+)', text))
        found |= set(re.findall(r"<loc>([^<]+)</loc>", text))
        found |= set(re.findall(r"Sitemap:\s*(\S+)", text))
    paths = set()
    for link in found:
        parts = urlsplit(urljoin(base, link.replace("&amp;", "&")))
        if parts.netloc in ("", "testserver") and parts.path.startswith(PUBLIC_PREFIXES):
            paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _api_list_paths(client) -> set[str]:
    """Every GET operation of the API without a path parameter (the lists), from its schema."""
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    return {path for path, operations in schema["paths"].items() if "get" in operations and "{" not in path}


def _every_object_address() -> list[str]:
    """Every plan, action and dataset of the database at each public address that names one, published
    or not: what is not published must answer 404 there, or at least show nothing private."""
    paths = []
    for plan in ActionPlan.objects.select_related("commune"):
        insee, version = plan.commune.insee_code, plan.version
        paths += [
            f"/api/v1/plans/{plan.pk}",
            f"/public/communes/{insee}/plan-v{version}/",
            f"/public/communes/{insee}/plan-v{version}/deliberation.pdf",
            f"/open-data/plans/{insee}-v{version}.csv",
            f"/open-data/plans/{insee}-v{version}.json",
        ]
    paths += [f"/api/v1/actions/{pk}" for pk in Action.objects.values_list("pk", flat=True)]
    territories = list(Territory.objects.values_list("pk", flat=True))
    for code in Dataset.objects.values_list("code", flat=True):
        paths += [f"/open-data/datasets/{code}.csv", f"/open-data/datasets/{code}.json"]
        for territory in territories:
            paths += [
                f"/api/v1/observatory/series?dataset={code}&territory={territory}&quantity=consumption",
                f"/api/v1/observatory/indicators?dataset={code}&territory={territory}",
                f"/api/v1/datasets?territory={territory}",
            ]
    return paths


def test_nothing_private_reaches_a_public_surface(client, world):
    # Nobody's name nor email: whoever has an account (members, advisors, who published) stays private.
    secrets = dict(SECRETS)
    for user in User.objects.all():
        secrets[f"the name of {user.email}"] = user.full_name
        secrets[f"the email of {user.email}"] = user.email
    to_visit = list(ENTRY_POINTS) + sorted(_api_list_paths(client)) + _every_object_address()
    seen: dict[str, int] = {}
    leaks = []
    while to_visit and len(seen) < MAX_PAGES:
        path = to_visit.pop()
        if path in seen:
            continue
        # Following the language links too: the English pages are crawled as well as the French ones.
        response = client.get(path, follow=True)
        seen[path] = response.status_code
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        leaks += [f"{what} on {path}" for what, secret in secrets.items() if secret in text]
        leaks += [f"an email ({email}) on {path}" for email in EMAIL.findall(text)]
        to_visit += sorted(_links(text, response.get("Content-Type", ""), path) - set(seen))
    assert not leaks
    # The crawl did reach every surface: the published plan's page and files, the open dataset, the API.
    reached = " ".join(path for path, status in seen.items() if status == 200)
    for expected in (
        f"/public/communes/{world.commune.insee_code}/plan-v1/",
        f"/open-data/plans/{world.commune.insee_code}-v1.csv",
        f"/open-data/plans/{world.commune.insee_code}-v1.json",
        "/open-data/datasets/agence-ore.csv",
        "/api/v1/plans",
        "/api/v1/actions",
        "/api/v1/observatory/series?dataset=agence-ore",
    ):
        assert expected in reached, expected
    assert len(seen) < MAX_PAGES


def test_the_published_plan_shows_what_may_be_public(client, world):
    page = client.get(f"/public/communes/{world.commune.insee_code}/").content.decode()
    for shown in ("Plan climat publié", "Isoler la mairie", "Élue Verte", "Audit énergétique", "2024-031"):
        assert shown in page
