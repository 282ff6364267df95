from __future__ import annotations

from django.urls import path

from mutuality.commitments.ledger import views as ledger_views

app_name = "ledger"

urlpatterns = [
    path("", ledger_views.my_ledger, name="mine"),
    path("people/<int:pk>/", ledger_views.person_ledger, name="person"),
    path("units/<int:pk>/", ledger_views.unit_ledger, name="unit"),
]
