"""The public pages as anyone reads them, without an account: what they show, what they never show, their
404s, the feed and the sitemap, their languages, their cache and their queries."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from actions import services as action_services
from actions.models import ActionStatus
from actions.services.follow_up import FollowUp
from reporting.letters import letter_publish
from reporting.models import LetterSection
from tests.actions.factories import ActionFactory, adopted_plan
from tests.public.pages_world import NEVER_PUBLIC, world_with_files
from workgroups.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, settings, tmp_path):
    return world_with_files(cast, settings, tmp_path)


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def text_of(response) -> str:
    """The page's text as a reader sees it (tags removed, entities decoded, spaces collapsed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return plain(re.sub(r"<[^>]+>", " ", html))


def plain(html: str) -> str:
    """Entities decoded, no-break spaces and typographic apostrophes as typed, spaces collapsed."""
    text = unescape(html).replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


def cells_of(row: str) -> list[str]:
    """The text of each <td> of a table row's HTML."""
    return [plain(re.sub(r"<[^>]+>", " ", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def url_of_plan(world, version=None):
    if version is None:
        return reverse("public:commune_plan", args=[world.commune.insee_code])
    return reverse("public:plan_version", args=[world.commune.insee_code, version])


def every_public_url(world) -> list[str]:
    slug = world.territory.slug
    return [
        reverse("public:index"),
        reverse("public:territory", args=[slug]),
        url_of_plan(world),
        url_of_plan(world, world.plan.version),
        reverse("public:letters", args=[slug]),
        reverse("public:letter", args=[slug, world.letter.number]),
        reverse("public:letters_feed", args=[slug]),
        reverse("public:sitemap"),
        reverse("public:robots"),
    ]


# --- anyone reads them -----------------------------------------------------------------------------


def test_every_public_page_answers_without_an_account(client, world):
    for url in every_public_url(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cache-Control" in response.headers and "public" in response.headers["Cache-Control"], url
        assert "max-age=300" in response.headers["Cache-Control"], url
        assert "Cookie" in response.headers["Vary"], url


def test_the_public_pages_refuse_a_post(client, world):
    assert client.post(reverse("public:index")).status_code == 405
    assert client.post(url_of_plan(world)).status_code == 405


def test_a_public_page_reads_the_same_for_a_signed_in_person(client, world):
    anonymous = client.get(url_of_plan(world)).content
    client.force_login(world.cast.advisor)
    signed_in = client.get(url_of_plan(world)).content
    assert signed_in == anonymous
    assert b"csrfmiddlewaretoken" not in signed_in
    assert world.cast.advisor.get_full_name().encode() not in signed_in


# --- the index and the territories ---------------------------------------------------------------


def test_the_index_lists_the_territories_with_something_published(client, world):
    response = client.get(reverse("public:index"))
    text = text_of(response)
    assert world.territory.name in text
    assert f'href="{reverse("public:territory", args=[world.territory.slug])}"' in response.content.decode()
    # The Pays Voironnais publishes nothing: not listed.
    assert world.cast.foreign_territory.name not in text
    html = response.content.decode()
    assert f'href="{reverse("public:open_data")}"' in html
    assert 'href="/api/v1/docs"' in html


def test_the_index_says_when_nothing_is_published(client, cast):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert 'id="no-territory"' in response.content.decode()
    assert cast.territory.name not in text_of(response)


def test_the_territory_page_lists_its_communes_published_plans(client, world):
    response = client.get(reverse("public:territory", args=[world.territory.slug]))
    text = text_of(response)
    html = response.content.decode()
    assert world.territory.name in text
    assert world.commune.name in text and world.plan.title in text
    assert f'href="{url_of_plan(world)}"' in html
    assert "12 mars 2024" in text  # the deliberation date
    link = re.escape(url_of_plan(world))
    row = re.search(rf'<tr>\s*<th scope="row"><a href="{link}".*?</tr>', html, re.S).group(0)
    cells = [plain(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[-3:] == ["2", "1", "73 %"]  # actions, done, average progress (45 and 100)
    # Échirolles adopted its plan but did not publish it.
    assert world.cast.other_commune.name not in text
    assert f'href="{reverse("public:letters", args=[world.territory.slug])}"' in html


def test_the_territory_links_to_its_observatory_only_when_it_has_open_data(client, world):
    from observatory.models import Dataset

    url = reverse("public:territory", args=[world.territory.slug])
    observatory = reverse("public:observatory", args=[world.territory.slug])
    assert observatory not in client.get(url).content.decode()
    dataset = Dataset.objects.filter(territory=world.territory, is_demo=False).first()
    dataset.is_open = True
    dataset.save()
    assert observatory in client.get(url).content.decode()


def test_an_unknown_territory_is_not_found(client, world):
    for name in ("territory", "letters", "letters_feed"):
        assert client.get(reverse(f"public:{name}", args=["nulle-part"])).status_code == 404, name
    assert client.get(reverse("public:letter", args=["nulle-part", 1])).status_code == 404


# --- a published plan ------------------------------------------------------------------------------


def test_the_plan_page_shows_the_plan_its_deliberation_and_its_working_group(client, world):
    response = client.get(url_of_plan(world))
    text = text_of(response)
    assert world.plan.title in text and world.commune.name in text
    assert "2024–2030" in text
    assert "2024-031" in text and "12 mars 2024" in text  # the deliberation's number and date
    assert "En suivi" in text or "In follow-up" in text
    # The working group: it exists, and met twice (the third meeting is still to come).
    group = plain(response.content.decode().split('id="plan-working-group"')[1].split("</dd>")[0])
    assert "1er septembre 2023" in group
    assert re.search(r"\b2\b", group)


def test_the_plan_page_shows_its_actions_by_axis_with_their_follow_up(client, world):
    response = client.get(url_of_plan(world))
    html = response.content.decode()
    text = text_of(response)
    # The axis tree: the axis, its sub-axis with the action, the actions outside the axes; an empty axis is
    # left out.
    assert text.index("Bâtiments sobres") < text.index("Écoles") < text.index(world.action.title)
    assert "Axe sans action" not in text
    row = html.split(f'id="action-{world.action.pk}"')[1].split("</tr>")[0]
    row_text = plain(re.sub(r"<[^>]+>", " ", row))
    assert "45 %" in row_text  # the progress as text, not only a bar
    assert "En cours" in row_text or "In progress" in row_text
    assert "6 janvier 2025" in row_text and "28 août 2026" in row_text
    assert "Appel d'offres travaux" in row_text and "20 mars 2025" in row_text  # done on
    assert "Réception des travaux" in row_text
    assert "155 000 €" in row_text and "62 000 €" in row_text  # forecast and actual
    assert "120 MWh" in row_text and "25,5 t CO2e" in row_text and "40 MWh" in row_text
    assert "Mme Adèle Adjointe" in row_text
    assert "Isolation des murs et des combles." in row_text
    assert world.other_action.title in text


def test_the_plan_page_shows_its_totals(client, world):
    html = client.get(url_of_plan(world)).content.decode()

    def figure(name):
        return plain(re.search(rf'id="total-{name}">(.*?)</dd>', html).group(1))

    assert figure("actions") == "2"
    assert figure("done") == "1"
    assert figure("in-progress") == "1"
    assert figure("progress") == "73 %"
    assert figure("forecast") == "163 000 €"
    assert figure("actual") == "69 500 €"


def test_the_plan_page_links_to_the_signed_deliberation_and_the_open_data(client, world):
    url = url_of_plan(world)
    pdf = reverse("public:plan_deliberation", args=[world.commune.insee_code, world.plan.version])
    assert pdf not in client.get(url).content.decode()  # no file yet
    assert client.get(pdf).status_code == 404
    world.plan.deliberation_file.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    html = client.get(url).content.decode()
    assert pdf in html
    for fmt in ("csv", "json"):
        assert reverse("public:plan_file", args=[world.commune.insee_code, world.plan.version, fmt]) in html
    response = client.get(pdf)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"


def test_the_signed_deliberation_of_a_plan_not_published_is_not_found(client, world):
    world.unpublished.deliberation_file.save("signed.pdf", ContentFile(b"%PDF-1.4"), save=True)
    other = world.cast.other_commune.insee_code
    url = reverse("public:plan_deliberation", args=[other, world.unpublished.version])
    assert client.get(url).status_code == 404


def test_a_commune_without_a_published_plan_is_not_found(client, world):
    other = world.cast.other_commune.insee_code
    assert client.get(reverse("public:commune_plan", args=[other])).status_code == 404
    assert client.get(reverse("public:commune_plan", args=["99999"])).status_code == 404
    version = world.unpublished.version
    assert client.get(reverse("public:plan_version", args=[other, version])).status_code == 404


def test_the_draft_version_of_a_commune_with_a_published_one_is_not_found(client, world):
    assert client.get(url_of_plan(world, world.draft.version)).status_code == 404
    assert client.get(url_of_plan(world, 99)).status_code == 404
    # Its latest *published* version is shown, not the draft that came after it.
    assert world.plan.title in text_of(client.get(url_of_plan(world)))


def test_the_other_published_versions_are_listed(client, world):
    world.draft.status = "follow_up"
    world.draft.title = "Plan climat révisé"
    world.draft.deliberation_date = datetime.date(2025, 11, 20)
    world.draft.save()
    action_services.plan_publish(plan=world.draft, user=world.cast.advisor, published=True)
    latest = client.get(url_of_plan(world))
    assert "Plan climat révisé" in text_of(latest)
    assert f'href="{url_of_plan(world, world.plan.version)}"' in latest.content.decode()
    earlier = client.get(url_of_plan(world, world.plan.version))
    assert world.plan.title in text_of(earlier)
    assert 'id="earlier-version"' in earlier.content.decode()
    assert f'href="{url_of_plan(world, world.draft.version)}"' in earlier.content.decode()
    # The index counts communes with a published plan, not versions.
    index = client.get(reverse("public:index")).content.decode()
    territory_link = f'href="{reverse("public:territory", args=[world.territory.slug])}"'
    assert cells_of(index.split(territory_link)[1].split("</tr>")[0])[:2] == ["1", "1"]


# --- never public ----------------------------------------------------------------------------------


def test_nothing_private_appears_in_any_public_page_feed_or_sitemap(client, world):
    world.plan.deliberation_file.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    users = get_user_model().objects.all()
    emails = [user.email for user in users]
    # Names of people: only the action's elected referent is public.
    names = [user.get_full_name() for user in users if user.get_full_name()]
    assert NEVER_PUBLIC["owner"] in names
    for url in every_public_url(world):
        content = unescape(client.get(url).content.decode())
        for what, secret in NEVER_PUBLIC.items():
            assert secret not in content, f"{what} in {url}"
        for email in emails:
            assert email not in content, f"an email in {url}"
        for name in names:
            assert name not in content, f"{name} in {url}"
        assert "@" not in re.sub(r"<link[^>]*>|<meta[^>]*>", "", content) or url.endswith(".atom"), url


def test_a_plan_not_published_never_appears(client, world):
    for url in every_public_url(world):
        content = unescape(client.get(url).content.decode())
        assert world.unpublished.title not in content, url
        assert f"/public/communes/{world.cast.other_commune.insee_code}/" not in content, url


# --- letters ---------------------------------------------------------------------------------------


def test_the_letters_archive_lists_the_published_issues_and_offers_the_feed(client, world):
    response = client.get(reverse("public:letters", args=[world.territory.slug]))
    html = response.content.decode()
    assert world.letter.title in text_of(response)
    assert NEVER_PUBLIC["draft letter"] not in html
    feed = "http://127.0.0.1:8000" + reverse("public:letters_feed", args=[world.territory.slug])
    alternate = rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{re.escape(feed)}">'
    assert re.search(alternate, html)
    assert reverse("public:letter", args=[world.territory.slug, 1]) in html


def test_a_published_letter_shows_its_editorial_and_sections(client, world):
    response = client.get(reverse("public:letter", args=[world.territory.slug, 1]))
    text = text_of(response)
    assert world.letter.title in text
    assert "Les communes avancent." in text
    assert "Plans délibérés" in text and "Saint-Martin-d'Hères" in text
    assert "1er janvier 2025" in text


def test_a_draft_letter_is_not_found(client, world):
    assert client.get(reverse("public:letter", args=[world.territory.slug, 2])).status_code == 404
    # Nor another territory's issue under this territory's address.
    foreign = world.cast.foreign_territory.slug
    assert client.get(reverse("public:letter", args=[foreign, 1])).status_code == 404


def test_the_feed_is_atom_and_lists_only_the_published_issues(client, world):
    response = client.get(reverse("public:letters_feed", args=[world.territory.slug]))
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert world.letter.title in entry.find(f"{ATOM}title").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://127.0.0.1:8000" + reverse("public:letter", args=[world.territory.slug, 1])
    assert "Les communes avancent." in entry.find(f"{ATOM}summary").text
    assert NEVER_PUBLIC["draft letter"] not in response.content.decode()


def test_a_letter_published_shows_in_the_archive_and_the_feed_at_once(client, world):
    archive = reverse("public:letters", args=[world.territory.slug])
    feed = reverse("public:letters_feed", args=[world.territory.slug])
    assert NEVER_PUBLIC["draft letter"] not in client.get(archive).content.decode()
    client.get(feed)
    letter_publish(letter=world.draft_letter, user=world.cast.metro_officer)
    assert NEVER_PUBLIC["draft letter"] in unescape(client.get(archive).content.decode())
    assert NEVER_PUBLIC["draft letter"] in unescape(client.get(feed).content.decode())
    assert client.get(reverse("public:letter", args=[world.territory.slug, 2])).status_code == 200


# --- sitemap and robots ----------------------------------------------------------------------------


def sitemap_locations(client) -> list[str]:
    response = client.get(reverse("public:sitemap"))
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_only_what_is_published(client, world):
    site = "http://127.0.0.1:8000"
    locations = sitemap_locations(client)
    slug = world.territory.slug
    for url in (
        reverse("public:index"),
        reverse("public:territory", args=[slug]),
        url_of_plan(world),
        url_of_plan(world, world.plan.version),
        reverse("public:letters", args=[slug]),
        reverse("public:letter", args=[slug, 1]),
        reverse("public:open_data"),
    ):
        assert site + url in locations, url
    assert site + url_of_plan(world, world.draft.version) not in locations
    assert site + reverse("public:letter", args=[slug, 2]) not in locations
    assert not any(world.cast.other_commune.insee_code in location for location in locations)
    assert not any(world.cast.foreign_territory.slug in location for location in locations)
    # No observatory without open data.
    assert site + reverse("public:observatory", args=[slug]) not in locations
    # A published letter no longer changes: dated by its publication.
    root = ET.fromstring(client.get(reverse("public:sitemap")).content)
    letter_url = site + reverse("public:letter", args=[slug, 1])
    entry = next(url for url in root.iter(f"{SITEMAP}url") if url.find(f"{SITEMAP}loc").text == letter_url)
    lastmod = datetime.datetime.fromisoformat(entry.find(f"{SITEMAP}lastmod").text)
    assert lastmod == world.letter.published_at.replace(microsecond=0)


def test_robots_points_to_the_sitemap_and_keeps_robots_out_of_the_rest(client, world):
    response = client.get(reverse("public:robots"))
    assert response.headers["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Allow: /public/" in lines and "Allow: /open-data/" in lines
    assert "Disallow: /" in lines


# --- head, social previews, languages -------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", "territory", "plan", "letters", "letter"])
def test_every_page_has_its_title_description_canonical_address_and_social_preview(client, world, page):
    slug = world.territory.slug
    url = {
        "index": reverse("public:index"),
        "territory": reverse("public:territory", args=[slug]),
        "plan": url_of_plan(world),
        "letters": reverse("public:letters", args=[slug]),
        "letter": reverse("public:letter", args=[slug, 1]),
    }[page]
    html = client.get(url).content.decode()
    head = html.split("</head>")[0]

    def meta(attribute, name):
        found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head)
        assert found, name
        return unescape(found.group(1))

    assert re.search(r'<html lang="fr">', html)
    title = unescape(re.search(r"<title>(.*?)</title>", head, re.S).group(1))
    assert title.endswith("· Plan Climat Local") and len(title) > len("· Plan Climat Local") + 3
    assert len(meta("name", "description")) > 30
    canonical = "http://127.0.0.1:8000" + url
    assert f'<link rel="canonical" href="{canonical}">' in head
    assert meta("property", "og:url") == canonical
    assert meta("property", "og:title") and meta("property", "og:description")
    assert meta("property", "og:type") in ("website", "article")
    assert meta("property", "og:locale") == "fr_FR"
    image = meta("property", "og:image")
    assert image.startswith("http://127.0.0.1:8000/static/") and image.endswith(".png")
    assert meta("name", "twitter:card") == "summary_large_image"


def test_the_social_preview_image_is_a_1200_by_630_png():
    from pathlib import Path

    from PIL import Image

    from public.pages import SOCIAL_IMAGE

    with Image.open(Path(__file__).resolve().parents[2] / "static" / SOCIAL_IMAGE) as image:
        assert image.format == "PNG" and image.size == (1200, 630)


def test_the_language_links_switch_without_a_form_and_come_back_to_the_page(client, world):
    url = url_of_plan(world)
    html = client.get(url).content.decode()
    assert '<a class="nav-link" href="?lang=en" lang="en" hreflang="en">English</a>' in html
    response = client.get(url + "?lang=en")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert response.cookies["django_language"].value == "en"
    assert "no-store" in response.headers["Cache-Control"]
    english = client.get(url)
    assert '<html lang="en">' in english.content.decode()
    assert "In follow-up" in text_of(english)
    assert "March 12, 2024" in text_of(english) or "12 March 2024" in text_of(english)
    assert 'content="en_GB"' in english.content.decode()
    # French again: the cache keeps each language's page apart.
    client.get(url + "?lang=fr")
    french = client.get(url)
    assert '<html lang="fr">' in french.content.decode() and "12 mars 2024" in text_of(french)


def test_an_unknown_language_leaves_the_language_as_it_was(client, world):
    response = client.get(reverse("public:index") + "?lang=xx&page=2")
    assert response.status_code == 302 and response.headers["Location"] == reverse("public:index") + "?page=2"
    assert "django_language" not in response.cookies


# --- cached, and never stale -----------------------------------------------------------------------


def test_a_plan_published_shows_and_withdrawn_is_gone(client, world):
    other = world.cast.other_commune
    url = reverse("public:commune_plan", args=[other.insee_code])
    territory_url = reverse("public:territory", args=[world.territory.slug])
    assert client.get(url).status_code == 404
    assert world.unpublished.title not in client.get(territory_url).content.decode()
    client.get(reverse("public:sitemap"))
    action_services.plan_publish(plan=world.unpublished, user=world.cast.advisor, published=True)
    assert client.get(url).status_code == 200
    assert world.unpublished.title in unescape(client.get(territory_url).content.decode())
    assert "http://127.0.0.1:8000" + url in sitemap_locations(client)
    action_services.plan_publish(plan=world.unpublished, user=world.cast.advisor, published=False)
    assert client.get(url).status_code == 404
    assert world.unpublished.title not in unescape(client.get(territory_url).content.decode())
    assert "http://127.0.0.1:8000" + url not in sitemap_locations(client)


def test_an_action_followed_up_shows_on_the_next_read(client, world):
    url = url_of_plan(world)

    def cells():
        row = client.get(url).content.decode().split(f'id="action-{world.action.pk}"')[1].split("</tr>")[0]
        found = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        return [plain(re.sub(r"<[^>]+>", " ", cell)) for cell in found]

    assert cells()[1:3] == ["En cours", "45 %"]
    world.action.refresh_from_db()
    action_services.action_follow_up(
        action=world.action,
        user=world.cast.referent,
        base_revision=world.action.revision,
        follow_up=FollowUp(status=ActionStatus.DONE, progress=100, year=2026),
    )
    assert cells()[1:3] == ["Réalisé", "100 %"]
    ActionFactory(plan=world.plan, title="Une action ajoutée après coup")
    assert "Une action ajoutée après coup" in text_of(client.get(url))


def test_a_meeting_held_counts_on_the_next_read(client, world):
    url = url_of_plan(world)

    before = client.get(url).content.decode().split('id="plan-working-group"')[1].split("</dd>")[0]
    earliest = world.group.meetings.last().starts_at
    Meeting.objects.create(group=world.group, starts_at=earliest - datetime.timedelta(days=1))
    after = client.get(url).content.decode().split('id="plan-working-group"')[1].split("</dd>")[0]
    assert before != after
    assert re.search(r"\b3\b", after)


def test_the_plan_page_is_served_from_the_cache_whatever_else_changes(
    client, world, django_assert_num_queries
):
    url = url_of_plan(world)
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    LetterSection.objects.create(letter=world.letter, heading="Une autre", body="Texte")
    with django_assert_num_queries(0):  # a letter is not part of the plan's page
        client.get(url)


# --- queries ---------------------------------------------------------------------------------------

# Each page's queries on a miss, whatever the number of actions, plans or letters.
QUERIES = {
    "index": 4,
    "territory": 5,
    "plan": 10,
    "letters": 2,
    "letter": 3,
    "letters_feed": 3,
    "sitemap": 6,
}


def grow(world):
    """More of everything: actions with milestones and budgets, published plans, letters."""
    from tests.actions.factories import BudgetLineFactory, MilestoneFactory, PlanAxisFactory
    from tests.factories import CommuneFactory

    for index in range(6):
        axis = PlanAxisFactory(plan=world.plan)
        action = ActionFactory(plan=world.plan, axis=axis, status=ActionStatus.DONE)
        MilestoneFactory(action=action)
        BudgetLineFactory(action=action, forecast=Decimal(1000 + index))
    for _index in range(3):
        commune = CommuneFactory(territory=world.territory)
        plan = adopted_plan(commune)
        ActionFactory(plan=plan)
        action_services.plan_publish(plan=plan, user=world.cast.advisor, published=True)
    for number in range(3, 6):
        letter = world.letter.__class__.objects.create(
            territory=world.territory,
            number=number,
            title=f"Lettre {number}",
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 2, 1),
            editorial="Edito",
            status="published",
            published_at=world.letter.published_at,
        )
        LetterSection.objects.create(letter=letter, heading="Titre", body="Texte")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_page_reads_in_a_fixed_number_of_queries(client, world, django_assert_num_queries, name):
    from django.core.cache import cache

    slug = world.territory.slug
    url = {
        "index": reverse("public:index"),
        "territory": reverse("public:territory", args=[slug]),
        "plan": url_of_plan(world),
        "letters": reverse("public:letters", args=[slug]),
        "letter": reverse("public:letter", args=[slug, 1]),
        "letters_feed": reverse("public:letters_feed", args=[slug]),
        "sitemap": reverse("public:sitemap"),
    }[name]
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200
    grow(world)
    cache.clear()
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200
