"""Who an API request reads and writes as: the person of a personal token (`Authorization: Bearer
pcl_…`), or nobody.

The session never authenticates the API: a request carrying only the site's cookies reads as anonymous,
so that no page's session can be made to write through the API (no CSRF to manage), and an answer to
a request without a token is the same for everyone (cacheable)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from accounts.services import api_token_user


class InvalidToken(HttpError):
    """A token was given but does not open the API: the answer says so (401) rather than reading as
    anonymous, so that a client with a revoked token learns it at once."""

    def __init__(self, message: str):
        super().__init__(status_code=401, message=message)


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`: the token's person, whose roles the permission module reads."""

    def __call__(self, request: HttpRequest):
        if not request.headers.get(self.header):
            return None
        return super().__call__(request) or self._refuse()

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token.strip())
        if user is None:
            self._refuse()
        request.user = user
        return user

    @staticmethod
    def _refuse():
        raise InvalidToken(
            _(
                "This token is not valid: it is unknown, revoked, or its account is deactivated. "
                "Create a new one in your account page."
            )
        )


def anonymous(request: HttpRequest):
    """No token: the request reads the published data only, whatever session cookie it carries."""
    request.user = AnonymousUser()
    return request.user


personal_token = PersonalToken()
# Reads: a token when one is given (a bad one is refused), anonymous otherwise. Writes: a token only.
READ_AUTH = [personal_token, anonymous]
WRITE_AUTH = [personal_token]
