"""Placeholder: being written. Every view here 404s until it is implemented."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def home(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def people(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_create(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_deactivate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def person_reactivate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def units(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def unit_create(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def unit_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def unit_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def unit_deactivate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def org_chart(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
