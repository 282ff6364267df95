"""No page of an organization opens, or changes, an object of another organization.

The URLconf is walked (through every include), and every route under /o/<org>/ that takes
an object id is requested with the ids of objects of every kind built in the *other*
organization, by the most powerful insider there is (an admin), with GET and with POST,
and must answer 404 and change nothing in the database. A route whose id kwarg this
file does not know fails `test_every_object_route_is_mapped_to_a_kind`, so a new view
forces its author to say what it takes (and thereby to have it tested here).

The API has the same sweep in test_api_no_object_of_another_org.py, which builds its
objects with `build_world` below.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from mutuality.accounts.models import ApiToken, Invitation
from mutuality.accounts.services import api_token_create, invitation_create
from mutuality.commitments.commitments import services as commitment_services
from mutuality.commitments.commitments.workflow import ANSWER_MOVES as COMMITMENT_MOVES
from mutuality.commitments.issues import services as issue_services
from mutuality.commitments.issues.workflow import PERSON_MOVES as ISSUE_MOVES
from mutuality.commitments.models import Commitment, Issue
from mutuality.orgs.models import Organization, Person, Role
from mutuality.orgs.services import person_create, person_deactivate, unit_create, unit_deactivate
from mutuality.testing import Personas, make_user

ORG_PREFIX = "o/<slug:org>/"

# --- the kinds of object, and which URL kwarg takes which ------------------------------------

PERSON = "person"
UNIT = "unit"
COMMITMENT = "commitment"
ISSUE = "issue"
API_TOKEN = "api token"
INVITATION = "invitation"
KINDS = (PERSON, UNIT, COMMITMENT, ISSUE, API_TOKEN, INVITATION)

# Every object id a route under /o/<org>/ takes: {url name: {kwarg: kind}}. A new route with
# an id fails the mapping test until it is listed here (and so is swept below).
OBJECT_KWARGS: dict[str, dict[str, str]] = {
    "orgs:person": {"pk": PERSON},
    "orgs:person_edit": {"pk": PERSON},
    "orgs:person_deactivate": {"pk": PERSON},
    "orgs:person_reactivate": {"pk": PERSON},
    "orgs:unit": {"pk": UNIT},
    "orgs:unit_edit": {"pk": UNIT},
    "orgs:unit_deactivate": {"pk": UNIT},
    "settings:token_revoke": {"pk": API_TOKEN},
    # The invitation is sent to a person: the id is the person's, not an invitation's.
    "settings:invite": {"pk": PERSON},
    "commitments:detail": {"pk": COMMITMENT},
    "commitments:move": {"pk": COMMITMENT},
    "issues:detail": {"pk": ISSUE},
    "issues:move": {"pk": ISSUE},
    "ledger:person": {"pk": PERSON},
    "ledger:unit": {"pk": UNIT},
}

# Int kwargs that are not object ids, each with the reason. None today.
NOT_OBJECT_INT_KWARGS: dict[tuple[str, str], str] = {}

# Other kwargs (not ids, not the org): every value the view accepts, so that each request
# reaches the object lookup instead of stopping at an unknown value.
VALUE_KWARGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("commitments:move", "move"): tuple(COMMITMENT_MOVES),
    ("issues:move", "move"): tuple(ISSUE_MOVES),
}

# Rows a request may legitimately write: the viewer's own session (it remembers the last
# organization visited). Everything else in the database must stay as it was.
NOT_SNAPSHOTTED: frozenset[type[models.Model]] = frozenset({Session})
# Columns a request may legitimately write: an API token records when it was last used (the
# caller's own token, by the API's authentication).
NOT_SNAPSHOTTED_COLUMNS: dict[str, frozenset[str]] = {
    "accounts.ApiToken": frozenset({"last_used_at"})
}


# --- walking the URLconf ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "orgs:person"
    route: str  # "o/<slug:org>/people/<int:pk>/"
    kwargs: dict[str, Any]  # kwarg -> converter

    def int_kwargs(self) -> list[str]:
        return [
            k
            for k, conv in self.kwargs.items()
            if isinstance(conv, IntConverter) or k in ("pk", "id") or k.endswith(("_id", "_pk"))
        ]

    def other_kwargs(self) -> list[str]:
        return [k for k in self.kwargs if k != "org" and k not in self.int_kwargs()]


def org_routes() -> list[Route]:
    """Every route under /o/<org>/, with its namespaced name and its kwargs' converters."""
    found: list[Route] = []

    def visit(
        patterns: list[URLPattern | URLResolver],
        prefix: str,
        ns: tuple[str, ...],
        converters: dict[str, Any],
    ) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            # A regex route hides its kwargs' types from this test: say so loudly.
            if not isinstance(entry.pattern, RoutePattern) and route.startswith(ORG_PREFIX):
                raise AssertionError(f"{route}: use path(), not re_path(), under /o/<org>/")
            own = dict(getattr(entry.pattern, "converters", {}))
            if isinstance(entry, URLResolver):
                inner_ns = (*ns, entry.namespace) if entry.namespace else ns
                visit(entry.url_patterns, route, inner_ns, {**converters, **own})
            elif route.startswith(ORG_PREFIX):
                name = ":".join((*ns, entry.name or f"<unnamed {route}>"))
                found.append(Route(name=name, route=route, kwargs={**converters, **own}))

    visit(get_resolver().url_patterns, "", (), {})
    return sorted(found, key=lambda r: r.name)


