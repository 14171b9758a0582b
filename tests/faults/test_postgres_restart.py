"""PostgreSQL stopped or restarted under load: requests fail cleanly and quickly (503 page, no
traceback), then succeed again with the same web worker process. Against a real gunicorn server."""

import threading
import time

import pytest

from .conftest import Browser

pytestmark = pytest.mark.faults

UNAVAILABLE = "Service momentanément indisponible"


def assert_clean_failure(page) -> None:
    assert page.status == 503, f"{page.status}\n{page.text[:300]}"
    assert UNAVAILABLE in page.text
    assert "Traceback" not in page.text and "psycopg" not in page.text


def test_while_postgres_is_down_pages_fail_quickly_with_the_503_page_then_serve_again(
    web_server, browser, private_postgres
):
    plan = f"/plans/{web_server.plan_id}/"
    assert browser.get(plan).status == 200
    workers = web_server.worker_pids()
    private_postgres.stop()
    try:
        for path in (plan, f"/communes/{web_server.insee_code}/", "/account/"):
            page = browser.get(path)
            assert_clean_failure(page)
            assert page.seconds < 8
        health = browser.get("/health/")
        assert health.status == 503 and '"database": "error: OperationalError"' in health.text
    finally:
        private_postgres.start()
    assert browser.get(plan).status == 200
    assert web_server.worker_pids() == workers  # no worker was restarted


def test_a_restart_under_load_fails_requests_cleanly_and_they_succeed_after_it(
    web_server, browser, private_postgres
):
    plan = f"/plans/{web_server.plan_id}/"
    workers = web_server.worker_pids()
    pages = []
    done = threading.Event()

    def load(session: Browser) -> None:
        while not done.is_set():
            pages.append(session.get(plan))

    threads = [threading.Thread(target=load, args=(browser,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    private_postgres.restart()
    time.sleep(0.5)
    done.set()
    for thread in threads:
        thread.join(timeout=30)

    assert len(pages) > 3
    for page in pages:
        if page.status != 200:
            assert_clean_failure(page)
        assert page.seconds < 8
    after = [browser.get(plan) for _ in range(4)]  # no thread kept a dead connection
    assert [page.status for page in after] == [200] * 4
    assert web_server.worker_pids() == workers
