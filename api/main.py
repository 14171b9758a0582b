"""/api/v1/: the NinjaAPI, its answers' HTTP caching (ETag, Cache-Control) and its errors."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from .auth import InvalidToken
from .throttling import AnonymousRateThrottle
from .views import router

# Swagger UI from the app's own static files (ninja's template), calling no outside service: no
# validator badge (validator.swagger.io), no CDN.
DOCS = Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False, "displayRequestDuration": True})


class PlatformAPI(NinjaAPI):
    def create_response(
        self, request: HttpRequest, data, *, status=None, temporal_response=None
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        patch_vary_headers(response, ["Authorization"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            response["Cache-Control"] = "no-store"
            return response
        # The ETag is the answer's digest: a client that has this very answer gets 304 and no body.
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        authenticated = getattr(request, "auth", None) is not None and request.auth.is_authenticated
        if authenticated:
            response["Cache-Control"] = "private, no-cache"
        else:
            response["Cache-Control"] = f"public, max-age={settings.API_PUBLIC_MAX_AGE}"
        return get_conditional_response(request, etag=response["ETag"], response=response) or response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The answers every operation may give besides its own (a refused token, a refused parameter,
        the rate limit), and reads that need no token: their security is optional (`{}`)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        invalid = {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrorOut"}}}
        common = {
            "401": {
                "description": "The token is unknown, revoked, or its person deactivated.",
                "content": error,
            },
            "422": {"description": "A parameter is refused: which one, and why.", "content": invalid},
            "429": {
                "description": "Too many requests without a token: retry after Retry-After seconds.",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": error,
            },
        }
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                # ninja's own statuses are numbers: as keys of JSON they would repeat the text ones.
                responses = operation["responses"] = {
                    str(key): value for key, value in operation["responses"].items()
                }
                for status, response in common.items():
                    responses.setdefault(status, response)
                if "requestBody" in operation:
                    responses.setdefault("400", {"description": "The body is not JSON.", "content": error})
                if method == "get" and operation.get("security"):
                    operation["security"] = [*operation["security"], {}]
        return schema


api = PlatformAPI(
    title="Plan Climat Local API",
    version="1",
    description=(
        "The published plans, their actions and the open observatory data, without credentials; with a "
        "personal token (`Authorization: Bearer pcl_…`, created in your account page), also what your "
        "roles let you read on the platform's pages, and the follow-up of the actions you keep up to date."
    ),
    urls_namespace="api-v1",
    docs=DOCS,
    throttle=[AnonymousRateThrottle()],
)
api.add_router("", router)


def _unauthorized(request, message: str) -> HttpResponse:
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(AuthenticationError)
def token_required(request, exc):
    return _unauthorized(request, _("This operation needs a personal token: Authorization: Bearer <token>."))


@api.exception_handler(InvalidToken)
def token_refused(request, exc):
    return _unauthorized(request, exc.message)
