"""Queueing background jobs when the broker may be down.

A service that starts a job calls `require_queue()` before it writes anything, so that with the
broker unreachable the person is told at once, in plain words, and nothing is recorded; then it
queues the job after its transaction commits through `enqueue()`, which never raises into the page.
Without a broker (`make run`, tests) tasks run eagerly and the queue is always there.
"""

import logging

from celery import current_app
from django.core.exceptions import ValidationError
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


def enqueue(task, *args) -> bool:
    """Queues `task(*args)`; says whether it was queued. A broker error is logged, never raised (the
    job's record stays pending until the sweep of stale jobs marks it failed, for a retry). Run eagerly,
    the task's own errors propagate as they always did."""
    if _eager():
        task.apply_async(args=args)
        return True
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS as error:
        logger.error("Job %s%r not queued: %s: %s", task.name, args, error.__class__.__name__, error)
        return False
    return True
