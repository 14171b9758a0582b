"""What the plan page and the "to update" list compute from every action of a plan, or of an advisor's
communes (sixty actions; eighteen thousand at national scale), kept in the default cache (the shared
Redis cache when configured) under a version of the actions (pcl/versions.py): every write to what they
read (plans, actions, milestones, budget lines, history, axes, themes, people's names) draws a new one
(receivers.py), now and again once the transaction commits, so no page shows a list older than the last
change. The loaders that write in bulk (demo, scale) call `actions_changed` themselves.

The key also names the day (late actions: a milestone or an end date past today); what depends on the
hour (an action without news for `STALE_ACTION_DAYS`) is computed again on every read from the cached
rows, or, for the order of the "to update" list, keyed by the hour. An hour bounds the rest."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from pcl.versions import CacheVersion, cached

TIMEOUT = 60 * 60

ACTIONS_VERSION = CacheVersion("actions:version")


def actions_changed() -> None:
    ACTIONS_VERSION.renew()
    transaction.on_commit(ACTIONS_VERSION.renew)


def cached_actions(name: str, parts: tuple, compute: Callable, *, hourly: bool = False):
    """What `compute()` returns for these parts of the key, computed since the last change, today (and
    this hour when `hourly`)."""
    moment = timezone.localtime()
    when = moment.strftime("%Y%m%d%H" if hourly else "%Y%m%d")
    return cached(("actions", name, ACTIONS_VERSION.current(), when, *parts), compute, timeout=TIMEOUT)
