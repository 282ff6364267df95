from __future__ import annotations

from django.urls import path

from mutuality.orgs import suggest_views, views
from mutuality.orgs.importing import views as import_views

app_name = "orgs"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/suggest/", suggest_views.people_suggest, name="people_suggest"),
    path("people/import/", import_views.people_import, name="people_import"),
    path("people/export.csv", import_views.people_export, name="people_export"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/suggest/", suggest_views.units_suggest, name="units_suggest"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("chart/", views.org_chart, name="chart"),
]
