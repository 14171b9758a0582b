"""Versions of cached figures, kept in the default cache (Redis when configured, shared by every web
process): what caches figures names the version in its keys, and every change of what they count draws a
new one, so no page shows a figure older than the last change. A random token rather than a counter: a
cache that lost the key (restarted, evicted) starts a version no older entry can carry. With the cache
down (pcl/cache.py) every read draws a token of its own, so every read is a miss."""

import uuid
from collections.abc import Callable, Sequence

from django.core.cache import cache


class CacheVersion:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        version = cache.get(self.key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(self.key, version, None):
                version = cache.get(self.key) or version
        return version

    def renew(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)


def cached(parts: Sequence, compute: Callable, *, timeout: int):
    """What `compute()` returns, from the cache under the key its `parts` make (which name the versions
    it depends on), computed and stored on a miss."""
    key = ":".join(str(part) for part in parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value
