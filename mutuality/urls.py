from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mutuality.commitments.api import router as commitments_router
from mutuality.commitments.api_issues import router as issues_router
from mutuality.commitments.api_ledger import router as ledger_router
from mutuality.commitments.feed_views import feed as calendar_feed
from mutuality.core import views as core_views
from mutuality.core.api import api
from mutuality.orgs.api import router as orgs_router

api.add_router("/", orgs_router)
api.add_router("/", commitments_router)
api.add_router("/", issues_router)
api.add_router("/", ledger_router)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("mutuality.accounts.urls")),
    path("o/<slug:org>/", include("mutuality.orgs.urls")),
    path("o/<slug:org>/audit/", include("mutuality.core.urls")),
    path("o/<slug:org>/settings/", include("mutuality.accounts.org_urls")),
    path("o/<slug:org>/commitments/", include("mutuality.commitments.urls")),
    path("o/<slug:org>/issues/", include("mutuality.commitments.issue_urls")),
    path("o/<slug:org>/ledger/", include("mutuality.commitments.ledger_urls")),
    path("o/<slug:org>/calendar/", include("mutuality.commitments.feed_urls")),
    # The private calendar feed: a secret token instead of a login (calendar apps can't log in).
    path("feed/<str:token>.ics", calendar_feed, name="feed"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.MUTUALITY_BENCH:
    from mutuality.core.bench import bare_json

    urlpatterns.append(path("bench/bare", bare_json, name="bench_bare"))
