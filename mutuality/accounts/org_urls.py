"""Per-organization account settings: API tokens, invitations."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "settings"


def _placeholder(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("tokens/", _placeholder, name="tokens"),
    path("invite/<int:pk>/", _placeholder, name="invite"),
]
