"""The calendar feed's settings page, inside an organization (/o/<org>/calendar/)."""

from __future__ import annotations

from django.urls import path

from mutuality.commitments.calendar import views as feed_views

app_name = "calendar"

urlpatterns = [
    path("", feed_views.feed_settings, name="settings"),
    path("reset/", feed_views.feed_reset, name="reset"),
]
