"""The API's documentation page: Swagger UI from the platform's own static files, drawn under the site's
strict Content-Security-Policy (the `csp_violations` fixture fails the test on any refusal), asking
nothing of any other server."""

from urllib.parse import urlsplit

import pytest

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
