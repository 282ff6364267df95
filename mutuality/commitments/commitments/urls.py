from __future__ import annotations

from django.urls import path

from mutuality.commitments.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("mine/", views.my_work_page, name="my_work"),
    path("new/", views.commitment_new, name="new"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/moves/<slug:move>/", views.commitment_move, name="move"),
]
