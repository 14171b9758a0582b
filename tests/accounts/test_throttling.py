"""One throttled sign-in for the site, the administration and any later path (the API to come),
keyed on the client address the configured proxy reports, counted in the shared cache."""

import pytest
from django.contrib.auth import authenticate
from django.core.checks import Warning as CheckWarning
from django.test import RequestFactory
from django.urls import reverse

from accounts.checks import check_shared_cache, check_trusted_proxies
from pcl.proxies import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.7"


def sign_in(client, email, password, **headers):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **headers)


def signed_in(client):
    return "_auth_user_id" in client.session


# --- the administration signs in through the same throttled page ---------------------------------


def test_an_email_locked_on_the_site_cannot_sign_in_through_the_administration(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    for _ in range(3):
        sign_in(client, "root@example.org", "wrong")
    client.post(
        reverse("admin:login") + "?next=/admin/", {"username": "root@example.org", "password": password}
    )
    assert not signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_administration_login_leads_to_the_site_login_and_back(client, password):
    UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    response = client.get(reverse("admin:login") + "?next=/admin/auth/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/admin/auth/"
    response = client.post(
        response.url, {"username": "root@example.org", "password": password, "next": "/admin/auth/"}
    )
    assert response.url == "/admin/auth/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_person_without_staff_status_is_refused_the_administration_without_a_loop(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_every_authentication_path_obeys_the_lockout(settings, password):
    """The throttle lives in the authentication backend: the API to come asks `authenticate` too."""
    settings.LOGIN_FAILURE_LIMIT = 2
    user = UserFactory(email="claire@example.org")
    request = RequestFactory().post("/api/", REMOTE_ADDR="192.0.2.1")
    assert authenticate(request, username="claire@example.org", password=password) == user
    for _ in range(2):
        assert authenticate(request, username="claire@example.org", password="wrong") is None
    assert authenticate(request, username="claire@example.org", password=password) is None


def test_the_site_says_the_account_is_locked(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.org")
    sign_in(client, "claire@example.org", "wrong")
    sign_in(client, "claire@example.org", "wrong")
    response = sign_in(client, "claire@example.org", password)
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert not signed_in(client)


# --- the client's address, as the trusted proxy reports it ---------------------------------------


def test_behind_a_trusted_proxy_one_client_s_failures_do_not_lock_the_others(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(email="claire@example.org")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for number in range(8):  # the address limit (4 x 2), each time on another email
        sign_in(client, f"guess{number}@example.org", "wrong", **attacker)
    assert not signed_in(client)
    response = sign_in(
        client, "claire@example.org", password, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert response.status_code == 302
    assert signed_in(client)


def test_behind_a_trusted_proxy_the_address_limit_still_locks_the_guessing_client(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(email="claire@example.org")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for number in range(8):
        sign_in(client, f"guess{number}@example.org", "wrong", **attacker)
    sign_in(client, "claire@example.org", password, **attacker)
    assert not signed_in(client)


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(email="claire@example.org")
    for number in range(8):  # a new forged address each time, from one real address
        sign_in(
            client,
            f"guess{number}@example.org",
            "wrong",
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    sign_in(client, "claire@example.org", password, REMOTE_ADDR="203.0.113.66")
    assert not signed_in(client)


def request_from(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    "trusted, remote_addr, forwarded_for, expected",
    [
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        (["10.0.0.0/8"], "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.1", "198.51.100.1"),
        # the client writes the left of the header itself: only the right-most untrusted entry counts
        (["10.0.0.0/8"], "10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1"),
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.1:4431", "198.51.100.1"),
        (["10.0.0.0/8", "fd00::/8"], "fd00::1", "[2001:db8::5]:443", "2001:db8::5"),
        (["10.0.0.0/8"], "10.1.2.3", "", "10.1.2.3"),
        (["10.0.0.0/8"], "10.1.2.3", None, "10.1.2.3"),
        (["10.0.0.0/8"], "10.1.2.3", "not-an-address, 10.0.0.2", "10.0.0.2"),
        (["10.0.0.1"], "10.0.0.1", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_client_address_follows_only_trusted_proxies(settings, trusted, remote_addr, forwarded_for, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request_from(remote_addr, forwarded_for)) == expected


# --- the count is shared between web processes ---------------------------------------------------


def cache_issues(settings, monkeypatch, *, backend, debug=False, concurrency=None):
    settings.DEBUG = debug
    settings.CACHES = {"default": {"BACKEND": backend}}
    if concurrency is None:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    else:
        monkeypatch.setenv("WEB_CONCURRENCY", str(concurrency))
    return check_shared_cache(app_configs=None)


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


def test_several_web_processes_with_a_process_local_cache_are_warned(settings, monkeypatch):
    issues = cache_issues(settings, monkeypatch, backend=LOCMEM, concurrency=3)
    assert [(type(issue), issue.id) for issue in issues] == [(CheckWarning, "accounts.W001")]
    assert "REDIS_URL" in issues[0].hint


@pytest.mark.parametrize(
    "backend, debug, concurrency",
    [(REDIS, False, 3), (LOCMEM, False, 1), (LOCMEM, False, None), (LOCMEM, True, 3)],
)
def test_one_process_or_a_shared_cache_needs_no_warning(settings, monkeypatch, backend, debug, concurrency):
    assert cache_issues(settings, monkeypatch, backend=backend, debug=debug, concurrency=concurrency) == []


def test_an_unreadable_web_concurrency_is_reported(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("WEB_CONCURRENCY", "three")
    assert [issue.id for issue in check_shared_cache(app_configs=None)] == ["accounts.E001"]


def test_a_mistyped_trusted_proxy_is_reported_at_start_up(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.300", "172.16.0.0/12"]
    issues = check_trusted_proxies(app_configs=None)
    assert [issue.id for issue in issues] == ["accounts.E002"]
    assert "10.0.0.300" in issues[0].msg
