from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: nothing here imports another Mutuality app (docs/architecture.md)."""

    name = "mutuality.core"
    label = "core"
    verbose_name = "Mutuality core"
