"""The Content-Security-Policy: on every response, with no inline script or style allowed, and templates
that need none (the browser test tests/browser/test_csp.py visits the pages and finds no violation)."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
# Templates that never reach a browser as a page of the site: emails (the letter's preview has a policy of
# its own, tests/reporting/test_letters.py) and the HTML that WeasyPrint lays out as PDF on the server.
NOT_PAGES = re.compile(r"(^|/)(email|pdf)/|_email\.html$|_pdf\.html$")
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>{]|\{[^}]*\})*)>", re.S)


PLOTLY_STYLE_HASHES = [settings.CSP_PLOTLY_EMPTY_STYLE, settings.CSP_MAPLIBRE_STYLE]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', 'unsafe-eval' nor nonce
    assert directives["style-src"] == ["'self'", *PLOTLY_STYLE_HASHES]  # hashes of two exact texts
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["style-src-attr"] == ["'unsafe-hashes'", settings.CSP_PLOTLY_EMPTY_STYLE]  # empty only
    assert directives["worker-src"] == ["'self'", "blob:"]  # MapLibre's worker
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_strict_policy(client):
    assert_strict(client.get(reverse("accounts:login")))
    assert_strict(client.get("/no-such-page/"))  # 404
    assert_strict(client.get(reverse("health")))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert_strict(client.get(reverse("observatory:agglomeration")))  # charts
    assert_strict(client.get(reverse("admin:index")))


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


EMPTY_STYLE_ELEMENT = re.compile(
    r'(\w)=document\.createElement\("style"\),\1\.setAttribute\("id",\w\),'
    r'\1\.appendChild\(document\.createTextNode\(""\)\)'
)


@pytest.mark.parametrize("bundle", ["plotly-basic.min.js", "plotly.min.js"])
def test_the_style_hashes_are_those_of_the_vendored_plotly(bundle):
    """plotly.js's style elements start empty; MapLibre's holds one fixed text, in both bundles (the basic
    one carries the stylesheet too, though it draws no map)."""
    plotly = (ROOT / "static" / "vendor" / "plotly" / bundle).read_text(encoding="utf-8")
    assert len(EMPTY_STYLE_ELEMENT.findall(plotly)) == 1
    assert settings.CSP_PLOTLY_EMPTY_STYLE == csp_hash("")
    maplibre = re.findall(r"\.textContent='([^']*)',document\.head\.appendChild", plotly)
    assert len(maplibre) == 1 and maplibre[0].startswith(".maplibregl-map{")
    assert settings.CSP_MAPLIBRE_STYLE == csp_hash(maplibre[0])


def page_templates():
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [path for path in ROOT.glob("*/templates") if path.is_dir()]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if not NOT_PAGES.search(name):
                yield name, path.read_text()


def test_the_scan_reads_the_templates_of_the_pages():
    names = {name for name, _ in page_templates()}
    assert {"base.html", "actions/plan_schedule.html", "observatory/territory.html"} <= names
    assert not names & {"reporting/email/letter.html", "reporting/pdf/deliberation.html"}


def inline_needs(source: str) -> list[str]:
    """What in a template's source the policy would refuse: inline scripts without a nonce, event
    handler attributes, style attributes and elements, javascript: URLs, htmx's eval-based attributes."""
    found = []
    source = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", source, flags=re.S)
    for match in TAG.finditer(source):
        tag, attributes = match.group(1).lower(), match.group(2)
        if tag == "script" and not re.search(r"\s(src|nonce)\s*=", attributes):
            found.append(f"inline <script>: {match.group(0)[:80]}")
        if tag == "style" and not re.search(r"\snonce\s*=", attributes):
            found.append("inline <style>")
        for attribute in re.findall(r"\s(on[a-z]+|style|hx-on[:a-z-]*)\s*=", attributes, re.I):
            found.append(f"{attribute}= on <{tag}>")
        if re.search(r"=\s*[\"']?\s*javascript:", attributes, re.I):
            found.append(f"javascript: URL on <{tag}>")
    return found


def test_the_scan_finds_what_the_policy_would_refuse():
    assert inline_needs('<script>alert(1)</script><script src="/static/a.js"></script>') == [
        "inline <script>: <script>"
    ]
    assert inline_needs('<button type="button" onclick="go()">') == ["onclick= on <button>"]
    assert inline_needs('<div class="x" style="width: {{ w }}%">') == ["style= on <div>"]
    assert inline_needs('<a href="javascript:void(0)">') == ["javascript: URL on <a>"]
    assert inline_needs('<div hx-on:click="x()">') == ["hx-on:click= on <div>"]
    assert inline_needs('<script nonce="{{ csp_nonce }}">go()</script><style>p{}</style>') == [
        "inline <style>"
    ]
    assert inline_needs('<p class="{% if a %}x{% endif %}" data-style="a">{# <style> #}') == []


@pytest.mark.parametrize(
    "name, source", [pytest.param(*template, id=template[0]) for template in page_templates()]
)
def test_no_page_template_needs_unsafe_inline(name, source):
    assert inline_needs(source) == [], name
