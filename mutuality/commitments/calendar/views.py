"""The calendar feed: the public .ics address (secret token, no login) and its settings page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from mutuality.commitments.calendar.presentation import feed_calendar
from mutuality.commitments.calendar.selectors import user_for_feed_token
from mutuality.commitments.calendar.services import feed_token_reset
from mutuality.orgs.tenancy import OrgRequest, org_view


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar document for the account whose feed token this is; 404 otherwise."""
    user = user_for_feed_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(feed_calendar(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mutuality.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('feed', kwargs={'token': token})}"


def _webcal(url: str) -> str:
    parts = urlsplit(url)
    return f"webcal://{parts.netloc}{parts.path}"


@org_view
def feed_settings(request: OrgRequest) -> HttpResponse:
    """Whether the viewer has a feed address; the address itself is shown only when made."""
    user = request.person.user
    assert user is not None  # org_view admits logged-in people only
    return render(
        request,
        "commitments/calendar/settings.html",
        {"has_feed": bool(user.feed_token_hash), "feed_url": "", "webcal": ""},
    )


@org_view
@require_POST
def feed_reset(request: OrgRequest) -> HttpResponse:
    """Make a new feed address and show it, this once: only its hash is kept."""
    had_token = bool(request.person.user and request.person.user.feed_token_hash)
    token = feed_token_reset(person=request.person)
    url = feed_url(token)
    response = render(
        request,
        "commitments/calendar/settings.html",
        {"has_feed": True, "feed_url": url, "webcal": _webcal(url), "replaced": had_token},
    )
    # The page holds a secret: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response
