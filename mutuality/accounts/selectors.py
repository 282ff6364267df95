"""Reads for account pages that depend on who is looking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mutuality.accounts.models import ApiToken, Invitation, User, hash_secret
from mutuality.orgs.models import Person


class InvitationUnusable(Exception):
    """An invitation link that cannot be used; `gone` tells a dead link from an unknown one."""

    def __init__(self, message: str, *, gone: bool) -> None:
        super().__init__(message)
        self.message = message
        self.gone = gone


def invitation_for_token(*, token: str, for_update: bool = False) -> Invitation:
    """The invitation a link's token opens, if it can still be used.

    Unusable: unknown; already accepted; expired or replaced by a newer invitation; sent
    to an address that is no longer the person's; the person is inactive or can already
    log in. Raises InvitationUnusable with a message for the visitor.
    """
    if not token or len(token) > 200:
        raise InvitationUnusable("This invitation link is not valid.", gone=False)
    invitations = Invitation.objects.select_related("org", "person", "person__org")
    if for_update:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=hash_secret(token)).first()
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid.", gone=False)
    person = invitation.person
    if invitation.accepted_at is not None:
        raise InvitationUnusable(
            "This invitation has already been used. Log in with your email and password.",
            gone=True,
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(
            "This invitation has expired or was replaced by a newer one. "
            "Ask an admin of your organization to invite you again.",
            gone=True,
        )
    if (
        not person.is_active
        or person.user_id is not None
        or person.email.lower() != invitation.email.lower()
    ):
        raise InvitationUnusable(
            "This invitation is no longer valid. Ask an admin of your organization.",
            gone=True,
        )
    return invitation


def account_for_email(*, email: str) -> User | None:
    """The login that already uses this address, if any (a member of another organization)."""
    return User.objects.filter(email__iexact=email).first()


def person_in_org_of(*, viewer: Person, pk: int) -> Person:
    """A person of the viewer's organization, or 404."""
    person = Person.objects.select_related("org", "user").filter(org=viewer.org, pk=pk).first()
    if person is None:
        raise Http404
    return person


def api_tokens_of(*, person: Person) -> QuerySet[ApiToken]:
    """The person's own API tokens in their organization, newest first. Nobody else's."""
    return ApiToken.objects.filter(person=person, org_id=person.org_id).order_by("-created_at")


def api_token_of(*, person: Person, pk: int) -> ApiToken:
    """One of the person's own tokens, or 404 (another person's token does not exist to them)."""
    token = api_tokens_of(person=person).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
