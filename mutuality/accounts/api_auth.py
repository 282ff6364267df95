"""Who calls the API: a personal API token (`Authorization: Bearer <token>`).

A token is scoped to one organization: every operation acts in `auth_of(request).org` as
`auth_of(request).person` (`mutuality.orgs.tenancy.auth_of`, where the rest of tenancy
lives, so the apps below this one can read who is calling too). The docs page and the OpenAPI document open only to signed-in
people (or, for the document, a valid token).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer

from mutuality.accounts.models import ApiToken, hash_secret
from mutuality.core.api.errors import UNAUTHENTICATED
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
