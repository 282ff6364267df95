"""Forms for logging in, accepting an invitation and naming an API token.

Forms only parse input; the rules live in accounts.services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_text_html


class EmailLoginForm(AuthenticationForm):
    """Log in with an email address. The field keeps the name `username` (axes reads it)."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": (
            "That email and password do not match an account. Check both and try again."
        ),
        "inactive": "This account is switched off. Ask an admin of your organization.",
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; "Ada@Acme.test" is the same person (and the
        # same lock-out counter).
        return str(self.cleaned_data["username"]).strip().lower()


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class NewPasswordForm(forms.Form):
    """A password chosen when accepting an invitation (checked by the service)."""

    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label="Type it again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password"), data.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", "The two passwords differ. Type the same one twice.")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as “Reporting script”, so you can tell tokens apart.",
    )
