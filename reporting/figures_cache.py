"""The dashboards' figures kept in the default cache (the shared Redis cache when REDIS_URL is set),
under a key that carries a version of the figures: every write to what they count (plans, actions,
budget lines, co-funders, milestones, communes, memberships, groups, meetings, territories, their
officers and agencies) replaces the version
(reporting/signals.py), so the next read computes them anew and no page shows a figure older than
the last change (the version: pcl/versions.py).

With the cache down (pcl/cache.py), every read is a miss: the figures are computed on each request.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from observatory.selectors import figures_version as observatory_version
from observatory.selectors import pages_version as observatory_pages_version
from pcl.versions import CacheVersion, cached

# The figures also depend on the day (late and stale actions): a day's figures never outlive it, and
# an hour bounds what a write the signals cannot see (a bulk update) may leave behind.
TIMEOUT = 60 * 60

FIGURES_VERSION = CacheVersion("reporting:figures:version")
figures_version = FIGURES_VERSION.current


def figures_changed() -> None:
    """Replaces the version now, and again once the transaction commits: a page computed between the
    write and the commit (reading the old rows) is stored under a version no later read asks for."""
    FIGURES_VERSION.renew()
    transaction.on_commit(FIGURES_VERSION.renew)


def cached_figures(name: str, parts: tuple, compute: Callable):
    """The figures `compute()` returns, for these parts of the key (filters), in the page's language
    and for today, from the cache when they were computed since the last change."""
    key = (
        "reporting",
        name,
        figures_version(),
        translation.get_language() or "",
        timezone.localdate(),
        *parts,
    )
    return cached(key, compute, timeout=TIMEOUT)


def cached_with_observatory(name: str, parts: tuple, compute: Callable):
    """cached_figures for what also reads the observatory's values: an import replaces their version."""
    return cached_figures(name, (observatory_version(), *parts), compute)


def cached_html(name: str, parts: tuple, render: Callable[[], str]) -> SafeString:
    """A part of a page that only shows figures (the same for every reader allowed to see it), rendered
    once per version of the dashboards' figures and of the observatory's values,
    in the page's language and for today: `parts` carry what else it varies on."""
    return mark_safe(cached_with_observatory(name, parts, render))


def cached_observatory(name: str, compute: Callable):
    """What `compute()` reads of the observatory alone (no plan, no action), kept until the observatory's
    own version changes (an import, a commune, a dataset, a territory: observatory.selectors.pages_version),
    not the dashboards': an action's edit does not make it computed again."""
    return cached(("reporting", name, observatory_pages_version()), compute, timeout=TIMEOUT)
