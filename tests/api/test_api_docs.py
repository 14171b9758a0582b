"""The API's documentation page: Swagger UI from the platform's own static files, drawn under the site's
strict Content-Security-Policy (the `csp_violations` fixture fails the test on any refusal), asking
nothing of any other server."""

from urllib.parse import urlsplit

import pytest

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.browser.conftest import page_problems, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_operations_offline_under_the_policy(live_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/plans" in summaries and "/api/v1/actions/{action_id}/follow-up" in summaries
    assert page.locator(".opblock-patch").count() == 1
    page.locator(".opblock-summary-path", has_text="/api/v1/plans").first.click()
    page.locator(".opblock-body .parameters").first.wait_for()
    page.wait_for_timeout(300)  # what the page's scripts do once they have run
    server = urlsplit(live_server.url).netloc
    outside = [
        url
        for url in requests
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != server
    ]
    assert outside == []
    assert any(url.endswith("/api/v1/openapi.json") for url in requests)


def test_the_token_pages_are_accessible(live_server, page):
    """The account page with its tokens, the new token shown once, the revocation's confirmation: axe
    finds nothing, each has one main heading."""
    user = UserFactory(email="claire@example.org", full_name="Claire Conseillère")
    api_token_create(user=user, name="Tableau de bord")
    base = live_server.url
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.goto(f"{base}/account/")
    assert page_problems(page) == ""
    # By their ids: the words are translated later (locale/), the test holds in any language.
    page.locator("#id_token_name").fill("Export SIG")
    with page.expect_navigation():
        page.locator("#tokens form button[type=submit]").click()
    raw = page.locator("#raw-token").input_value()
    assert raw.startswith("pcl_")
    assert page_problems(page) == ""
    token = ApiToken.objects.get(name="Export SIG")
    page.goto(f"{base}/account/tokens/{token.pk}/revoke/")
    assert page_problems(page) == ""
