from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mutuality.core"
    label = "core"
    verbose_name = "Mutuality core"

    def ready(self) -> None:
        from mutuality.core.navigation import NavItem, register
        from mutuality.orgs.models import Role

        register(
            NavItem(
                label="Audit log", url_name="audit:log", order=900, roles=frozenset({Role.ADMIN})
            )
        )
