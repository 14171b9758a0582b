"""Redis stopped: every page still serves, sign-in works, a job is refused with a clear message;
Redis back: jobs are queued again. Against a real gunicorn server and a private Redis."""

import re

import pytest

from .conftest import Browser

pytestmark = pytest.mark.faults

REFUSED = "Les tâches de fond ne peuvent pas démarrer pour l’instant"


def main_pages(server) -> list[str]:
    return [
        "/",
        "/portfolio/",
        f"/communes/{server.insee_code}/",
        f"/communes/{server.insee_code}/dashboard/",
        f"/plans/{server.plan_id}/",
        "/observatory/",
        "/observatory/imports/",
        "/reporting/",
        "/reporting/documents/",
        "/account/",
    ]


@pytest.fixture
def redis_down(private_redis):
    private_redis.stop()
    yield private_redis
    private_redis.start()


def test_every_main_page_serves_and_sign_in_works_while_redis_is_down(web_server, browser, redis_down):
    for path in main_pages(web_server):
        page = browser.get(path)
        assert page.status == 200, f"{path}: {page.status}\n{page.text[:300]}"
        assert page.seconds < 8, f"{path} took {page.seconds:.1f} s"

    newcomer = Browser(web_server.url)
    page = newcomer.sign_in(web_server.email, web_server.password)
    assert page.status == 200 and "/login/" not in page.url
    assert newcomer.get("/account/").status == 200


def test_a_job_asked_for_while_redis_is_down_is_refused_with_a_message_then_queued_once_it_is_back(
    web_server, browser, private_redis
):
    private_redis.stop()
    try:
        page = browser.post("/reporting/network-report/", {"year": "2024"})
        assert page.status == 200 and page.url.endswith("/reporting/documents/")
        assert REFUSED in page.text
        assert page.seconds < 8
        health = browser.get("/health/")
        assert health.status == 200 and '"status": "degraded"' in health.text
    finally:
        private_redis.start()

    page = browser.post("/reporting/network-report/", {"year": "2024"})
    assert page.status == 200
    assert re.search(r"/reporting/documents/\d+/$", page.url), page.url
    assert REFUSED not in page.text
    health = browser.get("/health/")
    assert health.status == 200 and '"status": "ok"' in health.text
