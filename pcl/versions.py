"""Versions of cached figures, kept in the default cache (Redis when configured, shared by every web
process): what caches figures names the version in its keys, and every change of what they count draws a
new one, so no page shows a figure older than the last change. A random token rather than a counter: a
cache that lost the key (restarted, evicted) starts a version no older entry can carry. With the cache
down (pcl/cache.py) every read draws a token of its own, so every read is a miss."""

import functools
import hashlib
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache

# What computes and renders the cached values, besides the project's apps: its settings and shared code, its
# templates, compiled translations, and the scripts and styles whose hashed names the pages link to.
SHARED_DIRS = ("pcl", "templates", "locale", "static")
CODE_SUFFIXES = (".py", ".html", ".txt", ".mo", ".js", ".css")


def code_fingerprint(base_dir: Path, dirs: Sequence[str]) -> str:
    """A digest of the code the cached values come from. It is part of every key `cached` makes: after an
    upgrade, no page shows HTML rendered by the release before, and no object pickled in an older shape
    is read back (a figure's class gained a field), however long the entries had to live."""
    digest = hashlib.sha1()
    for directory in dirs:
        for path in sorted((base_dir / directory).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base_dir)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def code_version() -> str:
    """This process's code fingerprint, read once (every web and worker process of a release reads the
    same files, so they share their entries)."""
    base_dir = Path(settings.BASE_DIR)
    # The project's own apps: those whose folder is a top-level folder of the project (not in .venv).
    own_apps = sorted(
        {config.path for config in apps.get_app_configs() if Path(config.path).parent == base_dir}
    )
    return code_fingerprint(base_dir, [*SHARED_DIRS, *(Path(path).name for path in own_apps)])


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
    it depends on) and the code's fingerprint, computed and stored on a miss."""
    key = ":".join(str(part) for part in (code_version(), *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value
