from __future__ import annotations

from django.urls import path

from mutuality.commitments.issues import views as issue_views

app_name = "issues"

urlpatterns = [
    path("", issue_views.issue_list, name="list"),
    path("new/", issue_views.issue_new, name="new"),
    path("<int:pk>/", issue_views.issue_detail, name="detail"),
    path("<int:pk>/moves/<slug:move>/", issue_views.issue_move, name="move"),
]
