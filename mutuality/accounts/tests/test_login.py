from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from mutuality.testing import PASSWORD, Personas


def _log_in(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": email, "password": password})


def _is_logged_in(client: Client) -> bool:
    return bool(client.get(reverse("password_change")).status_code == 200)


def test_it_shows_a_login_form_with_email_and_password(db: Any) -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">Email</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'type="email"' in html
    assert ">Log in</button>" in html
    assert reverse("password_reset") in html


def test_it_logs_in_with_email_and_password(personas: Personas) -> None:
    client = Client()
    response = _log_in(client, "mia@acme.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _is_logged_in(client)


def test_it_accepts_the_email_in_any_case(personas: Personas) -> None:
    client = Client()
    response = _log_in(client, "  Mia@ACME.test ", PASSWORD)
    assert response.status_code == 302
    assert _is_logged_in(client)


def test_it_goes_to_the_next_page_after_login(personas: Personas) -> None:
    client = Client()
    response = client.post(
        reverse("login") + "?next=/o/acme/people/",
        {"username": "mia@acme.test", "password": PASSWORD, "next": "/o/acme/people/"},
    )
    assert response["Location"] == "/o/acme/people/"


def test_it_refuses_a_wrong_password_and_keeps_the_email(personas: Personas) -> None:
    client = Client()
    response = _log_in(client, "mia@acme.test", "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not match an account" in html
    assert 'value="mia@acme.test"' in html
    assert not _is_logged_in(client)


def test_it_names_the_email_field_when_it_is_not_an_address(db: Any) -> None:
    response = _log_in(Client(), "not-an-email", PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_it_refuses_a_switched_off_account(personas: Personas) -> None:
    assert personas.member.user is not None
    personas.member.user.is_active = False
    personas.member.user.save()
    client = Client()
    _log_in(client, "mia@acme.test", PASSWORD)
    assert not _is_logged_in(client)


def test_it_logs_out_only_by_post(personas: Personas) -> None:
    client = Client()
    _log_in(client, "mia@acme.test", PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    assert _is_logged_in(client)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[0] == (reverse("login"), 302)
    assert "You have logged out." in response.content.decode()
    assert not _is_logged_in(client)


def test_it_locks_out_after_too_many_wrong_passwords_and_lifts_after_the_cool_off(
    personas: Personas, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    start = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(limit - 1):
            assert _log_in(client, "mia@acme.test", "wrong password").status_code == 200
        locked = _log_in(client, "mia@acme.test", "wrong password")
        assert locked.status_code == 429
        assert "accounts/locked_out.html" in [t.name for t in locked.templates]

        # Even the right password is refused while the lock holds.
        refused = _log_in(client, "mia@acme.test", PASSWORD)
        assert refused.status_code == 429
        assert "Logging in is paused" in refused.content.decode()
        assert "15 minutes" in refused.content.decode()
        assert not _is_logged_in(client)

        # Another person is not affected by Mia's lock.
        other = Client()
        assert _log_in(other, "noah@acme.test", PASSWORD).status_code == 302

        traveller.shift(dt.timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1))
        assert _log_in(client, "mia@acme.test", PASSWORD).status_code == 302
        assert _is_logged_in(client)


def test_it_counts_failures_of_the_same_email_in_any_case(
    personas: Personas, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = "mia@acme.test" if i % 2 else "MIA@acme.test"
        _log_in(client, email, "wrong password")
    assert _log_in(client, "mia@acme.test", PASSWORD).status_code == 429
