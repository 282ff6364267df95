from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutuality.accounts.models import Invitation, User, hash_secret
from mutuality.accounts.selectors import InvitationUnusable
from mutuality.accounts.services import invitation_accept, invitation_create
from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Person
from mutuality.orgs.services import person_create, person_deactivate, person_update
from mutuality.testing import PASSWORD, Personas, make_user

NEW_PASSWORD = "a long and private passphrase"
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def newcomer(personas: Personas) -> Person:
    return person_create(
        org=personas.org, actor=personas.admin, name="Nia Newcomer", email="nia@acme.test"
    )


def _invite(personas: Personas, person: Person, capture: Capture) -> str:
    """Invite through the service; return the token from the email that went out."""
    before = len(mail.outbox)
    with capture(execute=True):
        invitation_create(person=person, actor=personas.admin)
    assert len(mail.outbox) == before + 1
    match = re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[-1].body)
    assert match is not None
    return match.group(1)


# --- invitation_create ----------------------------------------------------------------------


def test_it_invites_by_email_with_a_link_that_is_stored_only_as_a_hash(
    personas: Personas,
    newcomer: Person,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.SITE_URL = "https://mutuality.example.com"
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["nia@acme.test"]
    assert "Ada Admin invites you to Acme" in message.subject
    assert f"https://mutuality.example.com/accounts/invitation/{token}/" in message.body
    invitation = Invitation.objects.get(person=newcomer)
    assert invitation.token_hash == hash_secret(token)
    assert token not in invitation.token_hash
    assert invitation.email == "nia@acme.test"
    days = (invitation.expires_at - invitation.created_at).days
    assert days == settings.MUTUALITY_INVITATION_DAYS
    event = AuditEvent.objects.get(action="person.invite", object_id=str(newcomer.pk))
    assert event.org == personas.org
    assert event.actor == personas.admin.user


def test_it_sends_the_email_only_after_commit(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_create(person=newcomer, actor=personas.admin)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_only_an_admin_of_the_organization_may_invite(personas: Personas, newcomer: Person) -> None:
    for actor in (personas.member, personas.manager, personas.facilitator, personas.outsider):
        with pytest.raises(PermissionDenied):
            invitation_create(person=newcomer, actor=actor)
    assert not Invitation.objects.exists()


def test_it_refuses_someone_without_an_email(personas: Personas) -> None:
    person = person_create(
        org=personas.org, actor=personas.admin, name="No Mail", employee_id="NM-1"
    )
    with pytest.raises(ValidationError) as exc:
        invitation_create(person=person, actor=personas.admin)
    assert "email" in exc.value.message_dict


def test_it_refuses_someone_who_can_already_log_in(personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        invitation_create(person=personas.member, actor=personas.admin)
    assert "already log in" in exc.value.message_dict["person"][0]


def test_it_refuses_an_inactive_person(personas: Personas, newcomer: Person) -> None:
    person_deactivate(person=newcomer, actor=personas.admin)
    with pytest.raises(ValidationError) as exc:
        invitation_create(person=newcomer, actor=personas.admin)
    assert "inactive" in exc.value.message_dict["person"][0]


def test_inviting_again_makes_the_older_link_stop_working(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    first = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    second = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=first, password=NEW_PASSWORD)
    assert exc.value.gone
    acceptance = invitation_accept(token=second, password=NEW_PASSWORD)
    assert acceptance.created


# --- invitation_accept ------------------------------------------------------------------------


def test_accepting_creates_a_login_linked_to_the_person(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    acceptance = invitation_accept(token=token, password=NEW_PASSWORD)
    newcomer.refresh_from_db()
    assert acceptance.created
    assert newcomer.user == acceptance.user
    assert acceptance.user.email == "nia@acme.test"
    assert acceptance.user.name == "Nia Newcomer"
    assert acceptance.user.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(person=newcomer).accepted_at is not None
    event = AuditEvent.objects.get(action="person.accept_invitation")
    assert event.actor == acceptance.user
    assert event.changed_fields()[-1][0] == "user"


def test_an_invitation_works_only_once(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=token, password="another long passphrase")
    assert exc.value.gone
    assert User.objects.filter(email="nia@acme.test").count() == 1


def test_it_refuses_a_weak_password_and_creates_nothing(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    for weak in ("", "short", "1234567890123", "password1234"):
        with pytest.raises(ValidationError) as exc:
            invitation_accept(token=token, password=weak)
        assert "password" in exc.value.message_dict
    assert not User.objects.filter(email="nia@acme.test").exists()
    assert Invitation.objects.get(person=newcomer).accepted_at is None


def test_an_invitation_expires(
    personas: Personas,
    newcomer: Person,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(days=settings.MUTUALITY_INVITATION_DAYS, seconds=1)
    with time_machine.travel(later), pytest.raises(InvitationUnusable) as exc:
        invitation_accept(token=token, password=NEW_PASSWORD)
    assert exc.value.gone


def test_an_unknown_token_is_not_found(personas: Personas) -> None:
    for token in ("nonsense", "", "x" * 500):
        with pytest.raises(InvitationUnusable) as exc:
            invitation_accept(token=token, password=NEW_PASSWORD)
        assert not exc.value.gone


def test_the_link_stops_working_when_the_persons_email_changes(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    person_update(person=newcomer, actor=personas.admin, email="nia.new@acme.test")
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=token, password=NEW_PASSWORD)


def test_the_link_stops_working_when_the_person_is_deactivated(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    person_deactivate(person=newcomer, actor=personas.admin)
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=token, password=NEW_PASSWORD)


def test_it_links_an_existing_account_without_touching_its_password(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    # Otto already has a login as a member of Globex; Acme invites him too.
    person = person_create(
        org=personas.org, actor=personas.admin, name="Otto at Acme", email="OTTO@globex.test"
    )
    token = _invite(personas, person, django_capture_on_commit_callbacks)
    acceptance = invitation_accept(token=token, password="")
    assert not acceptance.created
    assert acceptance.user == personas.outsider.user
    assert acceptance.user.check_password(PASSWORD)
    person.refresh_from_db()
    assert person.user == personas.outsider.user


def test_it_refuses_to_link_an_account_already_in_the_organization(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    user = make_user("sam@private.test", "Sam")
    person_create(org=personas.org, actor=None, name="Sam", email="sam@acme.test", user=user)
    twin = person_create(
        org=personas.org, actor=personas.admin, name="Sam again", email="sam@private.test"
    )
    token = _invite(personas, twin, django_capture_on_commit_callbacks)
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=token, password="")
    twin.refresh_from_db()
    assert twin.user is None


# --- the invite view --------------------------------------------------------------------------


def test_an_admin_invites_from_the_person_page(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    client = personas.client_for(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(personas.url("settings:invite", pk=newcomer.pk))
    assert response.status_code == 302
    assert response["Location"] == personas.url("orgs:person", pk=newcomer.pk)
    assert len(mail.outbox) == 1
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert flashed == ["Invitation sent to nia@acme.test. The link works for 14 days."]


def test_the_invite_view_explains_why_it_cannot_invite(personas: Personas) -> None:
    person = person_create(
        org=personas.org, actor=personas.admin, name="No Mail", employee_id="NM-1"
    )
    response = personas.client_for(personas.admin).post(
        personas.url("settings:invite", pk=person.pk)
    )
    assert response.status_code == 400
    assert "Add an email address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invite_view_accepts_only_post(personas: Personas, newcomer: Person) -> None:
    response = personas.client_for(personas.admin).get(
        personas.url("settings:invite", pk=newcomer.pk)
    )
    assert response.status_code == 405


def test_the_invite_view_is_for_admins(personas: Personas, newcomer: Person) -> None:
    for person in (personas.member, personas.manager, personas.facilitator):
        response = personas.client_for(person).post(personas.url("settings:invite", pk=newcomer.pk))
        assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_invite_view_is_not_found_for_outsiders(personas: Personas, newcomer: Person) -> None:
    response = personas.client_for(personas.outsider).post(
        personas.url("settings:invite", pk=newcomer.pk)
    )
    assert response.status_code == 404


def test_an_admin_cannot_invite_a_person_of_another_organization(personas: Personas) -> None:
    stranger = person_create(
        org=personas.other_org, actor=None, name="Gil Globex", email="gil@globex.test"
    )
    response = personas.client_for(personas.admin).post(
        personas.url("settings:invite", pk=stranger.pk)
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- the accept page --------------------------------------------------------------------------


def _accept_url(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


def test_the_accept_page_shows_the_organization_and_the_person(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    response = Client().get(_accept_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Acme" in html
    assert "Nia Newcomer" in html
    assert '<label for="id_password">Choose a password</label>' in html


def test_accepting_on_the_page_logs_the_newcomer_in(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    client = Client()
    response = client.post(
        _accept_url(token), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == personas.url("orgs:home")
    newcomer.refresh_from_db()
    assert newcomer.user is not None
    assert client.session["_auth_user_id"] == str(newcomer.user.pk)


def test_the_accept_page_names_the_field_that_is_wrong(
    personas: Personas, newcomer: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    client = Client()
    mismatch = client.post(
        _accept_url(token), {"password": NEW_PASSWORD, "password_again": "something else"}
    )
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["password_again"]
    weak = client.post(_accept_url(token), {"password": "12345", "password_again": "12345"})
    assert weak.status_code == 400
    assert "too short" in " ".join(weak.context["form"].errors["password"])
    missing = client.post(_accept_url(token), {})
    assert missing.status_code == 400
    assert missing.context["form"].errors["password"]
    assert not User.objects.filter(email="nia@acme.test").exists()


def test_the_accept_page_asks_an_existing_account_to_log_in_with_its_password(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    person = person_create(
        org=personas.org, actor=personas.admin, name="Otto at Acme", email="otto@globex.test"
    )
    token = _invite(personas, person, django_capture_on_commit_callbacks)
    client = Client()
    page = client.get(_accept_url(token))
    assert "already have a Mutuality account" in page.content.decode()
    assert "Choose a password" not in page.content.decode()
    response = client.post(_accept_url(token), {"password": "ignored", "password_again": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
    person.refresh_from_db()
    assert person.user == personas.outsider.user
    assert client.post(
        response["Location"], {"username": "otto@globex.test", "password": PASSWORD}
    )["Location"] == personas.url("orgs:home")


def test_an_existing_account_already_logged_in_goes_straight_to_the_organization(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    person = person_create(
        org=personas.org, actor=personas.admin, name="Otto at Acme", email="otto@globex.test"
    )
    token = _invite(personas, person, django_capture_on_commit_callbacks)
    response = personas.client_for(personas.outsider).post(_accept_url(token))
    assert response["Location"] == personas.url("orgs:home")


def test_a_used_or_expired_link_shows_a_clear_page(
    personas: Personas,
    newcomer: Person,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    token = _invite(personas, newcomer, django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(days=settings.MUTUALITY_INVITATION_DAYS + 1)
    with time_machine.travel(later):
        expired = Client().get(_accept_url(token))
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    invitation_accept(token=token, password=NEW_PASSWORD)
    used = Client().post(_accept_url(token), {"password": NEW_PASSWORD})
    assert used.status_code == 410
    assert "already been used" in used.content.decode()


def test_an_unknown_link_is_not_found(db: Any) -> None:
    response = Client().get(_accept_url("no-such-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
