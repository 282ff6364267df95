"""The JSON API under /api/v1/: one NinjaAPI, token authentication, uniform errors.

Each app contributes a Router (see `routers` in mutuality/urls.py). Authentication is a
personal API token (`Authorization: Bearer <token>`), scoped to one organization: every
endpoint acts in `request.auth.org` as `request.auth.person`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
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
        if not person.is_active or person.user is None or not person.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute, so reads stay reads.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return ApiAuth(token=api_token, person=person)


api = NinjaAPI(
    title="Mutuality API",
    version="1",
    description=(
        "Every endpoint acts in the organization of the personal API token sent as "
        "`Authorization: Bearer <token>`. Create tokens under Settings → API tokens."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail: Any, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Name each bad field: {"detail": "...", "errors": {"field": ["message"]}}.
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", ())
            if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(
            str(err.get("msg", "Invalid value."))
        )
    return _error(request, 422, "Some fields are not valid.", errors=errors)


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
    return _error(request, 401, "Send a valid API token as `Authorization: Bearer <token>`.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


def auth_of(request: HttpRequest) -> ApiAuth:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, ApiAuth)
    return auth
