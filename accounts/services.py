"""Writes of the accounts app: the audit log, and the sign-in throttle.

Throttle: repeated failures for one email, or from one client address, lock further attempts. The
counts live in the default cache, which must be shared by every web process (Redis through
REDIS_URL) for the limits to hold: a process-local cache counts each process apart (see checks.py).
"""

import hashlib
import ipaddress
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, AuditAction, AuditEvent

TARGET_MAX_LENGTH = AuditEvent._meta.get_field("target").max_length


# --- audit log ----------------------------------------------------------------------------------


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    target: object = "",
    commune=None,
    ip_address: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Adds an event to the audit log, inside the caller's transaction: it is kept if what it
    records is, and rolled back with it otherwise. Never pass a password nor a token in `details`."""
    actor = actor if actor is not None and actor.is_authenticated else None
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        target=str(target)[:TARGET_MAX_LENGTH],
        commune=commune,
        ip_address=ip_address or None,
        details=details or {},
    )
    # The actor and the commune are objects in hand: validating them would cost a query each.
    event.full_clean(exclude=["actor", "commune"])
    event.save()
    return event


# --- sign-in throttle ---------------------------------------------------------------------------

# One address may serve a whole town hall behind NAT: it gets more room than a single account.
ADDRESS_LIMIT_FACTOR = 4


def _address_key(ip_address: str) -> str:
    """One IPv6 client usually holds a whole /64: counting each of its addresses apart would let it
    try 2**64 times."""
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _keys(*, email: str, ip_address: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_FAILURE_LIMIT
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    keys = [(f"login-failures:email:{email_digest}", limit)]
    if ip_address:
        keys.append((f"login-failures:ip:{_address_key(ip_address)}", limit * ADDRESS_LIMIT_FACTOR))
    return keys


def login_is_locked(*, email: str, ip_address: str) -> bool:
    keys = _keys(email=email, ip_address=ip_address)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def login_failure_record(*, email: str, ip_address: str) -> list[str]:
    """Counts a failure; returns what this failure locked ('email', 'address'), usually nothing."""
    locked = []
    for (key, limit), what in zip(
        _keys(email=email, ip_address=ip_address), ("email", "address"), strict=False
    ):
        # add() starts the lockout window at the first failure; incr() keeps its expiry.
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
                count = 1
        if count == limit:
            locked.append(what)
    return locked


def login_failures_clear(*, email: str) -> None:
    cache.delete(_keys(email=email, ip_address="")[0][0])


# --- API tokens ---------------------------------------------------------------------------------

TOKEN_PREFIX = "pcl_"
# A person keeps a handful of tokens (one per tool); more is a leak waiting to happen.
MAX_ACTIVE_TOKENS = 10


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new personal token: returns the row and the token itself, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token after what it is for.")})
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d active tokens: revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:12], digest=token_digest(token))
    return row, token


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_user(token: str):
    """The active person a token belongs to, or None (unknown, revoked, or its person deactivated).
    Records when it was last used, at most once a minute."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