def object_routes() -> list[Route]:
    return [
        r
        for r in org_routes()
        if any((r.name, k) not in NOT_OBJECT_INT_KWARGS for k in r.int_kwargs())
    ]


# --- one organization's objects of every kind ------------------------------------------------


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@dataclass
class World:
    """One organization's objects of every kind, built through the real services.

    `objects[kind][0]` is one its admin may open (the control requests use it); the
    others are variations: a person without a login, an inactive one, a retired unit, a
    commitment and an issue between two members that even the admin may not see.
    """

    org: Organization
    admin: Person
    facilitator: Person
    objects: dict[str, list[models.Model]]
    # Names, titles and addresses that must never reach a viewer of another organization.
    secrets: list[str]

    def ids(self, kind: str) -> list[int]:
        return [obj.pk for obj in self.objects[kind]]


def build_world(org: Organization, admin: Person) -> World:
    """Objects of every kind in `org` (whose admin is `admin`), named after the organization."""
    tag = org.name
    slug = org.slug

    def person(name: str, role: str = Role.MEMBER, login: bool = True, **kw: Any) -> Person:
        email = f"{name.lower().replace(' ', '.')}@{slug}.test"
        return person_create(
            org=org,
            actor=admin,
            name=name,
            email=email,
            role=role,
            user=make_user(email, name) if login else None,
            **kw,
        )

    root = unit_create(org=org, actor=admin, name=f"{tag} Operations")
    manager = person(f"{tag} Manager", title=f"{tag} head of logistics", unit=root)
    unit = unit_create(org=org, actor=admin, name=f"{tag} Logistics", parent=root, leads=[manager])
    member = person(f"{tag} Member", manager=manager, unit=unit)
    member2 = person(f"{tag} Colleague", manager=manager, unit=unit)
    facilitator = person(f"{tag} Facilitator", Role.FACILITATOR, unit=root)
    invitee = person(f"{tag} Invitee", login=False, unit=unit)
    former = person(f"{tag} Former", manager=manager, unit=unit)
    person_deactivate(person=former, actor=admin)
    retired = unit_create(org=org, actor=admin, name=f"{tag} Retired desk", parent=root)
    unit_deactivate(unit=retired, actor=admin)

    def ask(title: str, requester: Person, **kw: Any) -> Commitment:
        return commitment_services.commitment_request(
            org=org,
            requester=requester,
            title=title,
            conditions=f"{title}: conditions",
            due_date=days(14),
            **kw,
        )

    of_unit = ask(f"{tag} asks its logistics unit", admin, performer_unit=unit)
    of_person = ask(f"{tag} asks a member", admin, performer=member)
    of_person = commitment_services.commitment_move(
        commitment=of_person, actor=member, move="promise", expected_version=of_person.version
    )
    between_members = ask(f"{tag} member asks a colleague", member, performer=member2)

    def raise_issue(title: str, raiser: Person, **kw: Any) -> Issue:
        return issue_services.issue_raise(
            org=org, raiser=raiser, title=title, description=f"{title}: details", **kw
        )

    with_person = raise_issue(f"{tag} issue with a member", admin, addressee=member)
    with_unit = raise_issue(f"{tag} issue with the unit", admin, unit=unit)
    private_issue = raise_issue(f"{tag} issue between members", member, addressee=member2)

    admin_token, _ = api_token_create(person=admin, name=f"{tag} admin's script")
    member_token, _ = api_token_create(person=member, name=f"{tag} member's script")
    invitation = invitation_create(person=invitee, actor=admin)

    objects: dict[str, list[models.Model]] = {
        PERSON: [member, manager, invitee, former, facilitator, admin],
        UNIT: [unit, root, retired],
        COMMITMENT: [of_unit, of_person, between_members],
        ISSUE: [with_person, with_unit, private_issue],
        API_TOKEN: [admin_token, member_token],
        INVITATION: [invitation],
    }
    assert set(objects) == set(KINDS)
    secrets = [tag]
    for obj in itertools.chain.from_iterable(objects.values()):
        for attr in ("name", "title", "email"):
            value = getattr(obj, attr, "")
            if value:
                secrets.append(value)
    return World(
        org=org,
        admin=admin,
        facilitator=facilitator,
        objects=objects,
        secrets=sorted(set(secrets)),
    )


