"""The Atom feed of a territory's published letters: readers and other sites follow the newsletter."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from communes import selectors as communes_selectors

from . import selectors
from .pages import absolute

LATEST = 20


class LettersFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, territory_slug):
        return communes_selectors.territory_by_slug(slug=territory_slug)

    def title(self, territory):
        return f"{territory.letter_title} — {territory.name}"

    def subtitle(self, territory):
        return _("The published issues of the newsletter of %(territory)s's climate plan.") % {
            "territory": territory.name
        }

    def link(self, territory):
        return absolute(reverse("public:letters", args=[territory.slug]))

    def feed_url(self, territory):
        return absolute(reverse("public:letters_feed", args=[territory.slug]))

    def author_name(self, territory):
        return territory.name

    def items(self, territory):
        return selectors.feed_letters(territory=territory, limit=LATEST)

    def item_title(self, letter):
        return _("No. %(number)s — %(title)s") % {"number": letter.number, "title": letter.title}

    def item_description(self, letter):
        return render_to_string("public/includes/letter_body.html", {"letter": letter, "heading_level": 2})

    def item_link(self, letter):
        return absolute(reverse("public:letter", args=[letter.territory.slug, letter.number]))

    def item_pubdate(self, letter):
        return letter.published_at

    def item_updateddate(self, letter):
        return letter.published_at
