"""A Redis cache that degrades instead of failing: with Redis unreachable, pages still serve.

Nothing this platform keeps in the cache is the only copy of anything (import progress, sign-in failure
counts), so while Redis is down every read is a miss and every write is dropped, and the error is
logged once per outage rather than raised into the request. After a failure the backend stops trying
for `RETRY_AFTER` seconds (per process), so that a page touching the cache several times does not pay
the connection timeout each time; then it tries again and resumes as soon as Redis answers.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Short socket timeouts: a cache that answers slowly is worth less than no cache at all.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
DEFAULT_RETRY_AFTER = 5


class _Outages:
    """When each Redis location failed last, shared by the per-thread backend instances."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down_until: dict[str, float] = {}

    def is_down(self, location: str) -> bool:
        with self._lock:
            return self._down_until.get(location, 0) > time.monotonic()

    def record(self, location: str, seconds: float) -> bool:
        """Marks the location down; says whether this starts a new outage (to log it once)."""
        with self._lock:
            new = location not in self._down_until
            self._down_until[location] = time.monotonic() + seconds
            return new

    def clear(self, location: str) -> bool:
        with self._lock:
            return self._down_until.pop(location, None) is not None


outages = _Outages()


class DegradingRedisCache(RedisCache):
    """Django's RedisCache whose operations fall back when Redis cannot be reached:
    get -> default, get_many -> {}, has_key/add/touch/delete -> False, set/delete_many/clear -> nothing,
    incr/decr -> ValueError (the key is missing, as after a miss), set_many -> every key failed.

    OPTIONS are those of RedisCache (passed to redis-py), with short socket timeouts by default, plus
    `RETRY_AFTER` (seconds without trying once Redis failed; 5 by default)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": {**DEFAULT_OPTIONS, **options}})
        self._location = ",".join(self._servers)

    def _call(self, operation: str, fallback, method, *args, **kwargs):
        if outages.is_down(self._location):
            return fallback
        try:
            result = method(*args, **kwargs)
        except (RedisError, OSError) as error:
            if outages.record(self._location, self.retry_after):
                logger.error(
                    "Cache unreachable (%s on %s: %s); serving without it until it answers again.",
                    error.__class__.__name__,
                    operation,
                    error,
                )
            return fallback
        if outages.clear(self._location):
            logger.warning("Cache reachable again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._call("clear", False, super().clear)
