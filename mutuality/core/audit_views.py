"""Placeholder: being written. Every view here 404s until it is implemented."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def audit_log(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