@pytest.fixture
def acme(personas: Personas) -> World:
    return build_world(personas.org, personas.admin)


@pytest.fixture
def globex(personas: Personas) -> World:
    return build_world(personas.other_org, personas.outsider)


def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (but the sessions), to prove a request changed nothing."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_SNAPSHOTTED:
            continue
        label = model._meta.label
        skip = NOT_SNAPSHOTTED_COLUMNS.get(label, frozenset())
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        snapshot[label] = list(model._default_manager.order_by("pk").values(*columns))
    return snapshot


def changed_tables(before: dict[str, list[dict[str, Any]]]) -> list[str]:
    after = database_snapshot()
    return sorted(label for label in before if before[label] != after[label])


# --- the requests ----------------------------------------------------------------------------


def post_body(obj: models.Model, viewer_world: World) -> dict[str, Any]:
    """Fields that every form behind an object route would accept, were the object visible.

    Moves take the object's version and whatever the move needs; edit forms a name and a
    role; ids inside the body are of the viewer's own organization.
    """
    return {
        "version": getattr(obj, "version", 1),
        "note": "Changed from another organization.",
        "reason": "Changed from another organization.",
        "terms": "Changed from another organization.",
        "resolution": "Changed from another organization.",
        "due_date": days(21).isoformat(),
        "answer_by": days(3).isoformat(),
        "facilitator": viewer_world.facilitator.pk,
        "name": "Renamed from another organization",
        "email": "renamed@elsewhere.test",
        "title": "Renamed from another organization",
        "description": "Changed from another organization.",
        "role": Role.MEMBER,
    }


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    route: str
    obj: models.Model

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url} ({self.route}, {type(self.obj).__name__})"


def calls(slug: str, world: World, *, only_first: bool = False) -> Iterator[Call]:
    """Every object route in organization `slug`, filled with each of `world`'s objects."""
    for route in object_routes():
        kinds = OBJECT_KWARGS[route.name]
        values = [VALUE_KWARGS[(route.name, k)] for k in route.other_kwargs()]
        for combo in itertools.product(*values):
            fixed = dict(zip(route.other_kwargs(), combo, strict=True))
            for kwarg, kind in kinds.items():
                objs = world.objects[kind][:1] if only_first else world.objects[kind]
                for obj in objs:
                    url = reverse(route.name, kwargs={"org": slug, kwarg: obj.pk, **fixed})
                    for method in ("get", "post"):
                        yield Call(method=method, url=url, route=route.name, obj=obj)


def send(client: Client, call: Call, body: dict[str, Any]) -> Any:
    if call.method == "post":
        return client.post(call.url, data=body)
    return client.get(call.url)


