"""Error pages. A database that does not answer (restarting, overloaded) gets its own page, 503 with
Retry-After, since trying again shortly will work; any other error gets Django's 500 page.

Both are plain templates rendered without a request context: neither may need the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 10


def _database_unavailable(error: BaseException | None) -> bool:
    """Whether the error comes from a database that does not answer, itself or through the errors it
    caused (an error raised while handling one: a template, a transaction that can no longer run)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name)
