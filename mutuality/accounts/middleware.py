"""Absolute session lifetime: log out a session this long after login, however active.

The idle timeout is the session cookie's own (SESSION_COOKIE_AGE, renewed on every
request); this middleware adds the hard limit counted from the moment of login.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_LOGIN_AT = "mutuality_login_at"
# Set in the fresh session after a forced logout, so the login page can say why.
SESSION_EXPIRED = "mutuality_session_expired"


def record_login_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: the lifetime counts from the login itself, not the next request."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_LOGIN_AT)
            if not isinstance(started, int):
                # Every login records its time; a session without one predates this
                # middleware, so its lifetime starts counting now.
                request.session[SESSION_LOGIN_AT] = now
            elif now - started >= settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                request.session[SESSION_EXPIRED] = True
        return self.get_response(request)
