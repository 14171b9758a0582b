"""The public pages: the territories with something published, a territory's published plans, a commune's
published plan (and each published version, its signed deliberation), the letters' archive, issues and Atom
feed, the sitemap and robots.txt. No sign-in; every read goes through public/selectors.py and the owning
apps' selectors.

Each page is rendered once per language, day and version of what it shows (cache.py), from the request's
address only: anyone who reads it gets the same HTML."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from actions.exports import signed_deliberation_response
from communes import selectors as communes_selectors
from pcl.formatting import data_datetime, date_text

from . import selectors
from .cache import EVERYTHING, LETTERS, PLANS, cached_page
from .feeds import LettersFeed
from .pages import absolute, page_context, public_page, render_page

API_DOCS_PATH = "/api/v1/docs"


def _html(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/html; charset=utf-8")


@public_page
def index(request):
    def render() -> str:
        territories = selectors.published_territories()
        context = page_context(
            path=reverse("public:index"),
            title=_("Climate plans of the communes, published"),
            description=_(
                "The action plans that communes chose to publish, their progress and budgets, the "
                "territories' open observatories and letters, and their open data."
            ),
        )
        return render_page(
            "public/index.html",
            {**context, "territories": territories, "api_docs_path": API_DOCS_PATH},
        )

    return _html(cached_page("index", (), EVERYTHING, render))


@public_page
def territory(request, territory_slug):
    def render() -> str:
        page = selectors.territory_page(territory=communes_selectors.territory_by_slug(slug=territory_slug))
        name = page.territory.name
        context = page_context(
            path=reverse("public:territory", args=[territory_slug]),
            title=name,
            description=_(
                "%(territory)s: the climate plans its communes published, their actions and progress."
            )
            % {"territory": name},
        )
        return render_page("public/territory.html", {**context, "page": page})

    return _html(cached_page("territory", (territory_slug,), EVERYTHING, render))


def _plan_html(insee_code: str, version: int | None) -> str:
    def render() -> str:
        commune = communes_selectors.commune_by_insee_code(insee_code=insee_code)
        page = selectors.plan_page(commune=commune, version=version)
        path = (
            reverse("public:commune_plan", args=[insee_code])
            if version is None
            else reverse("public:plan_version", args=[insee_code, version])
        )
        context = page_context(
            path=path,
            title=f"{page.plan.title} — {commune.name}",
            description=_(
                "The climate plan of %(commune)s, adopted by its council on %(date)s: %(count)s actions, "
                "their status, progress, schedule and budget."
            )
            % {
                "commune": commune.name,
                "date": date_text(page.plan.deliberation_date),
                "count": page.totals.actions,
            },
            og_type="article",
        )
        return render_page("public/plan.html", {**context, "page": page, "commune": commune})

    return cached_page("plan", (insee_code, version or "latest"), PLANS, render)


@public_page
def commune_plan(request, insee_code):
    return _html(_plan_html(insee_code, None))


@public_page
def plan_version(request, insee_code, version):
    return _html(_plan_html(insee_code, version))


@public_page
def plan_deliberation(request, insee_code, version):
    """The signed deliberation of a published version (404 when it has none, or is not published)."""
    plan = selectors.published_version(
        commune=communes_selectors.commune_by_insee_code(insee_code=insee_code), version=version
    )
    return signed_deliberation_response(plan)


@public_page
def letters(request, territory_slug):
    def render() -> str:
        territory_ = communes_selectors.territory_by_slug(slug=territory_slug)
        context = page_context(
            path=reverse("public:letters", args=[territory_slug]),
            title=f"{territory_.letter_title} — {territory_.name}",
            description=_(
                "Every published issue of %(letter)s, the newsletter of %(territory)s's climate plan."
            )
            % {"letter": territory_.letter_title, "territory": territory_.name},
        )
        return render_page(
            "public/letters.html",
            {
                **context,
                "territory": territory_,
                "letters": selectors.territory_letters(territory=territory_),
                "feed_url": absolute(reverse("public:letters_feed", args=[territory_slug])),
            },
        )

    return _html(cached_page("letters", (territory_slug,), LETTERS, render))


@public_page
def letter(request, territory_slug, number):
    def render() -> str:
        territory_ = communes_selectors.territory_by_slug(slug=territory_slug)
        issue = selectors.published_letter(territory=territory_, number=number)
        context = page_context(
            path=reverse("public:letter", args=[territory_slug, number]),
            title=_("%(letter)s no. %(number)s — %(title)s")
            % {"letter": territory_.letter_title, "number": number, "title": issue.title},
            description=_("%(letter)s of %(territory)s, issue no. %(number)s, from %(start)s to %(end)s.")
            % {
                "letter": territory_.letter_title,
                "territory": territory_.name,
                "number": number,
                "start": date_text(issue.period_start),
                "end": date_text(issue.period_end),
            },
            og_type="article",
        )
        return render_page(
            "public/letter.html",
            {
                **context,
                "territory": territory_,
                "letter": issue,
                "feed_url": absolute(reverse("public:letters_feed", args=[territory_slug])),
            },
        )

    return _html(cached_page("letter", (territory_slug, number), LETTERS, render))


@public_page
def letters_feed(request, territory_slug):
    feed = LettersFeed()
    xml = cached_page(
        "letters-feed",
        (territory_slug,),
        LETTERS,
        lambda: feed(request, territory_slug=territory_slug).content.decode(),
    )
    return HttpResponse(xml, content_type=feed.feed_type.content_type)


@public_page
def sitemap(request):
    def render() -> str:
        return render_page("public/sitemap.xml", {"entries": _sitemap_entries()})

    return HttpResponse(cached_page("sitemap", (), EVERYTHING, render), content_type="application/xml")


def _sitemap_entries() -> list[tuple[str, str]]:
    """(address, last modified in ISO 8601 or "" when unknown) of every public page."""
    content = selectors.sitemap()
    entries = [(absolute(reverse("public:index")), "")]
    if content.plans or any(summary.has_observatory for summary in content.territories):
        entries.append((absolute(reverse("public:open_data")), ""))
    for summary in content.territories:
        slug = summary.territory.slug
        entries.append((absolute(reverse("public:territory", args=[slug])), ""))
        if summary.has_observatory:
            entries.append((absolute(reverse("public:observatory", args=[slug])), ""))
        if summary.letter_count:
            entries.append((absolute(reverse("public:letters", args=[slug])), ""))
    for insee_code in sorted({plan.commune.insee_code for plan in content.plans}):
        entries.append((absolute(reverse("public:commune_plan", args=[insee_code])), ""))
    # A plan's page changes with its actions' follow-up, which its row does not date: no lastmod. A
    # letter no longer changes once published.
    for plan in content.plans:
        address = absolute(reverse("public:plan_version", args=[plan.commune.insee_code, plan.version]))
        entries.append((address, ""))
    for issue in content.letters:
        address = absolute(reverse("public:letter", args=[issue.territory.slug, issue.number]))
        entries.append((address, data_datetime(issue.published_at)))
    return entries


ROBOTS = """User-agent: *
Allow: /public/
Allow: /open-data/
Allow: /api/v1/docs
Allow: /static/
Allow: /sitemap.xml
Disallow: /

Sitemap: {sitemap}
"""


@public_page
def robots(request):
    """Robots may read the public pages, the open data and the API's documentation; nothing else (the
    rest of the site is behind the sign-in)."""
    text = ROBOTS.format(sitemap=absolute(reverse("public:sitemap")))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


__all__ = [
    "commune_plan",
    "index",
    "letter",
    "letters",
    "letters_feed",
    "plan_deliberation",
    "plan_version",
    "robots",
    "sitemap",
    "territory",
]
