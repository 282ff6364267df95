from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mutuality.core"
    label = "core"
    verbose_name = "Mutuality core"
