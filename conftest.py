"""Fixtures shared by every test: fast hashing, immediate tasks, and the personas."""

from __future__ import annotations

from typing import Any

import pytest

from mutuality.testing import Personas, build_personas


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: Any) -> None:
    # Argon2 is deliberately slow; tests do not need that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False


@pytest.fixture
def personas(db: Any) -> Personas:
    """Acme (admin, manager, two members, facilitator) and an outsider in Globex."""
    return build_personas()
