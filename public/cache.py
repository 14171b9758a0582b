"""The public pages are the same for every reader: each is kept whole in the default cache (the shared
Redis cache when configured), under a key naming its language, the day, and the versions of what it shows
(pcl/versions.py), so that publishing, withdrawing or editing shows on the next read:

- the actions' version (actions/cache.py, ACTIONS_VERSION): plans (their publication included), actions,
  milestones, budget lines, axes, themes;
- the dashboards' version (reporting/figures_cache.py): also communes, territories, working groups and
  their meetings (the public meeting count), co-funders, the observatory's datasets (opened or not);
- the letters' version, below: every write to a letter or its sections.

The day: a meeting held today counts from today on. Readers' browsers and proxies keep a page a few
minutes (MAX_AGE)."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone, translation

from actions.cache import ACTIONS_VERSION
from pcl.versions import CacheVersion, cached
from reporting.figures_cache import FIGURES_VERSION

TIMEOUT = 60 * 60
MAX_AGE = 5 * 60

LETTERS_VERSION = CacheVersion("public:letters:version")


def letters_changed() -> None:
    """Replaces the letters' version now and once the transaction commits (a page computed in between,
    from the old rows, is stored under a version no later read asks for)."""
    LETTERS_VERSION.renew()
    transaction.on_commit(LETTERS_VERSION.renew)


PLANS = (ACTIONS_VERSION, FIGURES_VERSION)
LETTERS = (LETTERS_VERSION, FIGURES_VERSION)
EVERYTHING = (ACTIONS_VERSION, FIGURES_VERSION, LETTERS_VERSION)


def cached_page(name: str, parts: tuple, versions: Iterable[CacheVersion], render: Callable[[], str]) -> str:
    """The text `render()` makes for this page (`name`, `parts`: its address), in the current language,
    from the cache when rendered today since the last change of `versions`."""
    key = (
        "public",
        name,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        *(version.current() for version in versions),
        *parts,
    )
    return cached(key, render, timeout=TIMEOUT)
