"""Per-organization account settings: API tokens, invitations."""

from __future__ import annotations

from django.urls import path

from mutuality.accounts import views

app_name = "settings"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invite/<int:pk>/", views.invite, name="invite"),
]
