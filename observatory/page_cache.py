"""The observatory's pages rendered once per version of what they show, in the cache (the shared Redis
cache when configured): a territory's figures, charts, map and tables are the same for every reader
allowed to open the page, so a page costs one cache read until they change.

The key names two versions (pcl/versions.py): the figures' (totals.data_version: an import, communes
changing) and the pages' own, which every change to what the pages show beside the figures draws anew
(signals.py: targets, datasets and their imports, sectors, carriers, sources, communes' names and
outlines). Each page names its territory (or commune) in `parts`.
An hour bounds what a write no signal sees (a bulk update) may leave behind."""

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.utils import translation

from pcl.versions import CacheVersion, cached

from .totals import data_version

TIMEOUT = 60 * 60

PAGES_VERSION = CacheVersion("observatory:pages:version")


def pages_changed() -> None:
    """A new version now and again once the transaction commits: a page rendered between the write and
    the commit (from the old rows) is stored under a version no later read asks for."""
    PAGES_VERSION.renew()
    transaction.on_commit(PAGES_VERSION.renew)


def outlines_version() -> str:
    """What the map's outlines URL names, so that a page rendered after a change of them (its
    outlined communes too) fetches them anew rather than from the browser's cache."""
    return PAGES_VERSION.current()


def cached_page_part(name: str, parts: tuple, query: str, render: Callable):
    """What `render()` returns for this page (`name`, `parts`) and its query string (hashed: the pager's
    links repeat it), in the reader's language, from the cache when rendered since the last change."""
    digest = hashlib.sha1(query.encode()).hexdigest()
    key = (
        "observatory",
        name,
        data_version(),
        PAGES_VERSION.current(),
        translation.get_language() or "",
        *parts,
        digest,
    )
    return cached(key, render, timeout=TIMEOUT)
