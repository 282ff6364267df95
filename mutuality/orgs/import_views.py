"""Placeholder: being written. Every view here 404s until it is implemented."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def people_import(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def people_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
