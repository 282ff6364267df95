from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.accounts.api_auth import ApiAuth, TokenAuth
from mutuality.accounts.models import ApiToken, hash_secret
from mutuality.accounts.services import api_token_create, api_token_revoke
from mutuality.core.models import AuditEvent
from mutuality.orgs.services import person_create, person_deactivate
from mutuality.testing import Personas


def _authenticate(secret: str) -> ApiAuth | None:
    return TokenAuth().authenticate(RequestFactory().get("/api/v1/"), secret)


# --- services ---------------------------------------------------------------------------------


def test_it_creates_a_token_that_the_api_accepts(personas: Personas) -> None:
    token, secret = api_token_create(person=personas.member, name="  Reporting script ")
    assert secret.startswith("mut_")
    assert len(secret) > 40
    assert token.name == "Reporting script"
    assert token.prefix == secret[:8]
    assert token.org == personas.org
    assert token.token_hash == hash_secret(secret)
    assert secret not in token.token_hash
    auth = _authenticate(secret)
    assert auth is not None
    assert auth.person == personas.member
    assert auth.org == personas.org
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == personas.member.user
    assert secret not in str(event.after)


def test_every_token_is_different(personas: Personas) -> None:
    secrets = {api_token_create(person=personas.member, name="t")[1] for _ in range(5)}
    assert len(secrets) == 5


def test_it_names_the_field_when_the_name_is_bad(personas: Personas) -> None:
    for name in ("", "   ", "x" * 101):
        with pytest.raises(ValidationError) as exc:
            api_token_create(person=personas.member, name=name)
        assert "name" in exc.value.message_dict
    assert not ApiToken.objects.exists()


def test_someone_without_a_login_gets_no_token(personas: Personas) -> None:
    person = person_create(
        org=personas.org, actor=personas.admin, name="No Login", email="nologin@acme.test"
    )
    with pytest.raises(PermissionDenied):
        api_token_create(person=person, name="t")


def test_a_revoked_token_stops_working_at_once(personas: Personas) -> None:
    token, secret = api_token_create(person=personas.member, name="t")
    api_token_revoke(token=token, actor=personas.member)
    assert token.revoked_at is not None
    assert _authenticate(secret) is None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    # Revoking again changes nothing and records nothing.
    api_token_revoke(token=token, actor=personas.member)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_only_the_owner_may_revoke_a_token(personas: Personas) -> None:
    token, secret = api_token_create(person=personas.member, name="t")
    for actor in (personas.admin, personas.member2, personas.outsider):
        with pytest.raises(PermissionDenied):
            api_token_revoke(token=token, actor=actor)
    assert _authenticate(secret) is not None


def test_deactivating_a_person_stops_their_tokens(personas: Personas) -> None:
    _, secret = api_token_create(person=personas.member, name="t")
    person_deactivate(person=personas.member, actor=personas.admin)
    assert _authenticate(secret) is None


# --- the tokens page ------------------------------------------------------------------------


def test_the_page_lists_only_my_own_tokens(personas: Personas) -> None:
    mine, _ = api_token_create(person=personas.member, name="My script")
    api_token_create(person=personas.member2, name="Noah's script")
    api_token_create(person=personas.outsider, name="Otto's script")
    response = personas.client_for(personas.member).get(personas.url("settings:tokens"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "My script" in html
    assert mine.prefix in html
    assert "Noah" not in html and "Otto" not in html
    assert 'action="' + personas.url("settings:token_revoke", pk=mine.pk) + '"' in html


def test_it_shows_a_new_token_once_and_stores_only_its_hash(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.post(personas.url("settings:tokens"), {"name": "Reporting"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    match = re.search(r'<p class="secret">(mut_[^<]+)</p>', response.content.decode())
    assert match is not None
    secret = match.group(1)
    token = ApiToken.objects.get(person=personas.member)
    assert token.token_hash == hash_secret(secret)
    # The list afterwards shows the token but never its secret again.
    listing = client.get(personas.url("settings:tokens")).content.decode()
    assert "Reporting" in listing
    assert secret not in listing


def test_creating_a_token_without_a_name_names_the_field(personas: Personas) -> None:
    response = personas.client_for(personas.member).post(
        personas.url("settings:tokens"), {"name": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    too_long = personas.client_for(personas.member).post(
        personas.url("settings:tokens"), {"name": "x" * 101}
    )
    assert too_long.status_code == 400
    assert 'value="' + "x" * 101 + '"' in too_long.content.decode()
    assert not ApiToken.objects.exists()


def test_every_role_may_have_tokens(personas: Personas) -> None:
    for person in (personas.admin, personas.manager, personas.facilitator, personas.member):
        response = personas.client_for(person).post(personas.url("settings:tokens"), {"name": "t"})
        assert response.status_code == 200
    assert ApiToken.objects.count() == 4


def test_i_revoke_my_own_token(personas: Personas) -> None:
    token, secret = api_token_create(person=personas.member, name="Old script")
    client = personas.client_for(personas.member)
    response = client.post(personas.url("settings:token_revoke", pk=token.pk), follow=True)
    assert response.redirect_chain == [(personas.url("settings:tokens"), 302)]
    assert "no longer works" in response.content.decode()
    assert "revoked" in response.content.decode()
    assert _authenticate(secret) is None


def test_revoking_needs_post(personas: Personas) -> None:
    token, _ = api_token_create(person=personas.member, name="t")
    response = personas.client_for(personas.member).get(
        personas.url("settings:token_revoke", pk=token.pk)
    )
    assert response.status_code == 405


def test_another_persons_token_is_not_found(personas: Personas) -> None:
    token, secret = api_token_create(person=personas.member, name="t")
    for person in (personas.admin, personas.member2):
        response = personas.client_for(person).post(
            personas.url("settings:token_revoke", pk=token.pk)
        )
        assert response.status_code == 404
    assert _authenticate(secret) is not None


def test_outsiders_see_nothing(personas: Personas) -> None:
    token, _ = api_token_create(person=personas.member, name="t")
    client = personas.client_for(personas.outsider)
    assert client.get(personas.url("settings:tokens")).status_code == 404
    assert client.post(personas.url("settings:tokens"), {"name": "t"}).status_code == 404
    assert client.post(personas.url("settings:token_revoke", pk=token.pk)).status_code == 404
    assert ApiToken.objects.count() == 1


def test_the_list_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = personas.client_for(personas.member)
    api_token_create(person=personas.member, name="first")
    client.get(personas.url("settings:tokens"))
    with CaptureQueriesContext(connection) as few:
        client.get(personas.url("settings:tokens"))
    for i in range(30):
        token, _ = api_token_create(person=personas.member, name=f"t{i}")
        if i % 2:
            token.revoked_at = timezone.now()
            token.save()
    with django_assert_max_num_queries(len(few)):
        response = client.get(personas.url("settings:tokens"))
    assert response.content.decode().count("revoked") >= 15
