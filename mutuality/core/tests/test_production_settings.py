"""The production settings keep their hardening: reverting any of it fails here.

Settings are read once, at import, so the test process (MUTUALITY_TESTING=1) cannot show
them. A child process imports them as production does (no MUTUALITY_DEBUG or
MUTUALITY_TESTING, a secret key set), sends two requests through the real middleware and
prints what it saw as JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
HOST = "mutuality.example.com"

PROBE = f"""
import gc
import json

import mutuality.wsgi  # as gunicorn loads the app

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client

client = Client(HTTP_HOST={HOST!r})
responses = {{
    "health": client.get("/healthz", secure=True),
    "page": client.get("/o/acme/", secure=True),
    "plain_http": client.get("/o/acme/"),
}}
print(json.dumps({{
    "debug": settings.DEBUG,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "frozen_objects": gc.get_freeze_count(),
    "password_hashers": settings.PASSWORD_HASHERS,
    "hashed": make_password("correct horse battery staple"),
    "session_cookie": {{
        "name": settings.SESSION_COOKIE_NAME,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": settings.SESSION_COOKIE_HTTPONLY,
    }},
    "csrf_cookie": {{"name": settings.CSRF_COOKIE_NAME, "secure": settings.CSRF_COOKIE_SECURE}},
    "hsts": {{
        "seconds": settings.SECURE_HSTS_SECONDS,
        "include_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    }},
    "responses": {{
        name: {{"status": r.status_code, "headers": dict(r.headers.items())}}
        for name, r in responses.items()
    }},
}}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MUTUALITY_")
        and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "mutuality.settings",
        "MUTUALITY_SECRET_KEY": secrets.token_urlsafe(50),
        "MUTUALITY_ALLOWED_HOSTS": HOST,
        # A fresh SQLite file: the health check runs one query, nothing needs tables.
        "MUTUALITY_DATA_DIR": str(tmp_path_factory.mktemp("production")),
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    return seen


def test_database_connections_are_kept_between_requests(production: dict[str, Any]) -> None:
    # SQLite too: reopening it on every request costs a schema parse and a cold cache.
    assert production["conn_max_age"] == 60


def test_the_loaded_app_is_kept_out_of_full_garbage_collections(
    production: dict[str, Any],
) -> None:
    assert production["frozen_objects"] > 10_000


def test_passwords_are_hashed_with_argon2_first(production: dict[str, Any]) -> None:
    assert production["password_hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert production["hashed"].startswith("argon2$")


def test_the_session_cookie_is_secure_and_http_only(production: dict[str, Any]) -> None:
    assert production["session_cookie"] == {
        "name": "__Host-sessionid",
        "secure": True,
        "httponly": True,
    }


def test_the_csrf_cookie_is_secure(production: dict[str, Any]) -> None:
    assert production["csrf_cookie"] == {"name": "__Host-csrftoken", "secure": True}


def test_https_is_enforced_for_a_year_including_subdomains(production: dict[str, Any]) -> None:
    assert production["hsts"]["seconds"] >= 60 * 60 * 24 * 365
    assert production["hsts"]["include_subdomains"] is True
    for name in ("health", "page"):
        hsts = production["responses"][name]["headers"]["Strict-Transport-Security"]
        assert hsts.startswith("max-age=31536000"), name
        assert "includeSubDomains" in hsts, name


def test_plain_http_is_redirected_to_https(production: dict[str, Any]) -> None:
    plain = production["responses"]["plain_http"]
    assert plain["status"] == 301
    assert plain["headers"]["Location"] == f"https://{HOST}/o/acme/"


def test_responses_carry_the_content_security_policy(production: dict[str, Any]) -> None:
    for name in ("health", "page"):
        response = production["responses"][name]
        policy = response["headers"]["Content-Security-Policy"]
        assert "default-src 'self'" in policy, name
        assert "script-src 'self'" in policy, name
        assert "object-src 'none'" in policy, name
        assert "frame-ancestors 'none'" in policy, name
        assert "unsafe-inline" not in policy, name
    assert production["responses"]["health"]["status"] == 200
    assert production["responses"]["page"]["status"] == 302  # to the login page


def _postgres_options(**env: str) -> dict[str, Any]:
    """The database OPTIONS production settings give a PostgreSQL URL (nothing connects)."""
    probe = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MUTUALITY_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=clean
        | {
            "DJANGO_SETTINGS_MODULE": "mutuality.settings",
            "MUTUALITY_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": "postgres://mutuality@db.internal:5432/mutuality",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    options: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return options


def test_postgres_plans_a_repeated_query_once_per_kept_connection() -> None:
    options = _postgres_options()
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    # Behind a pooler in transaction mode connections are not kept: nothing is prepared.
    assert "prepare_threshold" not in _postgres_options(MUTUALITY_DB_CONN_MAX_AGE="0")
