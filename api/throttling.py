"""The rate limit of anonymous use: `API_ANON_RATE` requests per client address ("60/min"; empty: no
limit), counted in the default cache (Redis when configured, shared by every web process; with Redis
down the cache reads as empty and nothing is limited rather than everything refused). Token holders are
not limited: their token names them, and revoking it stops them."""

import threading

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from pcl.proxies import client_address


def _per_thread(name: str):
    return (
        lambda self: getattr(self._state, name, None),
        lambda self, value: setattr(self._state, name, value),
    )


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "api-anon"

    def __init__(self):
        # The rate is read at each request (settings may change in tests); the state of the request
        # being checked is the thread's: one throttle object serves every thread of the process.
        self._state = threading.local()

    def get_cache_key(self, request):
        if getattr(request, "auth", None) is not None and request.auth.is_authenticated:
            return None
        # The address as the site's proxies settings read it (pcl.proxies), never a forged header.
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def allow_request(self, request) -> bool:
        rate = getattr(settings, "API_ANON_RATE", "")
        if not rate:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    # SimpleRateThrottle keeps the request's state on the object: here on the thread.
    key = property(*_per_thread("key"))
    history = property(*_per_thread("history"))
    now = property(*_per_thread("now"))
    num_requests = property(*_per_thread("num_requests"))
    duration = property(*_per_thread("duration"))

    def wait(self) -> float | None:
        """Seconds until the oldest counted request leaves the window (the Retry-After)."""
        if not self.history:
            return float(self.duration or 0)
        return max(1.0, self.duration - (self.now - self.history[-1]))
