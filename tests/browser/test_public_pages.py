"""The public pages in a browser: a published plan read with JavaScript off (its text and tables are all
there) and on (no error, nothing refused by the Content-Security-Policy), and axe-core (WCAG 2.1 A and AA)
on every public page, in French and English and on a phone's width."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.browser.tours import assert_no_problem
from tests.public.pages_world import world_with_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(cast, settings, tmp_path):
    built = world_with_files(cast, settings, tmp_path)
    built.plan.deliberation_file.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    return built


def public_paths(world) -> list[str]:
    slug = world.territory.slug
    insee = world.commune.insee_code
    return [
        reverse("public:index"),
        reverse("public:territory", args=[slug]),
        reverse("public:commune_plan", args=[insee]),
        reverse("public:plan_version", args=[insee, world.plan.version]),
        reverse("public:letters", args=[slug]),
        reverse("public:letter", args=[slug, world.letter.number]),
    ]


def test_a_public_plan_page_reads_whole_without_javascript(live_server, browser, world):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("public:commune_plan", args=[world.commune.insee_code]))
        assert world.plan.title in page.title()
        assert page.locator("main h1").inner_text().replace("\u2019", "'") == world.plan.title
        rows = page.locator("table.public-actions tbody tr")
        assert rows.count() == 2
        row = page.locator(f"#action-{world.action.pk}")
        assert "Rénover le groupe scolaire Langevin" in row.inner_text()
        progress = row.locator(".progress-text").inner_text()
        assert progress.replace("\u202f", " ").replace("\xa0", " ") == "45 %"
        assert "Mme Adèle Adjointe" in row.inner_text()
        headers = page.locator(f"#axis-{world.sub_axis.pk} table thead th").all_inner_texts()
        assert len(headers) == 8
        # The description folds with <details>, which needs no script.
        description = row.locator("details")
        assert not description.locator("p").is_visible()
        description.locator("summary").click()
        assert description.locator("p").is_visible()
        # The language switch is a plain link.
        page.locator("#language-links a[hreflang=en]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("table.public-actions tbody tr").count() == 2
    finally:
        context.close()


def test_the_public_pages_with_javascript_have_no_error(live_server, page, world):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in public_paths(world):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
    assert errors == []
    # (The Content-Security-Policy violations are checked by the `page` fixture at the end.)


def test_the_public_pages_have_no_accessibility_violation(live_server, page, world):
    paths = public_paths(world)
    assert_no_problem(page, live_server.url, paths)
    assert_no_problem(page, live_server.url, paths, width=390)
    page.goto(live_server.url + paths[0] + "?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_no_problem(page, live_server.url, paths)
