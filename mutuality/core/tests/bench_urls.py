"""The URLconf `make bench` serves (MUTUALITY_BENCH), for tests of its bench-only routes."""

from __future__ import annotations

from django.urls import path

from mutuality.core.bench import bare_json
from mutuality.orgs import views as orgs_views
from mutuality.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    *app_urlpatterns,
    path("bench/bare", bare_json, name="bench_bare"),
    path("bench/o/<slug:org>/shell", orgs_views.page_shell, name="bench_shell"),
]
