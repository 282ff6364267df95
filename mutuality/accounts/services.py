"""Changes to accounts: invitations and personal API tokens.

Every service runs in one transaction, checks the actor's right to act, validates, writes
an audit event and sends email only after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mutuality.accounts.models import ApiToken, Invitation, User, hash_secret, new_secret
from mutuality.accounts.selectors import (
    InvitationUnusable,
    account_for_email,
    invitation_for_token,
)
from mutuality.core.audit import audit_event, audit_record
from mutuality.core.models import AuditEvent
from mutuality.orgs.departures import Leaving
from mutuality.orgs.models import Person, Role

logger = logging.getLogger(__name__)

API_TOKEN_PREFIX = "mut_"  # noqa: S105 - a public marker, not a secret
# Shown in lists so people can tell their tokens apart; far too short to guess the rest.
API_TOKEN_SHOWN_CHARS = 8


# --- invitations -------------------------------------------------------------------------------


def _send_invitation_email(*, invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related("org", "person", "created_by").get(
        pk=invitation_id
    )
    context = {
        "org": invitation.org,
        "person": invitation.person,
        "inviter": invitation.created_by.display_name if invitation.created_by else "An admin",
        "link": link,
        "expires_at": invitation.expires_at,
    }
    subject = "".join(
        render_to_string("accounts/email/invitation_subject.txt", context).splitlines()
    )
    body = render_to_string("accounts/email/invitation.txt", context)
    try:
        EmailMessage(subject, body, to=[invitation.email]).send()
    except Exception:
        # The invitation is saved; an admin can send it again. A mail server being down
        # must not turn into an error page.
        logger.exception("Failed to send invitation %s", invitation_id)


@transaction.atomic
def invitation_create(*, person: Person, actor: Person) -> Invitation:
    """Invite a person by email to create their login, or to link the one they already have.

    Admins only, for a person of their own organization who is active, has an email and
    cannot log in yet. Re-inviting makes every older unused link stop working. The link
    expires after settings.MUTUALITY_INVITATION_DAYS; only a hash of its token is stored.
    """
    if actor.role != Role.ADMIN or actor.org_id != person.org_id:
        raise PermissionDenied("Only an admin of this organization can invite people.")
    if not person.is_active:
        raise ValidationError({"person": "This person is inactive. Reactivate them first."})
    if person.user_id is not None:
        raise ValidationError({"person": "This person can already log in."})
    if not person.email:
        raise ValidationError({"email": "Add an email address for this person first."})
    now = timezone.now()
    replaced = person.invitations.filter(accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    secret = new_secret()
    invitation = Invitation.objects.create(
        org_id=person.org_id,
        person=person,
        token_hash=hash_secret(secret),
        email=person.email,
        created_by=actor.user,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.MUTUALITY_INVITATION_DAYS),
    )
    audit_record(
        org=person.org,
        actor=actor.user,
        action="person.invite",
        obj=person,
        after={
            "invited_email": person.email,
            "invitation_expires_at": invitation.expires_at.isoformat(),
            "older_invitations_replaced": replaced,
        },
    )
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": secret})
    transaction.on_commit(
        lambda: _send_invitation_email(invitation_id=invitation.pk, link=link), robust=True
    )
    return invitation


@dataclass(frozen=True)
class Acceptance:
    """The outcome of accepting: `created` is False when an existing login was linked."""

    person: Person
    user: User
    created: bool


@transaction.atomic
def invitation_accept(*, token: str, password: str = "") -> Acceptance:
    """Use an invitation: create the person's login with `password`, or link an existing one.

    The link must be usable (see invitation_for_token) and works once. When a login with the
    person's email already exists (a member of another organization), it is linked and no
    password is set: they log in with the one they have. Otherwise the password must pass
    the configured validators.
    """
    invitation = invitation_for_token(token=token, for_update=True)
    person = invitation.person
    user = account_for_email(email=invitation.email)
    created = user is None
    if user is None:
        if not password:
            raise ValidationError({"password": "Choose a password."})
        candidate = User(email=invitation.email, name=person.name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user = User.objects.create_user(email=invitation.email, password=password, name=person.name)
    elif Person.objects.filter(org_id=person.org_id, user=user).exists():
        raise InvitationUnusable(
            "Your account already belongs to this organization. Log in to reach it.", gone=True
        )
    now = timezone.now()
    person.user = user
    person.updated_at = now
    person.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        org=person.org,
        actor=user,
        action="person.accept_invitation",
        obj=person,
        before={"user": None},
        after={"user": user.pk, "new_account": created},
    )
    return Acceptance(person=person, user=user, created=created)


# --- personal API tokens ----------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Issue a personal API token acting as `person` in their organization.

    The person must be active and able to log in; the name is required (up to 100
    characters). Returns the token and its secret: the secret is shown once and only its
    hash is stored.
    """
    if not person.is_active or person.user_id is None:
        raise PermissionDenied("Only an active member with a login can have API tokens.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name."})
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name to 100 characters or fewer."})
    secret = API_TOKEN_PREFIX + new_secret()
    token = ApiToken.objects.create(
        person=person,
        org_id=person.org_id,
        name=name,
        prefix=secret[:API_TOKEN_SHOWN_CHARS],
        token_hash=hash_secret(secret),
    )
    audit_record(
        org=person.org,
        actor=person.user,
        action="api_token.create",
        obj=token,
        label=f"API token “{name}” of {person.name}",
        after={"name": name, "prefix": token.prefix, "person": person.pk},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Person) -> ApiToken:
    """Stop a token from working, at once and for good. Only its owner may revoke it."""
    if token.person_id != actor.pk:
        raise PermissionDenied("You can revoke only your own API tokens.")
    if token.revoked_at is not None:
        return token
    _revoke(token, owner=actor, actor=actor)
    return token


def api_tokens_revoke_for_leavers(leaving: Leaving) -> None:
    """Stop every API token of the people who left, with an audit event for each.

    Registered with `mutuality.orgs.departures` (apps.py): the orgs services call it when
    they deactivate people, one at a time or many in a full import.
    """
    names = {p.pk: p.name for p in leaving.people}
    ids = sorted(names)
    for start in range(0, len(ids), 500):
        tokens = list(
            ApiToken.objects.filter(person_id__in=ids[start : start + 500], revoked_at__isnull=True)
            .only("pk", "name", "person_id")
            .order_by("pk")
        )
        if not tokens:
            continue
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=leaving.at)
        AuditEvent.objects.bulk_create(
            [
                audit_event(
                    org=leaving.org,
                    actor=leaving.actor_user,
                    action="api_token.revoke",
                    obj=token,
                    label=f"API token “{token.name}” of {names[token.person_id]}",
                    before={"revoked_at": None},
                    after={"revoked_at": leaving.at.isoformat()},
                    at=leaving.at,
                )
                for token in tokens
            ]
        )


def _revoke(token: ApiToken, *, owner: Person, actor: Person | None) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        org=owner.org,
        actor=actor.user if actor is not None else None,
        action="api_token.revoke",
        obj=token,
        label=f"API token “{token.name}” of {owner.name}",
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at.isoformat()},
    )
