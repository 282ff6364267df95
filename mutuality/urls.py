from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mutuality.api import api
from mutuality.commitments.calendar.views import feed as calendar_feed
from mutuality.core import views as core_views
from mutuality.orgs import views as orgs_views

urlpatterns = [
    path("", orgs_views.start, name="home"),
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("mutuality.accounts.urls")),
    path("o/<slug:org>/", include("mutuality.orgs.urls")),
    path("o/<slug:org>/audit/", include("mutuality.orgs.audit.urls")),
    path("o/<slug:org>/settings/", include("mutuality.accounts.org_urls")),
    path("o/<slug:org>/commitments/", include("mutuality.commitments.commitments.urls")),
    path("o/<slug:org>/issues/", include("mutuality.commitments.issues.urls")),
    path("o/<slug:org>/ledger/", include("mutuality.commitments.ledger.urls")),
    path("o/<slug:org>/calendar/", include("mutuality.commitments.calendar.urls")),
    # The private calendar feed: a secret token instead of a login (calendar apps can't log in).
    path("feed/<str:token>.ics", calendar_feed, name="feed"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.MUTUALITY_BENCH:
    from mutuality.core.bench import bare_json

    urlpatterns.append(path("bench/bare", bare_json, name="bench_bare"))
    # What every page of an organization pays before its own content (`make bench`).
    urlpatterns.append(path("bench/o/<slug:org>/shell", orgs_views.page_shell, name="bench_shell"))
