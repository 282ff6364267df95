"""The JSON API under /api/v1/: one NinjaAPI, token authentication, uniform errors.

Each app contributes a Router (see `routers` in mutuality/urls.py). Authentication is a
personal API token (`Authorization: Bearer <token>`), scoped to one organization: every
endpoint acts in `request.auth.org` as `request.auth.person`.

Every refusal is JSON `{"detail": "...", "errors": {"field": ["message"]}}` (`errors` on
422 only). Name an operation's body argument `payload` and its query schema `filters`, so
that error keys are the field names the client sent. The docs page and the OpenAPI
document open only to signed-in people (or, for the document, a valid token).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from mutuality.accounts.models import ApiToken, hash_secret
from mutuality.orgs.models import Organization, Person


@dataclass(frozen=True)
class ApiAuth:
    """Who is calling: the token's person, in the token's organization."""

    token: ApiToken
    person: Person

    @property
    def org(self) -> Organization:
        return self.person.org


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiAuth | None:
        if not token or len(token) > 200:
            return None
        api_token = (
            ApiToken.objects.select_related("person__org", "person__user", "person__unit")
            .filter(token_hash=hash_secret(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None:
            return None
        person = api_token.person
        # The token is scoped to the organization it was made in; a person row always
        # belongs to one organization, so the two must agree.
        if api_token.org_id != person.org_id:
            return None
        if not person.is_active or person.user is None or not person.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute, so reads stay reads.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return ApiAuth(token=api_token, person=person)


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open the docs page and the OpenAPI document to signed-in people only.

    The API's shape is not advertised anonymously. The OpenAPI document also opens to a
    valid API token, so client generators can fetch it with the token they will use.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-json":
            return JsonResponse({"detail": UNAUTHENTICATED}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


UNAUTHENTICATED = "Send a valid API token as `Authorization: Bearer <token>`."

api = NinjaAPI(
    title="Mutuality API",
    version="1",
    description=(
        "Every endpoint acts in the organization of the personal API token sent as "
        "`Authorization: Bearer <token>`. Create tokens under Settings → API tokens. "
        'Errors are JSON: `{"detail": "…", "errors": {"field": ["message"]}}` '
        "(`errors` on 422 only). Lists return `{count, limit, offset, items}`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    # Swagger UI's bundle is served from ninja's static folder (no CDN). Its default spec
    # validator is an outside service (validator.swagger.io): switched off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_access,
)


def _error(request: HttpRequest, status: int, detail: Any, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Name each bad field: {"detail": "...", "errors": {"field": ["message"]}}.
    # Locations look like ("body", "payload", "lead_ids", 0) or ("query", "limit"); the
    # first two parts are ninja's, the rest names the field as the client sent it.
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form"):
            loc = loc[1:]
        if loc and loc[0] in _PARAM_NAMES:
            loc = loc[1:]
        field = ".".join(loc) or "__all__"
        if field == "__all__" and err.get("type") == "missing":
            message = "Send a JSON object as the request body."
        elif field == "__all__" and err.get("type") == "model_attributes_type":
            message = "The request body must be a JSON object."
        else:
            message = _message(err)
        errors.setdefault(field, []).append(message)
    return _error(request, 422, "Some fields are not valid.", errors=errors)


def _message(err: dict[str, Any]) -> str:
    # A length bound placed after a validator is checked as a generic sequence's, and
    # pydantic then speaks of "items"; for text, say characters.
    ctx = err.get("ctx") or {}
    if err.get("type") == "value_error" and ctx.get("error"):
        # A validator's own message, without pydantic's "Value error, " in front.
        return str(ctx["error"])
    if isinstance(err.get("input"), str):
        if err.get("type") == "too_short":
            return f"Use at least {ctx.get('min_length')} characters."
        if err.get("type") == "too_long":
            return f"Use at most {ctx.get('max_length')} characters."
    return str(err.get("msg", "Invalid value."))


# The names API functions give their schema arguments (`payload: PersonCreate`,
# `filters: Query[...]`); they are not part of what the client sends.
_PARAM_NAMES = frozenset({"payload", "filters"})


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _error(request, 422, "Some fields are not valid.", errors=errors)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do that.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, UNAUTHENTICATED)


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services check uniqueness first; this is only reached when a concurrent request
    # wrote the same value between that check and the insert.
    return _error(request, 409, "This conflicts with a change made at the same time; try again.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


# Where the API lives (see mutuality/urls.py).
API_PREFIX = "/api/v1/"


class ApiErrorsMiddleware:
    """Give the API's JSON error shape to refusals made before any endpoint runs.

    An unknown path under /api/v1/ is Django's 404 (an HTML page) and a known path with the
    wrong method is ninja's plain-text 405; a client should get `{"detail": ...}` for those
    too, as for every other refusal. Only error responses that are not JSON already are
    replaced; headers such as `Allow` are kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            400 <= response.status_code < 500
            and (request.path_info + "/").startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return self._as_json(request, response)
        return response

    @staticmethod
    def _as_json(request: HttpRequest, original: HttpResponseBase) -> HttpResponseBase:
        status = original.status_code
        allowed = sorted(m.strip() for m in original.get("Allow", "").split(",") if m.strip())
        if status == 404:
            detail = "Not found."
        elif status == 405:
            detail = f"This path does not accept {request.method}; use {' or '.join(allowed)}."
        else:
            detail = f"{original.reason_phrase}."
        response = _error(request, status, detail)
        if allowed:
            response["Allow"] = ", ".join(allowed)
        return response


def auth_of(request: HttpRequest) -> ApiAuth:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, ApiAuth)
    return auth
