from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mutuality.accounts.models import User
from mutuality.core.models import AuditEvent
from mutuality.testing import PASSWORD, Personas


@pytest.fixture
def operator(db: Any) -> Client:
    User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client = Client()
    client.force_login(User.objects.get(email="root@example.test"))
    return client


def test_a_superuser_may_use_the_django_admin(operator: Client) -> None:
    response = operator.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Mutuality administration" in response.content.decode()


def test_staff_who_are_not_superusers_are_kept_out(personas: Personas) -> None:
    user = personas.admin.user
    assert user is not None
    user.is_staff = True
    user.save()
    for url in (reverse("admin:index"), reverse("admin:core_auditevent_changelist")):
        response = personas.client_for(personas.admin).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_organization_admin_is_kept_out(personas: Personas) -> None:
    response = personas.client_for(personas.admin).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302


def test_a_superuser_creates_a_login_by_email(operator: Client) -> None:
    response = operator.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.test",
            "name": "New Person",
            "usable_password": "true",
            "password1": "a long and private passphrase",
            "password2": "a long and private passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.check_password("a long and private passphrase")
    assert user.password.startswith("md5$")  # hashed by the configured hasher, never plain


def test_it_refuses_a_second_account_that_differs_only_by_case(
    operator: Client, personas: Personas
) -> None:
    response = operator.post(
        reverse("admin:accounts_user_add"),
        {"email": "MIA@acme.test", "name": "Copy", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="mia@acme.test").count() == 1


def test_the_change_page_shows_the_password_hash_read_only(
    operator: Client, personas: Personas
) -> None:
    user = personas.member.user
    assert user is not None
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = operator.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="password"' not in html
    assert user.password not in html
    response = operator.post(
        url,
        {
            "email": "mia.m@acme.test",
            "name": "Mia M",
            "is_active": "on",
            "last_login_0": "",
            "date_joined_0": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "mia.m@acme.test"
    assert user.check_password(PASSWORD)


def test_audit_events_can_be_read_but_never_changed(operator: Client, personas: Personas) -> None:
    event = AuditEvent.objects.filter(org=personas.org).first()
    assert event is not None
    assert operator.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = operator.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert operator.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert operator.post(change_url, {"action": "tampered"}).status_code == 403
    assert (
        operator.post(
            reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.action != "tampered"
    assert AuditEvent.objects.filter(pk=event.pk).exists()