def sweep(
    client: Client,
    slug: str,
    victim: World,
    viewer_world: World,
    check: Callable[[Call, Any], str | None],
) -> tuple[int, list[str]]:
    """Send every call; return how many were sent and what went wrong."""
    baseline = database_snapshot()
    problems: list[str] = []
    sent = 0
    for call in calls(slug, victim):
        response = send(client, call, post_body(call.obj, viewer_world))
        sent += 1
        problem = check(call, response)
        if problem:
            problems.append(f"{call}: {problem}")
        changed = changed_tables(baseline)
        if changed:
            problems.append(f"{call}: changed {', '.join(changed)}")
            baseline = database_snapshot()
    if mail.outbox:
        problems.append(f"{len(mail.outbox)} email(s) sent: {[m.subject for m in mail.outbox]}")
    return sent, problems


def not_found_revealing_nothing(secrets: list[str]) -> Callable[[Call, Any], str | None]:
    def check(call: Call, response: Any) -> str | None:
        if response.status_code != 404:
            return f"answered {response.status_code}, not 404"
        body = body_of(response)
        shown = [s for s in secrets if s in body]
        return f"shows {shown}" if shown else None

    return check


# --- the tests -------------------------------------------------------------------------------


def test_every_object_route_is_mapped_to_a_kind() -> None:
    problems = []
    routes = {r.name: r for r in org_routes()}
    for route in routes.values():
        if route.name.split(":")[-1].startswith("<unnamed"):
            problems.append(f"{route.route} has no name")
        ids = [k for k in route.int_kwargs() if (route.name, k) not in NOT_OBJECT_INT_KWARGS]
        mapped = OBJECT_KWARGS.get(route.name, {})
        for kwarg in ids:
            if kwarg not in mapped:
                problems.append(
                    f"{route.name} ({route.route}) takes an id `{kwarg}` of an unknown kind: "
                    "add it to OBJECT_KWARGS (and build that kind in build_world)"
                )
        for kwarg in mapped:
            if kwarg not in ids:
                problems.append(f"OBJECT_KWARGS names `{kwarg}`, which {route.name} lacks")
        for kwarg in route.other_kwargs():
            if (route.name, kwarg) not in VALUE_KWARGS:
                problems.append(
                    f"{route.name} ({route.route}) takes `{kwarg}`: list its values in VALUE_KWARGS"
                )
    for name in OBJECT_KWARGS:
        if name not in routes:
            problems.append(f"OBJECT_KWARGS lists {name}, which is no longer a route")
    for name, _kwarg in itertools.chain(VALUE_KWARGS, NOT_OBJECT_INT_KWARGS):
        if name not in routes:
            problems.append(f"{name} is listed but is no longer a route")
    for kinds in OBJECT_KWARGS.values():
        problems.extend(f"unknown kind {k!r}" for k in kinds.values() if k not in KINDS)

    assert not problems, "\n".join(problems)
    assert len(object_routes()) >= 15


def test_each_kind_exists_in_both_organizations_and_only_there(acme: World, globex: World) -> None:
    for kind in KINDS:
        assert acme.objects[kind] and globex.objects[kind], kind
        assert not set(acme.ids(kind)) & set(globex.ids(kind)), kind
    for obj in itertools.chain.from_iterable(globex.objects.values()):
        assert getattr(obj, "org_id", None) == globex.org.pk, obj
    assert Invitation.objects.filter(org=globex.org).count() == 1
    assert ApiToken.objects.filter(org=globex.org).count() >= 2


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_each_route_opens_its_own_organizations_object(
    personas: Personas, acme: World, globex: World, who: str
) -> None:
    """The control: an admin's own object is found (whatever else the answer says), so the
    404s below come from the organization, not from a wrongly filled URL."""
    world = acme if who == "acme" else globex
    client = personas.client_for(world.admin)
    problems = []
    for call in calls(world.org.slug, world, only_first=True):
        response = send(client, call, post_body(call.obj, world))
        if response.status_code == 404 or response.status_code >= 500:
            problems.append(f"{call}: answered {response.status_code}")
    assert not problems, "\n".join(problems)


