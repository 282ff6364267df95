"""Session lifetimes: an idle timeout, and a hard limit counted from the moment of login.

The idle timeout is the session cookie's own (SESSION_COOKIE_AGE): a session that is saved
starts it again. Saving on every request would cost every page a database write, so this
middleware renews an active session at most once every `RENEW_EVERY` seconds: the idle
timeout is then exact to within that. It also logs a session out once
SESSION_ABSOLUTE_SECONDS have passed since login, however active.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_LOGIN_AT = "mutuality_login_at"
# When the session was last saved to renew its idle timeout.
SESSION_RENEWED_AT = "mutuality_renewed_at"
RENEW_EVERY = 60
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
            renewed = request.session.get(SESSION_RENEWED_AT)
            if not isinstance(renewed, int) or now - renewed >= RENEW_EVERY:
                # A change makes the session middleware save it, with a new idle expiry.
                request.session[SESSION_RENEWED_AT] = now
        return self.get_response(request)
