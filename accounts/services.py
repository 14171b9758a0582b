"""Login throttling: repeated failures for one email, or from one address, lock further attempts."""

import hashlib

from django.conf import settings
from django.core.cache import cache

# One address may serve a whole town hall behind NAT: it gets more room than a single account.
ADDRESS_LIMIT_FACTOR = 4


def _keys(*, email: str, ip_address: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_FAILURE_LIMIT
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    keys = [(f"login-failures:email:{email_digest}", limit)]
    if ip_address:
        keys.append((f"login-failures:ip:{ip_address}", limit * ADDRESS_LIMIT_FACTOR))
    return keys


def login_is_locked(*, email: str, ip_address: str) -> bool:
    keys = _keys(email=email, ip_address=ip_address)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def login_failure_record(*, email: str, ip_address: str) -> None:
    for key, _ in _keys(email=email, ip_address=ip_address):
        # add() starts the lockout window at the first failure; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_failures_clear(*, email: str) -> None:
    cache.delete(_keys(email=email, ip_address="")[0][0])
