from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "mutuality.orgs"
    label = "orgs"
    verbose_name = "Organizations, people and units"
