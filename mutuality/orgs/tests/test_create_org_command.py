from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mutuality.accounts.models import User
from mutuality.orgs.models import Organization, Person, Role


def _run(monkeypatch: Any, password: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_org", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_it_creates_an_organization_with_an_admin_who_can_log_in(db: Any, monkeypatch: Any) -> None:
    out = _run(
        monkeypatch,
        "a long enough passphrase",
        "--name",
        "Acme Cooperative",
        "--admin-email",
        "Ada@Acme.test",
        "--admin-name",
        "Ada Admin",
    )
    org = Organization.objects.get(slug="acme-cooperative")
    admin = Person.objects.get(org=org)
    assert admin.role == Role.ADMIN and admin.email == "ada@acme.test"
    assert admin.user is not None and admin.user.check_password("a long enough passphrase")
    assert "/o/acme-cooperative/" in out


def test_it_refuses_a_weak_password_and_creates_nothing(db: Any, monkeypatch: Any) -> None:
    with pytest.raises(CommandError):
        _run(
            monkeypatch,
            "123",
            "--name",
            "Acme",
            "--admin-email",
            "a@acme.test",
            "--admin-name",
            "Ada",
        )
    assert not Organization.objects.exists() and not User.objects.exists()


def test_it_refuses_a_taken_short_name(db: Any, monkeypatch: Any) -> None:
    _run(
        monkeypatch,
        "a long enough passphrase",
        "--name",
        "Acme",
        "--admin-email",
        "a@acme.test",
        "--admin-name",
        "Ada",
    )
    with pytest.raises(CommandError, match="taken"):
        _run(
            monkeypatch,
            "a long enough passphrase",
            "--name",
            "Acme",
            "--admin-email",
            "b@acme.test",
            "--admin-name",
            "Bo",
        )
    assert Organization.objects.count() == 1
    assert not User.objects.filter(email="b@acme.test").exists()
