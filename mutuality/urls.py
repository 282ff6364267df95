from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from mutuality.core import views as core_views
from mutuality.core.api import api
from mutuality.orgs.api import router as orgs_router

api.add_router("/", orgs_router)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("mutuality.accounts.urls")),
    path("o/<slug:org>/", include("mutuality.orgs.urls")),
    path("o/<slug:org>/audit/", include("mutuality.core.urls")),
    path("o/<slug:org>/settings/", include("mutuality.accounts.org_urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
