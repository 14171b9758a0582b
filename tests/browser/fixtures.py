"""Headless Chromium (Debian's, never a downloaded build) driven by Playwright against `live_server`.

A pytest plugin (tests/conftest.py loads it) so that browser tests in any folder share one browser."""

import os
import shutil
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
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (creating data, reading mail.outbox) are synchronous and safe.
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


def axe_violations(page) -> list[dict]:
    """Runs axe-core on the page with the WCAG 2.1 A and AA rules; returns the violations.

    axe is evaluated through the browser's protocol (as the test's own code), not added as a <script>
    element, which the page's Content-Security-Policy refuses as an inline script."""
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return result["violations"]


def page_problems(page) -> str:
    """What is wrong with the page as it stands: not exactly one `main h1`, or axe-core violations."""
    found = []
    headings = page.locator("main h1").count()
    if headings != 1:
        found.append(f"{headings} main h1 instead of one")
    violations = axe_violations(page)
    if violations:
        found.append(describe(violations))
    return "\n".join(found)


def tour_problems(page, base_url: str, paths) -> dict[str, str]:
    """Visits each page in turn in one signed-in tab; what is wrong with each (`page_problems`).
    One tour instead of one test per page: the sign-in, the data and the database flush are paid
    once, and every page is still reported by its path."""
    problems = {}
    for path in paths:
        page.goto(base_url + path)
        if found := page_problems(page):
            problems[path] = found
    return problems


def describe_tour(problems: dict[str, str]) -> str:
    return "\n\n".join(f"{path}:\n{found}" for path, found in problems.items())


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)
