from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from mutuality.testing import PASSWORD, Personas

ROOT = Path(__file__).resolve().parents[3]


def _directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_pages_carry_a_strict_content_security_policy(personas: Personas) -> None:
    for response in (
        Client().get(reverse("login")),
        personas.client_for(personas.member).get(personas.url("settings:tokens")),
    ):
        directives = _directives(response)
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_refuse_sniffing_and_framing(db: Any) -> None:
    response = Client().get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only(personas: Personas) -> None:
    response = Client().post(reverse("login"), {"username": "mia@acme.test", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_production_settings_pass_the_deployment_check() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MUTUALITY_") and key != "DATABASE_URL"
    }
    env |= {
        "MUTUALITY_SECRET_KEY": secrets.token_urlsafe(50),
        "MUTUALITY_ALLOWED_HOSTS": "mutuality.example.com",
        "MUTUALITY_DATA_DIR": "/nonexistent",  # the check must not need a database
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
