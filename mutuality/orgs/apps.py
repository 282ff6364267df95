from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "mutuality.orgs"
    label = "orgs"
    verbose_name = "Organizations, people and units"

    def ready(self) -> None:
        from mutuality.core.navigation import NavItem, register

        register(NavItem(label="People", url_name="orgs:people", order=20))
        register(NavItem(label="Units", url_name="orgs:units", order=30))
        register(NavItem(label="Org chart", url_name="orgs:chart", order=40))
