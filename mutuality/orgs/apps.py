from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "mutuality.orgs"
    label = "orgs"
    verbose_name = "Organizations, people and units"

    def ready(self) -> None:
        from mutuality.core.navigation import NavItem, register
        from mutuality.orgs.models import Role

        register(NavItem(label="People", url_name="orgs:people", order=20))
        register(NavItem(label="Units", url_name="orgs:units", order=30))
        register(NavItem(label="Org chart", url_name="orgs:chart", order=40))
        register(
            NavItem(
                label="Audit log", url_name="audit:log", order=900, roles=frozenset({Role.ADMIN})
            )
        )
        register(
            NavItem(
                label="My page",
                url_name="orgs:person",
                order=10,
                menu="user",
                url_kwargs=lambda viewer: {"pk": viewer.pk},
            )
        )
