"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright against `live_server`.

A pytest plugin (tests/conftest.py loads it) so that browser tests in any folder share one browser."""

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

AXE_SCRIPT = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium. `make test` installs it when it can."
        )
    return path


@pytest.fixture(scope="session")
def browser(django_db_setup, live_server):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (creating data, reading mail.outbox) are synchronous and safe.
    # Set up after the test database and the live server (tests/conftest.py), so closed before either:
    # the live server's request threads end, with their database connections, before it stops.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# Every page reports what its Content-Security-Policy refused (an inline script or style, an eval, a
# foreign resource): the init script is the browser's, which the policy does not apply to.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile + ":" + event.lineNumber,
        sample: event.sample,
        page: document.location.pathname,
    });
});
"""


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy refused in the test's pages; none may be left at the end of any
    browser test (a page that needs 'unsafe-inline' or 'unsafe-eval' fails it)."""
    violations = []
    yield violations
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(map(str, violations))


@pytest.fixture
def new_page(browser, csp_violations):
    contexts = []

    def open_page(locale: str = "fr-FR"):
        # The browser's locale also sets its Accept-Language (the platform itself speaks French until
        # someone picks another language with the switch).
        context = browser.new_context(
            locale=locale,
            extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
            viewport={"width": 1280, "height": 900},
            # Bootstrap's colour transitions (0.15 s) are off under reduced motion: axe-core then measures the
            # contrast of the state the page is in, not of a colour half-way through a transition.
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        context.expose_binding("__cspViolation", lambda source, violation: csp_violations.append(violation))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                csp_violations.append({"console": message.text, "page": page.url})
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text()


def axe_violations(page) -> list[dict]:
    """Runs axe-core on the page with the WCAG 2.1 A and AA rules; returns the violations.

    axe is evaluated through the browser's protocol (as the test's own code), not added as a <script>
    element, which the page's Content-Security-Policy refuses as an inline script."""
    page.evaluate(axe_source())
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']
        })"""
    )
    return result["violations"]


def page_problems(page) -> str:
    """What is wrong with the page as it stands: not exactly one `main h1`, or axe-core violations."""
    found = []
    # A click that navigates returns before the next page is there: judge the page once it has loaded.
    page.wait_for_load_state("load")
    headings = page.locator("main h1").count()
    if headings != 1:
        found.append(f"{headings} main h1 instead of one")
    violations = axe_violations(page)
    if violations:
        found.append(describe(violations))
    return "\n".join(found)


@dataclass(frozen=True)
class State:
    """A page in one of its states: `path` is loaded, then `act` puts it in the state (submits its form
    with errors, opens a menu or the data behind a chart...). `shows` is what must then be on the page
    (the error summary, the open menu): a state the tour fails to reach is reported, not passed over."""

    path: str
    name: str
    act: Callable | None = None
    shows: str | None = None
    email: bool = False  # an email's preview: a page of its own, without the site's header nor `main`

    def __str__(self) -> str:
        return f"{self.path} [{self.name}]"


CHARTS = "[data-plotly-figure], #observatory-charts"
# On a narrow screen the page itself never scrolls sideways: wide tables scroll inside their region.
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
# The innermost elements reaching past the right edge of the screen: what makes a page scroll sideways.
PAST_THE_EDGE = """() => [...document.body.querySelectorAll("*")]
    .filter(each => each.getBoundingClientRect().right > window.innerWidth + 1
        && ![...each.children].some(child => child.getBoundingClientRect().right > window.innerWidth + 1)
        && !each.closest(".table-responsive, .visually-hidden"))
    .slice(0, 5)
    .map(each => each.tagName.toLowerCase() + (each.id ? "#" + each.id : "")
        + [...each.classList].map(name => "." + name).join("")
        + " (" + Math.round(each.getBoundingClientRect().right) + " px)")"""
ERRORS_SHOWN = "[data-error-summary], .is-invalid, .invalid-feedback, .errorlist, .alert-danger"


def submit(form: str = "main form[method=post]", fill: dict[str, str] | None = None, clear: bool = True):
    """Submits the page's form with errors: its text fields emptied (`clear`), then `fill`'s bad values
    typed (selector → text); the browser's own checks are bypassed, the server's answer is checked."""

    def act(page) -> None:
        target = page.locator(form).first
        if clear:
            target.evaluate(
                """form => form.querySelectorAll(
                    "input:not([type]), input[type=text], input[type=email], input[type=number],"
                    + " input[type=url], input[type=date], input[type=datetime-local], input[type=password],"
                    + " textarea"
                ).forEach(field => { field.value = ""; })"""
            )
        for selector, value in (fill or {}).items():
            page.locator(selector).fill(value)
        with page.expect_navigation():
            target.evaluate("form => { form.noValidate = true; form.requestSubmit(); }")
        page.wait_for_load_state()

    return act


def with_errors(path: str, form: str = "main form[method=post]", **options) -> State:
    """The page's form sent back with its errors (see `submit`)."""
    return State(path, "form with errors", submit(form, **options), shows=ERRORS_SHOWN)


