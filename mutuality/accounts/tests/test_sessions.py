from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from mutuality.accounts.middleware import SESSION_LOGIN_AT
from mutuality.testing import PASSWORD, Personas

START = dt.datetime(2030, 5, 6, 8, 0, tzinfo=dt.UTC)


def _log_in(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "mia@acme.test", "password": PASSWORD})
    assert response.status_code == 302


def _is_logged_in(client: Client) -> bool:
    return bool(client.get(reverse("password_change")).status_code == 200)


def test_it_records_the_time_of_login_in_the_session(personas: Personas) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        _log_in(client)
    assert client.session[SESSION_LOGIN_AT] == int(START.timestamp())


def test_it_logs_out_after_the_idle_timeout(personas: Personas, settings: Any) -> None:
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert _is_logged_in(client)  # activity renews the session...
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert _is_logged_in(client)
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        assert not _is_logged_in(client)  # ...idleness ends it


def test_it_logs_out_after_the_absolute_lifetime_however_active(
    personas: Personas, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 3600
    settings.SESSION_ABSOLUTE_SECONDS = 3 * 3600
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        for _ in range(5):  # active every 30 minutes for 2.5 hours
            traveller.shift(dt.timedelta(minutes=30))
            assert _is_logged_in(client)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("password_change"), follow=True)
        assert response.redirect_chain[0][0].startswith(reverse("login"))
        assert "maximum length" in response.content.decode()
        assert not _is_logged_in(client)
        # A fresh login starts a fresh lifetime.
        _log_in(client)
        assert _is_logged_in(client)


def test_the_lifetime_counts_from_login_not_from_the_first_page(
    personas: Personas, settings: Any
) -> None:
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        traveller.shift(dt.timedelta(seconds=3601))
        assert not _is_logged_in(client)
