"""The health endpoint for monitoring: database, broker (when configured) and version."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from redis import Redis
from redis.exceptions import RedisError

import pcl


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure is reported, not raised
        return f"error: {error.__class__.__name__}"
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run eagerly)"
    try:
        Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except RedisError as error:
        return f"error: {error.__class__.__name__}"
    return "ok"


@never_cache
def health(request):
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "version": pcl.__version__, **checks},
        status=200 if healthy else 503,
    )
