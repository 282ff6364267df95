"""Test personas, in one place, so every test can check ownership and roles in one line.

`Personas` is one organization ("Acme") with an admin, a manager who leads a unit, two
members who report to the manager, and a facilitator; plus an outsider who belongs only
to another organization ("Globex"). Everything is built through the real services.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.test import Client

from mutuality.accounts.middleware import SESSION_RENEWED_AT
from mutuality.accounts.models import User
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.services import organization_create, person_create, unit_create

PASSWORD = "correct horse battery staple"  # noqa: S105 - test fixture


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


@dataclass
class Personas:
    org: Organization
    other_org: Organization
    root_unit: Unit
    unit: Unit
    other_unit: Unit
    admin: Person
    manager: Person
    member: Person
    member2: Person
    facilitator: Person
    outsider: Person
    _clients: dict[int, Client] = field(default_factory=dict)

    def client_for(self, person: Person) -> Client:
        """A test client logged in as `person`'s account.

        Its session is as in the middle of a visit (just renewed, already in `person`'s
        organization): a query count taken on its first page is then the count of every
        page (a session is written only when it changes, or to renew it, at most once a
        minute: accounts/middleware.py).
        """
        if person.pk not in self._clients:
            client = Client()
            assert person.user is not None
            client.force_login(person.user)
            session = client.session
            session[SESSION_RENEWED_AT] = int(time.time())
            session["last_org"] = person.org.slug
            session.save()
            self._clients[person.pk] = client
        return self._clients[person.pk]

    def url(self, name: str, **kwargs: object) -> str:
        from django.urls import reverse

        return reverse(name, kwargs={"org": self.org.slug, **kwargs})


def build_personas() -> Personas:
    org = organization_create(name="Acme", slug="acme")
    other_org = organization_create(name="Globex", slug="globex")

    def person(
        o: Organization, name: str, email: str, role: str = Role.MEMBER, **kw: object
    ) -> Person:
        return person_create(
            org=o,
            actor=None,
            name=name,
            email=email,
            role=role,
            user=make_user(email, name),
            **kw,  # type: ignore[arg-type]
        )

    admin = person(org, "Ada Admin", "ada@acme.test", Role.ADMIN, title="People team")
    root_unit = unit_create(org=org, actor=None, name="Acme HQ")
    manager = person(
        org, "Max Manager", "max@acme.test", title="Head of Support", manager=admin, unit=root_unit
    )
    unit = unit_create(org=org, actor=None, name="Support", parent=root_unit, leads=[manager])
    other_unit = unit_create(org=org, actor=None, name="Finance", parent=root_unit)
    member = person(
        org, "Mia Member", "mia@acme.test", title="Support engineer", manager=manager, unit=unit
    )
    member2 = person(
        org, "Noah Member", "noah@acme.test", title="Support engineer", manager=manager, unit=unit
    )
    facilitator = person(
        org, "Fay Facilitator", "fay@acme.test", Role.FACILITATOR, title="Coach", unit=root_unit
    )
    outsider = person(other_org, "Otto Outsider", "otto@globex.test", Role.ADMIN)
    return Personas(
        org=org,
        other_org=other_org,
        root_unit=root_unit,
        unit=unit,
        other_unit=other_unit,
        admin=admin,
        manager=manager,
        member=member,
        member2=member2,
        facilitator=facilitator,
        outsider=outsider,
    )


def api_token_for(person: Person, *, name: str = "Test token") -> str:
    """A fresh personal API token for `person` in their organization; returns the secret."""
    from mutuality.accounts.models import ApiToken, hash_secret, new_secret

    secret = new_secret()
    ApiToken.objects.create(
        person=person,
        org_id=person.org_id,
        name=name,
        prefix=secret[:8],
        token_hash=hash_secret(secret),
    )
    return secret


def api_client_for(person: Person) -> Client:
    """A test client that sends a fresh API token of `person` with every request."""
    return Client(headers={"Authorization": f"Bearer {api_token_for(person)}"})
