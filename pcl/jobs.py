"""Queueing background jobs when the broker may be down.

A service that starts a job calls `require_queue()` before it writes anything, so that with the
broker unreachable the person is told at once, in plain words, and nothing is recorded; then it
queues the job after its transaction commits through `enqueue()`, which never raises into the page.
Without a broker (`make run`, tests) tasks run eagerly and the queue is always there. Eagerly, but not
inside the request: with `JOBS_EAGER_IN_BACKGROUND` (on under `make run`) `enqueue()` (called after the
commit) runs the task in a thread of the web process, so that the page answers at once and shows the job's
progress as it would with a worker; the tests set it off and run each task inline, in order.

A job record (an observatory import, a generated document) moves PENDING → RUNNING once, by a
compare-and-set in its app's service; it ends DONE or FAILED with a message. A job with no sign of
life for `JOB_STALE_SECONDS` (longer than the hard time limit) has lost its worker: the sweep marks
it FAILED, and the person who asked for it can try again.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, ValidationError
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisError, OSError)

QUEUE_UNAVAILABLE_MESSAGE = _(
    "Background jobs cannot start right now: the job queue does not answer. Nothing was recorded; "
    "please try again in a few minutes."
)


class QueueUnavailable(ValidationError):
    """The broker cannot be reached: the job was refused, nothing was recorded."""

    def __init__(self):
        super().__init__(QUEUE_UNAVAILABLE_MESSAGE, code="queue_unavailable")


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _in_background() -> bool:
    return _eager() and bool(getattr(settings, "JOBS_EAGER_IN_BACKGROUND", False))


_background_threads: list[threading.Thread] = []
_background_lock = threading.Lock()


def _run_in_background(task, args: tuple) -> None:
    """Runs `task(*args)` in a thread of this process: a job's record says how it went (DONE or FAILED
    with its message), so an error is logged here and reaches no page. The thread's own database
    connection is closed at the end (Django opens one per thread and only closes a request's)."""

    def run() -> None:
        try:
            task.apply(args=args, throw=True)
        except Exception:
            logger.exception("Job %s%r failed in the background", task.name, args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=f"job {task.name}{args!r}", daemon=True)
    with _background_lock:
        _background_threads[:] = [running for running in _background_threads if running.is_alive()]
        _background_threads.append(thread)
    thread.start()


def background_jobs_wait(timeout: float = 60) -> bool:
    """Waits for the jobs running in background threads to end; says whether they all did."""
    with _background_lock:
        threads = list(_background_threads)
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def beat_due(schedule: dict, last_runs: dict[str, datetime], now: datetime) -> list[str]:
    """The tasks of a beat schedule (CELERY_BEAT_SCHEDULE's form) due at `now`, given when each last ran;
    their last run becomes `now`."""
    due = []
    for name, entry in schedule.items():
        if entry["schedule"].is_due(last_runs.setdefault(name, now)).is_due:
            last_runs[name] = now
            due.append(entry["task"])
    return due


_beat_started = threading.Event()


def _beat_forever(period: float) -> None:
    last_runs: dict[str, datetime] = {}
    beat_due(settings.CELERY_BEAT_SCHEDULE, last_runs, timezone.now())  # counted from the start
    while True:
        time.sleep(period)
        for name in beat_due(settings.CELERY_BEAT_SCHEDULE, last_runs, timezone.now()):
            try:
                current_app.tasks[name].apply(throw=True)
            except Exception:
                logger.exception("Periodic job %s failed", name)
            finally:
                connections.close_all()


class EagerBeatMiddleware:
    """Without a broker there is no Celery beat either: in a web process that runs its jobs in background
    threads (`make run`), a thread runs the beat schedule (the sweep of stuck jobs every 10 minutes, the
    meeting reminders), so that a job cut short by a restart ends FAILED and can be retried, as with a
    worker. Not used anywhere else (MiddlewareNotUsed)."""

    def __init__(self, get_response):
        if not _in_background():
            raise MiddlewareNotUsed
        if not _beat_started.is_set():
            _beat_started.set()
            threading.Thread(target=_beat_forever, args=(60,), name="eager beat", daemon=True).start()
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


def queue_available() -> bool:
    """Whether a job queued now would reach the broker (one short connection attempt)."""
    if _eager():
        return True
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=current_app.conf.broker_connection_timeout)
    except BROKER_ERRORS as error:
        logger.error("Job queue unreachable: %s: %s", error.__class__.__name__, error)
        return False
    return True


def require_queue() -> None:
    """Raises QueueUnavailable (a ValidationError with a message for the person) when the broker is down."""
    if not queue_available():
        raise QueueUnavailable()


def enqueue(task, *args, on_failure: Callable[[], None] | None = None) -> bool:
    """Queues `task(*args)`; says whether it was queued. A broker error is logged, never raised (meant
    for `on_commit(..., robust=True)`): `on_failure` records on the job why it will not run (failed,
    with a message, for a retry); without it the record waits for the sweep of stale jobs. Run eagerly,
    the task's own errors propagate as they always did."""
    if _in_background():
        _run_in_background(task, args)
        return True
    if _eager():
        task.apply_async(args=args)
        return True
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS as error:
        logger.error("Job %s%r not queued: %s: %s", task.name, args, error.__class__.__name__, error)
        if on_failure is not None:
            on_failure()
        return False
    return True


def stale_before(*, stale_after: timedelta | None = None) -> datetime:
    """Jobs with no sign of life since this moment have lost their worker."""
    if stale_after is None:
        stale_after = timedelta(seconds=settings.JOB_STALE_SECONDS)
    return timezone.now() - stale_after
