"""Every API refusal is JSON: `{"detail": "...", "errors": {"field": ["message"]}}`.

`install(api)` puts the handlers on the NinjaAPI; `errors` is sent with 422 only. Name an
operation's body argument `payload` and its query schema `filters`, so that error keys are
the field names the client sent. `ApiErrorsMiddleware` gives the same shape to refusals
made before any endpoint runs (an unknown path, a method a path does not take).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# Where the API lives (see mutuality/urls.py).
API_PREFIX = "/api/v1/"
UNAUTHENTICATED = "Send a valid API token as `Authorization: Bearer <token>`."

# The names API functions give their schema arguments (`payload: PersonCreate`,
# `filters: Query[...]`); they are not part of what the client sends.
_PARAM_NAMES = frozenset({"payload", "filters"})


def error_response(status: int, detail: Any, **extra: Any) -> HttpResponse:
    """A refusal in the API's one shape."""
    return HttpResponse(
        json.dumps({"detail": detail, **extra}, cls=DjangoJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )


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
    return error_response(422, "Some fields are not valid.", errors=errors)


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


def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return error_response(422, "Some fields are not valid.", errors=errors)


def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, str(exc) or "You may not do that.")


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "Not found.")


def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, UNAUTHENTICATED)


def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services check uniqueness first; this is only reached when a concurrent request
    # wrote the same value between that check and the insert.
    return error_response(409, "This conflicts with a change made at the same time; try again.")


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


HANDLERS: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
    NinjaValidationError: on_validation_error,
    ValidationError: on_django_validation_error,
    PermissionDenied: on_permission_denied,
    Http404: on_not_found,
    AuthenticationError: on_auth_error,
    IntegrityError: on_integrity_error,
    HttpError: on_http_error,
}


def install(api: NinjaAPI) -> None:
    """Answer every refusal of `api` in the one shape."""
    for exception, handler in HANDLERS.items():
        api.add_exception_handler(exception, handler)


@contextmanager
def fields_named(names: Mapping[str, str]) -> Iterator[None]:
    """Rename the fields of a service's ValidationError to the names the client sent.

    Services name model fields and roles (`manager`, `performer_unit`); the API names the
    ids a client sends (`manager_id`, `unit_id`). Errors that name no field pass unchanged.
    """
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


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
        response = error_response(status, detail)
        if allowed:
            response["Allow"] = ", ".join(allowed)
        return response