def test_an_admin_finds_no_object_of_another_organization_under_their_own(
    personas: Personas, acme: World, globex: World
) -> None:
    client = personas.client_for(personas.admin)

    sent, problems = sweep(
        client, acme.org.slug, globex, acme, not_found_revealing_nothing(globex.secrets)
    )

    assert not problems, "\n".join(problems)
    assert sent >= 200


def test_the_other_organizations_admin_finds_none_of_acmes_objects(
    personas: Personas, acme: World, globex: World
) -> None:
    """Globex's admin, with Acme's ids: under /o/acme/ (not theirs) and under /o/globex/."""
    client = personas.client_for(personas.outsider)
    check = not_found_revealing_nothing(acme.secrets)

    sent_there, problems_there = sweep(client, acme.org.slug, acme, globex, check)
    sent_home, problems_home = sweep(client, globex.org.slug, acme, globex, check)

    assert not problems_there + problems_home, "\n".join(problems_there + problems_home)
    assert sent_there == sent_home >= 200


# --- ids in query strings --------------------------------------------------------------------

# Query parameters the pages without an id in their path read as object ids: {name: kind}.
# (A query string is not in the URLconf: a page that reads a new one should add it here.)
QUERY_IDS: dict[str, str] = {
    "unit": UNIT,  # directory, new person, commitments and issues lists, new ones, ledger
    "manager": PERSON,  # directory
    "parent": UNIT,  # new unit
    "root": UNIT,  # org chart
    "actor": PERSON,  # audit log
    "person": PERSON,  # new commitment, new issue (a reference, filled in as typed)
}
# The audit log's object filter names the kind as `app.model`.
AUDIT_TYPES: dict[str, str] = {
    PERSON: "orgs.person",
    UNIT: "orgs.unit",
    COMMITMENT: "commitments.commitment",
    ISSUE: "commitments.issue",
    API_TOKEN: "accounts.apitoken",
    INVITATION: "accounts.invitation",
}


# Query parameters that search by what is typed (the directory, the suggestions while
# typing a colleague's or a unit's name, the new commitment and issue forms).
QUERY_TEXTS = ("q", "person", "unit")


def query_calls(world: World) -> Iterator[dict[str, Any]]:
    for name, kind in QUERY_IDS.items():
        for pk in world.ids(kind):
            yield {name: pk}
    for kind, object_type in AUDIT_TYPES.items():
        for pk in world.ids(kind):
            yield {"object_type": object_type, "object_id": pk}
    # The organization's name (in the name of every unit and person built here but its
    # admin) and its admin's name, as typed.
    for name in QUERY_TEXTS:
        for text in (world.org.name, world.admin.name):
            yield {name: text}


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_no_page_shows_an_object_of_another_organization_named_in_its_query_string(
    personas: Personas, acme: World, globex: World
) -> None:
    """Every page without an id in its path, with Globex's ids in each query parameter it
    reads, and Globex's names in each search: whatever it answers (a page, a refusal of
    the field, a 404), it shows nothing of Globex and changes nothing."""
    client = personas.client_for(personas.admin)
    pages = [r for r in org_routes() if not r.int_kwargs() and not r.other_kwargs()]
    problems = []
    sent = 0
    for route in pages:
        url = reverse(route.name, kwargs={"org": acme.org.slug})
        # A first visit may set up the viewer's own things (a calendar feed token, say).
        client.get(url)
        baseline = database_snapshot()
        for query in query_calls(globex):
            response = client.get(url, query, follow=True)
            sent += 1
            where = f"GET {url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
            # 405: a POST-only page (resetting the calendar feed), which takes no object.
            if response.status_code not in (200, 400, 404, 405):
                problems.append(f"{where}: answered {response.status_code}")
            # A form shows back what was typed: only what goes beyond it would be a leak.
            typed = " ".join(str(v) for v in query.values())
            body = body_of(response)
            if shown := [s for s in globex.secrets if s in body and s not in typed]:
                problems.append(f"{where}: shows {shown}")
        # Once per page (a snapshot per request would cost more than the requests).
        if changed := changed_tables(baseline):
            problems.append(f"GET {url} with Globex's ids or names: changed {', '.join(changed)}")

    assert not problems, "\n".join(problems)
    assert len(pages) >= 10 and sent >= 800
