"""The health endpoint for monitoring: database, cache and broker (when configured) and version.

Without its database the site cannot serve: 503, so that a load balancer stops sending it requests.
Without Redis every page still serves (the cache reads as empty, jobs are refused with a message):
200 with the status "degraded", so that monitoring sees it while the site stays in rotation.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from redis import Redis
from redis.exceptions import RedisError

import pcl

TIMEOUT_SECONDS = 2


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure is reported, not raised
        return f"error: {error.__class__.__name__}"
    return "ok"


def _ping(url: str) -> str:
    try:
        Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS).ping()
    except (RedisError, OSError) as error:
        return f"error: {error.__class__.__name__}"
    return "ok"


def _check_cache() -> str:
    # Asked of Redis itself: the degrading backend answers a miss, not an error, while Redis is down.
    cache = settings.CACHES["default"]
    if "redis" not in cache["BACKEND"].lower():
        return "local (one per process)"
    return _ping(cache["LOCATION"].split(",")[0].split(";")[0])


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run eagerly)"
    return _ping(settings.REDIS_URL)


@never_cache
def health(request):
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    failed = {name for name, value in checks.items() if value.startswith("error")}
    status = "error" if "database" in failed else "degraded" if failed else "ok"
    return JsonResponse(
        {"status": status, "version": pcl.__version__, **checks},
        status=503 if status == "error" else 200,
    )
