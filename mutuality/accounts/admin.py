"""Logins in the Django admin (superusers only, see core.admin). Passwords only as hashes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from mutuality.accounts.models import ApiToken, Invitation, User


def _clean_email(form: forms.ModelForm[User]) -> str:
    # Logins are looked up by lower-case address; two accounts must not differ by case only.
    email = str(form.cleaned_data["email"]).strip().lower()
    others = User.objects.filter(email__iexact=email).exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError("Another account already uses this email address.")
    return email


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")

    def clean_email(self) -> str:
        return _clean_email(self)


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = ("email", "name", "is_active", "is_staff", "is_superuser")

    def clean_email(self) -> str:
        return _clean_email(self)


@admin.register(User)
# The stubs bind UserAdmin to AbstractUser; ours is an AbstractBaseUser with an email login.
class UserAdmin(DjangoUserAdmin[Any]):
    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    ordering = ("email",)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Secrets are stored as hashes and made in the app; here they are only looked at."""

    exclude = ("token_hash",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("person", "org", "email", "created_at", "expires_at", "accepted_at")
    list_select_related = ("person", "org")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "person", "org", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("person", "org")
