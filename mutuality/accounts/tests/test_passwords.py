from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from mutuality.accounts.models import User
from mutuality.testing import PASSWORD, Personas

NEW_PASSWORD = "a brand new long passphrase"


def test_it_sends_a_reset_link_built_from_the_site_url(personas: Personas, settings: Any) -> None:
    settings.SITE_URL = "https://mutuality.example.com"
    response = Client().post(reverse("password_reset"), {"email": "Mia@Acme.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mia@acme.test"]
    assert "https://mutuality.example.com/accounts/password/reset/" in mail.outbox[0].body


def test_it_resets_a_password_through_the_emailed_link(personas: Personas) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": "mia@acme.test"})
    match = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert match is not None
    # Django moves the token into the session and redirects to a token-free URL.
    form_page = client.get(match.group(1), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 200
    assert mismatch.context["form"].errors["new_password2"]

    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    user = User.objects.get(email="mia@acme.test")
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(match.group(1), follow=True)
    assert "already been used or is too old" in again.content.decode()


def test_it_does_not_reveal_whether_an_address_has_an_account(db: Any) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@nowhere.test"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_it_names_the_email_field_when_the_reset_address_is_invalid(db: Any) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_it_shows_the_reset_form_with_an_email_field(db: Any) -> None:
    page = Client().get(reverse("password_reset"))
    assert page.status_code == 200
    assert '<label for="id_email">Email</label>' in page.content.decode()


def test_it_changes_a_password_when_the_old_one_is_right(personas: Personas) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "mia@acme.test", "password": PASSWORD})
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    assert User.objects.get(email="mia@acme.test").check_password(NEW_PASSWORD)
    # Still logged in after the change.
    assert client.get(reverse("password_change_done")).status_code == 200


def test_it_refuses_a_password_change_with_a_wrong_old_password(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(email="mia@acme.test").check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_changing_a_password_needs_a_login(db: Any) -> None:
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
