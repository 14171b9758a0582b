"""The public pages: published plans, territories, letters, the sitemap (stubs until written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


index = commune_plan = plan_version = plan_deliberation = territory = _missing
letters = letters_feed = letter = sitemap = robots = _missing
