"""What every public page shares: served to anyone by GET, the same to every reader in a language (so
rendered without the request: no user, no CSRF token, no messages), kept by browsers and proxies for a few
minutes, with its canonical address, description and social preview; and the language switch, plain links
(`?lang=en`) that set the language cookie and come back to the page without it: no form, no CSRF token,
no JavaScript.

The open observatory and open data pages (data_views.py) can use the same decorator and context."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from .cache import MAX_AGE

SOCIAL_IMAGE = "img/social-preview.png"
# Open Graph names a locale by language and country.
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def absolute(path: str) -> str:
    """The address of a path of the site as others link to it (SITE_URL): canonical links, social
    previews, the sitemap and the feed name the same address whoever asked."""
    return settings.SITE_URL + path


def _language_redirect(request, code: str) -> HttpResponse:
    """Back to the page without `lang`, its language chosen (ignored when not one of ours). Never kept
    by a cache: it sets the reader's cookie."""
    query = request.GET.copy()
    del query["lang"]
    target = request.path + (f"?{urlencode(query, doseq=True)}" if query else "")
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


def public_page(view):
    """A public page: GET or HEAD only, `?lang=` handled, and cacheable for MAX_AGE by anyone (it varies
    on the language cookie, as the language middleware says)."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if "lang" in request.GET:
            return _language_redirect(request, request.GET["lang"])
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper


def page_context(*, path: str, title: str, description: str, og_type: str = "website") -> dict:
    """The head of a public page: its title and description, canonical address and social preview."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "page_title": title,
        "page_description": description,
        "canonical_url": absolute(path),
        "og_type": og_type,
        "og_image": absolute(static(SOCIAL_IMAGE)),
        "og_locale": OG_LOCALES.get(language, OG_LOCALES["fr"]),
        "og_locale_alternates": [locale for code, locale in OG_LOCALES.items() if code != language],
    }


def render_page(template: str, context: dict) -> str:
    """The page's HTML, rendered without the request: nothing in it depends on the reader."""
    return render_to_string(template, context)