def open_details(path: str, selector: str = "main details") -> State:
    """Every `<details>` of the page open: the data behind each chart, the forms folded in a summary."""

    def act(page) -> None:
        page.wait_for_load_state("networkidle")
        page.locator(selector).evaluate_all("elements => elements.forEach(each => { each.open = true; })")

    return State(path, "details open", act, shows=f"{selector}[open]")


# No element is between two states: no collapse under way, no CSS transition or finite animation running
# (a spinner's endless one is left out).
ANIMATIONS_ENDED = """() => !document.querySelector(".collapsing")
    && document.getAnimations().every(each => each.playState !== "running"
        || each.effect.getComputedTiming().endTime === Infinity)"""


def open_menu(path: str, toggle: str, name: str = "menu open") -> State:
    """A Bootstrap dropdown or collapsed menu opened by its button, as a user clicks it."""

    def act(page) -> None:
        page.locator(toggle).first.click()
        page.locator(f"{toggle}[aria-expanded=true]").first.wait_for()
        # The collapse's transition (and any colour transition) ends: its final colours are checked.
        page.wait_for_function(ANIMATIONS_ENDED)

    return State(path, name, act, shows=f"{toggle}[aria-expanded=true]")


def click(path: str, button: str, name: str, shows: str = ".alert-success") -> State:
    """The page after a click on `button` (a deletion, a transition...): what it shows then."""

    def act(page) -> None:
        with page.expect_navigation():
            page.locator(button).first.click()
        page.wait_for_load_state()

    return State(path, name, act, shows=shows)


def tour_problems(page, base_url: str, steps, width: int | None = None) -> dict[str, str]:
    """Visits each page (a path) or state (a `State`) in turn in one signed-in tab; what is wrong with
    each (`page_problems`). One tour instead of one test per page: the sign-in, the data and the
    database flush are paid once, and every page is still reported by its path (and state).
    `width` narrows the window for the whole tour (390: a phone), then gives it back; a page wider than
    that is a problem too (its wide tables must scroll inside their own region)."""
    problems = {}
    size = page.viewport_size
    if width:
        page.set_viewport_size({"width": width, "height": 844})
    try:
        for step in steps:
            state = step if isinstance(step, State) else State(step, "")
            page.goto(base_url + state.path)
            if page.locator(CHARTS).count():
                page.wait_for_load_state("networkidle")  # the charts drawn, the map's outlines fetched
            if state.act:
                state.act(page)
            found = describe(axe_violations(page)) if state.email else page_problems(page)
            if width and not page.evaluate(NO_SIDEWAYS_SCROLL):
                wider = page.evaluate("() => document.documentElement.scrollWidth")
                past = ", ".join(page.evaluate(PAST_THE_EDGE))
                sideways = f"the page scrolls sideways: {wider} px wide ({past})"
                found = "\n".join(filter(None, [sideways, found]))
            if state.shows and not page.locator(state.shows).count():
                found = "\n".join(filter(None, [f"state not reached: nothing matches {state.shows}", found]))
            if found:
                key = str(state) if state.name else state.path
                problems[f"{key} ({width}px)" if width else key] = found
    finally:
        page.set_viewport_size(size)
    return problems


def describe_tour(problems: dict[str, str]) -> str:
    return "\n\n".join(f"{path}:\n{found}" for path, found in problems.items())


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)
