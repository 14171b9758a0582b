"""System checks of the accounts app: the sign-in throttle needs a cache every web process shares."""

import ipaddress
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Caches that live inside one process (or nowhere): each web process would keep its own count.
PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, Tags.security)
def check_shared_cache(app_configs, **kwargs):
    """Warns in production when several web processes (WEB_CONCURRENCY, which gunicorn reads, as
    the Dockerfile and the Procfile set it) would each count failed sign-ins in their own memory.

    One process on a local cache is a valid small installation, and `make check-deploy` runs without
    REDIS_URL nor WEB_CONCURRENCY: neither gets a message, so the check stays quiet where nothing is
    wrong and speaks up exactly where the lockout would be multiplied by the number of processes.
    """
    if settings.DEBUG:
        return []
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    try:
        processes = int(raw) if raw else 1
    except ValueError:
        return [
            Error(
                f"WEB_CONCURRENCY must be a whole number of web processes, not {raw!r}.",
                id="accounts.E001",
            )
        ]
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if processes > 1 and backend in PROCESS_LOCAL_CACHES:
        return [
            Warning(
                f"{processes} web processes (WEB_CONCURRENCY) share no cache: each counts failed "
                "sign-ins on its own, so the lockout lets through that many times more guesses.",
                hint="Set REDIS_URL: the cache, and the sign-in counts with it, are then shared.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """A mistyped TRUSTED_PROXIES entry would break every sign-in: say so at start-up instead."""
    errors = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXIES holds {entry!r}, which is neither an IP address nor a network.",
                    hint="Write addresses or networks separated by commas, e.g. 10.0.0.5,172.16.0.0/12.",
                    id="accounts.E002",
                )
            )
    return errors
