"""Personal API tokens: who gets in, who is refused, and what a refusal looks like."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mutuality.accounts.models import ApiToken, hash_secret
from mutuality.testing import Personas, api_token_for

URL = "/api/v1/organizations/current"
REFUSAL = {"detail": "Send a valid API token as `Authorization: Bearer <token>`."}


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_valid_token_acts_in_its_organization(personas: Personas) -> None:
    response = bearer(api_token_for(personas.outsider)).get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": personas.other_org.pk,
        "name": "Globex",
        "slug": "globex",
    }


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
def test_a_missing_or_unknown_token_is_a_401_in_json(
    personas: Personas, header: str | None
) -> None:
    client = Client(headers={"Authorization": header} if header is not None else {})

    response = client.get(URL)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == REFUSAL


def test_a_session_is_not_enough_for_the_api(personas: Personas) -> None:
    response = personas.client_for(personas.admin).get(URL)

    assert response.status_code == 401


def test_a_revoked_token_is_refused(personas: Personas) -> None:
    secret = api_token_for(personas.member)
    ApiToken.objects.filter(token_hash=hash_secret(secret)).update(revoked_at=timezone.now())

    assert bearer(secret).get(URL).status_code == 401


def test_a_token_of_an_inactive_person_is_refused(personas: Personas) -> None:
    secret = api_token_for(personas.member)
    type(personas.member).objects.filter(pk=personas.member.pk).update(is_active=False)

    assert bearer(secret).get(URL).status_code == 401


def test_a_token_of_a_disabled_login_is_refused(personas: Personas) -> None:
    secret = api_token_for(personas.member)
    assert personas.member.user is not None
    personas.member.user.is_active = False
    personas.member.user.save()

    assert bearer(secret).get(URL).status_code == 401


def test_a_token_of_a_person_without_a_login_is_refused(personas: Personas) -> None:
    secret = api_token_for(personas.member)
    type(personas.member).objects.filter(pk=personas.member.pk).update(user=None)

    assert bearer(secret).get(URL).status_code == 401


def test_a_token_whose_organization_is_not_its_persons_is_refused(personas: Personas) -> None:
    secret = api_token_for(personas.member)
    ApiToken.objects.filter(token_hash=hash_secret(secret)).update(org=personas.other_org)

    assert bearer(secret).get(URL).status_code == 401


def test_only_the_hash_of_the_token_is_stored(personas: Personas) -> None:
    secret = api_token_for(personas.member)

    token = ApiToken.objects.get(person=personas.member)
    assert token.token_hash == hash_secret(secret)
    assert secret not in (token.token_hash, token.prefix, token.name)


def test_it_records_when_a_token_was_last_used_at_most_once_a_minute(
    personas: Personas,
) -> None:
    secret = api_token_for(personas.member)
    token = ApiToken.objects.get(person=personas.member)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        bearer(secret).get(URL)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        bearer(secret).get(URL)
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        bearer(secret).get(URL)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(minutes=2)


def test_the_organizations_list_holds_only_the_tokens_organization(personas: Personas) -> None:
    response = bearer(api_token_for(personas.member)).get("/api/v1/organizations")

    assert response.status_code == 200
    assert response.json() == [{"id": personas.org.pk, "name": "Acme", "slug": "acme"}]
