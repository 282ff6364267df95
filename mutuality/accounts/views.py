"""Account pages: log in and out, passwords, invitations, personal API tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from mutuality.accounts.forms import (
    ApiTokenForm,
    EmailLoginForm,
    EmailPasswordResetForm,
    NewPasswordForm,
)
from mutuality.accounts.middleware import SESSION_EXPIRED
from mutuality.accounts.selectors import (
    InvitationUnusable,
    account_for_email,
    api_token_of,
    api_tokens_of,
    invitation_for_token,
    person_in_org_of,
)
from mutuality.accounts.services import (
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
)
from mutuality.orgs.models import Role
from mutuality.orgs.tenancy import OrgRequest, org_view

admins_only = org_view(roles=[Role.ADMIN])

# The backend that checks passwords; named when logging someone in without one (invitation).
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's {"field": messages} on the form's fields (or on the form)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- logging in and out, passwords ---------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(SESSION_EXPIRED, False)
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # The link in the email uses the configured public address, not the request's Host.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- invitations -------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password", "password_again")
@csrf_protect
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Show who is invited where; create their login, or link the one they already have."""
    try:
        invitation = invitation_for_token(token=token)
    except InvitationUnusable as exc:
        return _invitation_unusable(request, exc)
    existing = account_for_email(email=invitation.email)
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (existing is not None or form.is_valid()):
        password = "" if existing is not None else form.cleaned_data["password"]
        try:
            acceptance = invitation_accept(token=token, password=password)
        except InvitationUnusable as exc:
            return _invitation_unusable(request, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            home = reverse("orgs:home", kwargs={"org": acceptance.person.org.slug})
            if acceptance.created:
                login(request, acceptance.user, backend=LOGIN_BACKEND)
                messages.success(request, f"Welcome to {acceptance.person.org.name}.")
                return redirect(home)
            if request.user.is_authenticated and request.user.pk == acceptance.user.pk:
                messages.success(request, f"You have joined {acceptance.person.org.name}.")
                return redirect(home)
            messages.success(
                request,
                f"You have joined {acceptance.person.org.name}. "
                "Log in with the password of your existing Mutuality account.",
            )
            return redirect(f"{reverse('login')}?{urlencode({'next': home})}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "existing": existing, "form": form},
        status=status,
    )


def _invitation_unusable(request: HttpRequest, exc: InvitationUnusable) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"message": exc.message},
        status=410 if exc.gone else 404,
    )


@admins_only
def invite(request: OrgRequest, pk: int) -> HttpResponse:
    """Send (or send again) a person's invitation, then go back to their page."""
    person = person_in_org_of(viewer=request.person, pk=pk)
    # Checked after the lookup, so another organization's id is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        invitation = invitation_create(person=person, actor=request.person)
    except ValidationError as exc:
        return render(
            request,
            "accounts/invite_failed.html",
            {"person": person, "errors": exc.message_dict},
            status=400,
        )
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. "
        f"The link works for {settings.MUTUALITY_INVITATION_DAYS} days.",
    )
    return redirect("orgs:person", org=request.org.slug, pk=person.pk)


# --- personal API tokens ----------------------------------------------------------------------


@org_view
@never_cache
def tokens(request: OrgRequest) -> HttpResponse:
    """My API tokens in this organization; creating one shows its secret on the next page only."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(person=request.person, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": api_tokens_of(person=request.person)},
        status=status,
    )


@org_view
def token_revoke(request: OrgRequest, pk: int) -> HttpResponse:
    token = api_token_of(person=request.person, pk=pk)
    # After the lookup: someone else's token is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    api_token_revoke(token=token, actor=request.person)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("settings:tokens", org=request.org.slug)
