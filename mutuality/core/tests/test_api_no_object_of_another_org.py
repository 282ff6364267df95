"""No API operation opens, changes or lists an object of another organization.

Read from the OpenAPI document, so an operation added later is swept too:

- every operation with an id in its path is called, with its own method and a body that
  would otherwise be valid, by a token of Acme's admin with the id of each Globex object of
  that kind: 404 JSON, and nothing changes in the database (and the reverse, for Globex's
  admin with Acme's ids);
- every list is read with every value of its choice parameters and with each id filter set
  to Globex's objects: no Globex object appears, and an id filter gives an empty page;
- every id a body names (`manager_id`, `lead_ids`, …) is refused, 422 on that field, when
  it is another organization's.

A path parameter, query parameter or body field that looks like an id and is not mapped
to a kind below fails `test_every_id_in_the_document_is_mapped_to_a_kind`. The objects come
from `build_world` (test_no_object_of_another_org.py), which builds each kind in both
organizations through the real services.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import models
from django.test import Client

from mutuality.accounts.models import ApiToken
from mutuality.commitments.issues import services as issue_services
from mutuality.commitments.models import Commitment, Issue
from mutuality.core.tests.test_no_object_of_another_org import (
    COMMITMENT,
    ISSUE,
    PERSON,
    UNIT,
    World,
    build_world,
    changed_tables,
    database_snapshot,
    days,
)
from mutuality.orgs.models import Organization, Person, Unit
from mutuality.testing import Personas, api_client_for

PREFIX = "/api/v1/"
ORGANIZATION = "organization"

# --- what each id in the document names -------------------------------------------------------

# Path parameters that are object ids: {name: kind}.
PATH_ID_KINDS: dict[str, str] = {
    "person_id": PERSON,
    "unit_id": UNIT,
    "commitment_id": COMMITMENT,
    "issue_id": ISSUE,
}

# A body for every request schema an operation with a path id takes, valid were the object
# visible: moves are based on the object's own version and carry every field a move needs.
BODIES: dict[str, Callable[[models.Model, World], dict[str, Any]]] = {
    "CommitmentMoveIn": lambda obj, viewer_world: {
        "expected_version": obj.version,  # type: ignore[attr-defined]
        "note": "Changed from another organization.",
        "reason": "Changed from another organization.",
        "terms": "Changed from another organization.",
        "due_date": days(21).isoformat(),
        "answer_by": days(3).isoformat(),
    },
    "IssueMoveIn": lambda obj, viewer_world: {
        "expected_version": obj.version,  # type: ignore[attr-defined]
        "note": "Changed from another organization.",
        "reason": "Changed from another organization.",
        "resolution": "Changed from another organization.",
        "facilitator_id": viewer_world.facilitator.pk,
    },
    "PersonPatch": lambda obj, viewer_world: {
        "name": "Renamed from another organization",
        "title": "Renamed from another organization",
    },
    "UnitPatch": lambda obj, viewer_world: {
        "name": "Renamed from another organization",
        "description": "Changed from another organization.",
    },
}

# Every list, with the model of its items: none may be of another organization.
LISTS: dict[str, type[models.Model]] = {
    "/api/v1/organizations": Organization,
    "/api/v1/people": Person,
    "/api/v1/units": Unit,
    "/api/v1/commitments": Commitment,
    "/api/v1/issues": Issue,
}
# Reads without a path id that are not lists, with the reason; their bodies are still
# checked for the other organization's names.
NOT_LISTS: dict[str, str] = {
    "/api/v1/organizations/current": "the token's own organization",
    "/api/v1/ledger": "the token's person's own ledger",
}

EMPTY_PAGE = "an empty page"
# Query parameters that take an id: {(list path, parameter): (kind, answer to another
# organization's id)}. Each list filters inside the token's organization, so another
# organization's id matches nothing, exactly like an id that does not exist.
QUERY_IDS: dict[tuple[str, str], tuple[str, str]] = {
    ("/api/v1/people", "unit"): (UNIT, EMPTY_PAGE),
    ("/api/v1/people", "manager"): (PERSON, EMPTY_PAGE),
    ("/api/v1/units", "parent"): (UNIT, EMPTY_PAGE),
    ("/api/v1/commitments", "unit"): (UNIT, EMPTY_PAGE),
    ("/api/v1/issues", "unit"): (UNIT, EMPTY_PAGE),
}
# Integer query parameters that are not ids, with the reason.
NOT_ID_QUERY: dict[str, str] = {"limit": "page size", "offset": "page start"}
# With an id filter, also ask for everything the other filters would hide by default.
WIDEST: dict[str, str] = {"active": "all", "state": "all"}

# Body fields that name objects: {field: kind}. Sent with another organization's id, each
# is refused with 422 on that field.
BODY_IDS: dict[str, str] = {
    "manager_id": PERSON,
    "unit_id": UNIT,
    "parent_id": UNIT,
    "lead_ids": PERSON,
    "performer_id": PERSON,
    "requester_id": PERSON,
    "beneficiary_id": PERSON,
    "addressee_id": PERSON,
    "facilitator_id": PERSON,
}

# Body fields that end like an id but are not one, with the reason.
NOT_BODY_IDS: dict[str, str] = {"employee_id": "the organization's own reference, free text"}


# --- reading the document -------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def params(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]

    def path_ids(self) -> list[str]:
        return [p["name"] for p in self.params("path") if _looks_like_id(p)]

    def path_values(self) -> dict[str, list[str]]:
        """Path parameters that are not ids: every value the document allows."""
        return {
            p["name"]: list(_schema(p).get("enum") or [])
            for p in self.params("path")
            if not _looks_like_id(p)
        }

    def body_schema(self) -> str | None:
        body = self.spec.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref")
        return ref.rsplit("/", 1)[-1] if ref else None


def _schema(param: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = param.get("schema", {})
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return {**schema, **option}
    return schema


def _looks_like_id(param: dict[str, Any]) -> bool:
    name: str = param["name"]
    return _schema(param).get("type") == "integer" or name == "id" or name.endswith("_id")


def openapi(client: Client) -> dict[str, Any]:
    response = client.get(f"{PREFIX}openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method=method, path=path, spec=spec)
        for path, ops in sorted(document["paths"].items())
        for method, spec in sorted(ops.items())
    ]


def choices(document: dict[str, Any], param: dict[str, Any]) -> list[Any]:
    """Every value of a choice (enum or boolean) query parameter."""
    schema = _schema(param)
    ref = schema.get("$ref")
    if ref:
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    if schema.get("type") == "boolean":
        return ["true"]
    return list(schema.get("enum") or [])


# --- the worlds ------------------------------------------------------------------------------


@pytest.fixture
def acme(personas: Personas) -> World:
    return build_world(personas.org, personas.admin)


@pytest.fixture
def globex(personas: Personas) -> World:
    return build_world(personas.other_org, personas.outsider)


@pytest.fixture
def document(personas: Personas) -> dict[str, Any]:
    return openapi(api_client_for(personas.member))


def is_not_found(response: Any) -> bool:
    return bool(
        response.status_code == 404
        and response["Content-Type"].startswith("application/json")
        and response.json() == {"detail": "Not found."}
    )


def shown_secrets(response: Any, secrets: list[str]) -> list[str]:
    body = response.content.decode(errors="replace")
    return [s for s in secrets if s in body]


@dataclass(frozen=True)
class Call:
    operation: Operation
    url: str
    body: dict[str, Any] | None
    obj: models.Model

    def __str__(self) -> str:
        return f"{self.operation.method.upper()} {self.url} ({type(self.obj).__name__})"

    def send(self, client: Client) -> Any:
        send = getattr(client, self.operation.method)
        if self.body is None:
            return send(self.url)
        return send(self.url, data=self.body, content_type="application/json")


def calls(
    document: dict[str, Any], victim: World, viewer_world: World, *, only_first: bool = False
) -> Iterator[Call]:
    """Every operation with a path id, filled with each of `victim`'s objects of that kind."""
    for op in operations(document):
        ids = op.path_ids()
        if not ids:
            continue
        fixed_values = op.path_values()
        for combo in itertools.product(*fixed_values.values()):
            fixed = dict(zip(fixed_values, combo, strict=True))
            for param in ids:
                # Every other id of the path (none today) is filled with the viewer's own.
                kind = PATH_ID_KINDS[param]
                objs = victim.objects[kind][:1] if only_first else victim.objects[kind]
                for obj in objs:
                    values: dict[str, Any] = {
                        other: viewer_world.objects[PATH_ID_KINDS[other]][0].pk
                        for other in ids
                        if other != param
                    }
                    values.update(fixed)
                    values[param] = obj.pk
                    url = op.path
                    for name, value in values.items():
                        url = url.replace(f"{{{name}}}", str(value))
                    schema = op.body_schema()
                    body = BODIES[schema](obj, viewer_world) if schema else None
                    yield Call(operation=op, url=url, body=body, obj=obj)


def sweep(
    client: Client, document: dict[str, Any], victim: World, viewer_world: World
) -> tuple[int, list[str]]:
    baseline = database_snapshot()
    problems: list[str] = []
    sent = 0
    for call in calls(document, victim, viewer_world):
        response = call.send(client)
        sent += 1
        if not is_not_found(response):
            problems.append(f"{call}: {response.status_code} {response.content[:200]!r}")
        if shown := shown_secrets(response, victim.secrets):
            problems.append(f"{call}: shows {shown}")
        if changed := changed_tables(baseline):
            problems.append(f"{call}: changed {', '.join(changed)}")
            baseline = database_snapshot()
    return sent, problems


# --- the tests -------------------------------------------------------------------------------


def test_every_id_in_the_document_is_mapped_to_a_kind(document: dict[str, Any]) -> None:
    problems = []
    schemas = document["components"]["schemas"]
    for op in operations(document):
        for path_id in op.path_ids():
            if path_id not in PATH_ID_KINDS:
                problems.append(f"{op}: path id `{path_id}` of an unknown kind: map PATH_ID_KINDS")
        for name, values in op.path_values().items():
            if not values:
                problems.append(f"{op}: path parameter `{name}` is neither an id nor a choice")
        schema = op.body_schema()
        if op.path_ids() and schema and schema not in BODIES:
            problems.append(f"{op}: no body for {schema}: add one to BODIES")
        if schema:
            for field in schemas[schema].get("properties", {}):
                looks_like_id = field.endswith(("_id", "_ids")) or field == "id"
                if looks_like_id and field not in BODY_IDS and field not in NOT_BODY_IDS:
                    problems.append(f"{op}: body field `{field}` of an unknown kind: map BODY_IDS")
                if field in BODY_IDS and (op.method, op.path) not in BODY_ID_CASES:
                    problems.append(f"{op}: takes `{field}`: add the operation to BODY_ID_CASES")
        if op.method == "get" and not op.path_ids():
            if op.path not in LISTS and op.path not in NOT_LISTS:
                problems.append(f"{op}: a read without a path id: add it to LISTS or NOT_LISTS")
            for param in op.params("query"):
                name = param["name"]
                known = name in NOT_ID_QUERY or (op.path, name) in QUERY_IDS
                if _looks_like_id(param) and not known:
                    problems.append(f"{op}: query id `{name}` of an unknown kind: map QUERY_IDS")
    documented = {op.path for op in operations(document)}
    for path in itertools.chain(LISTS, NOT_LISTS, (p for p, _ in QUERY_IDS)):
        if path not in documented:
            problems.append(f"{path} is listed here but is no longer in the document")

    assert not problems, "\n".join(problems)
    assert sum(1 for op in operations(document) if op.path_ids()) >= 13


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_each_operation_finds_its_own_organizations_object(
    personas: Personas, document: dict[str, Any], acme: World, globex: World, who: str
) -> None:
    """The control: with an object of the token's own organization, no operation answers
    404, so the 404s below come from the organization, not from a wrongly filled path."""
    world = acme if who == "acme" else globex
    client = api_client_for(world.admin)
    problems = []
    for call in calls(document, world, world, only_first=True):
        response = call.send(client)
        if response.status_code == 404 or response.status_code >= 500:
            problems.append(f"{call}: {response.status_code} {response.content[:200]!r}")
    assert not problems, "\n".join(problems)


def test_an_admins_token_reaches_no_object_of_another_organization(
    personas: Personas, document: dict[str, Any], acme: World, globex: World
) -> None:
    sent, problems = sweep(api_client_for(personas.admin), document, globex, acme)

    assert not problems, "\n".join(problems)
    assert sent >= 100


def test_the_other_organizations_admin_reaches_none_of_acmes_objects(
    personas: Personas, document: dict[str, Any], acme: World, globex: World
) -> None:
    sent, problems = sweep(api_client_for(personas.outsider), document, acme, globex)

    assert not problems, "\n".join(problems)
    assert sent >= 100


@dataclass(frozen=True)
class ListQuery:
    query: dict[str, Any]
    # The id filter set to another organization's object, if any.
    id_filter: tuple[str, str] | None = None


def widest(op: Operation) -> dict[str, str]:
    return {k: v for k, v in WIDEST.items() if any(p["name"] == k for p in op.params("query"))}


def list_queries(document: dict[str, Any], op: Operation, victim: World) -> Iterator[ListQuery]:
    """Each choice parameter at each of its values, and each id filter at each victim id."""
    yield ListQuery({})
    for param in op.params("query"):
        for value in choices(document, param):
            yield ListQuery({param["name"]: value, "limit": 200})
    for param in op.params("query"):
        key = (op.path, param["name"])
        if key in QUERY_IDS:
            kind, _answer = QUERY_IDS[key]
            for pk in victim.ids(kind):
                query = {param["name"]: pk, "limit": 200, **widest(op)}
                yield ListQuery(query, id_filter=key)


def other_orgs_rows(model: type[models.Model], victim: World) -> set[int]:
    if model is Organization:
        return {victim.org.pk}
    return set(model._default_manager.filter(org=victim.org).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_no_list_shows_an_object_of_another_organization(
    personas: Personas, document: dict[str, Any], acme: World, globex: World, who: str
) -> None:
    viewer_world, victim = (acme, globex) if who == "acme" else (globex, acme)
    client = api_client_for(viewer_world.admin)
    baseline = database_snapshot()
    problems = []
    checked = 0
    for op in operations(document):
        if op.method != "get" or op.path_ids():
            continue
        for lq in list_queries(document, op, victim):
            url = f"{op.path}?{urlencode(lq.query)}" if lq.query else op.path
            response = client.get(url)
            checked += 1
            if response.status_code != 200:
                problems.append(f"GET {url}: {response.status_code}")
                continue
            if shown := shown_secrets(response, victim.secrets):
                problems.append(f"GET {url}: shows {shown}")
            if op.path in LISTS:
                data = response.json()
                items = data["items"] if isinstance(data, dict) else data
                leaked = {item["id"] for item in items} & other_orgs_rows(LISTS[op.path], victim)
                if leaked:
                    problems.append(f"GET {url}: lists {sorted(leaked)} of the other organization")
                if lq.id_filter is not None:
                    _kind, answer = QUERY_IDS[lq.id_filter]
                    assert answer == EMPTY_PAGE
                    if data["count"] != 0 or data["items"]:
                        problems.append(f"GET {url}: not an empty page: {data}")
    if changed := changed_tables(baseline):
        problems.append(f"the lists changed {', '.join(changed)}")

    assert not problems, "\n".join(problems)
    assert checked >= 30


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_each_id_filter_finds_its_own_organizations_objects(
    personas: Personas, document: dict[str, Any], acme: World, globex: World, who: str
) -> None:
    """The control for the empty pages above: with the organization's own ids, each id
    filter finds something, so an empty page really means "nothing of yours"."""
    world = acme if who == "acme" else globex
    client = api_client_for(world.admin)
    for (path, name), (kind, _answer) in QUERY_IDS.items():
        op = next(op for op in operations(document) if op.path == path and op.method == "get")
        counts = [
            client.get(path, {name: str(pk), "limit": "200", **widest(op)}).json()["count"]
            for pk in world.ids(kind)
        ]
        assert any(counts), f"GET {path}?{name}=… finds nothing with {world.org.name}'s own ids"


# --- ids inside bodies -----------------------------------------------------------------------


@dataclass(frozen=True)
class BodyCase:
    url: str
    body: dict[str, Any]


def _escalatable_issue(world: World) -> Issue:
    """An issue its admin raised and the addressee declined: the admin may escalate it."""
    member = world.objects[PERSON][0]
    assert isinstance(member, Person)
    issue = issue_services.issue_raise(
        org=world.org, raiser=world.admin, title="Escalate me", addressee=member
    )
    return issue_services.issue_move(
        issue=issue,
        actor=member,
        move="decline",
        expected_version=issue.version,
        reason="Not mine.",
    )


KIND_FOR_PARTY = {"performer_id": "request", "unit_id": "request", "requester_id": "offer"}

# How to call each operation whose body names objects, validly but for `field`: {(method,
# path): (world, field) -> the URL and the body}. Ids in the path are the world's own.
BODY_ID_CASES: dict[tuple[str, str], Callable[[World, str], BodyCase]] = {
    ("post", "/api/v1/people"): lambda w, field: BodyCase(
        "/api/v1/people", {"name": "New Hire", "email": f"new.hire@{w.org.slug}.test"}
    ),
    ("patch", "/api/v1/people/{person_id}"): lambda w, field: BodyCase(
        f"/api/v1/people/{w.objects[PERSON][0].pk}", {}
    ),
    ("post", "/api/v1/units"): lambda w, field: BodyCase("/api/v1/units", {"name": "New unit"}),
    ("patch", "/api/v1/units/{unit_id}"): lambda w, field: BodyCase(
        f"/api/v1/units/{w.objects[UNIT][0].pk}", {}
    ),
    ("post", "/api/v1/commitments"): lambda w, field: BodyCase(
        "/api/v1/commitments",
        {
            "kind": KIND_FOR_PARTY.get(field, "self"),
            "title": "Cross the border",
            "conditions": "Done.",
            "due_date": days(14).isoformat(),
        },
    ),
    ("post", "/api/v1/issues"): lambda w, field: BodyCase("/api/v1/issues", {"title": "Hello"}),
    # `facilitator_id` is read by `escalate` only (every other move ignores it).
    ("post", "/api/v1/issues/{issue_id}/moves/{move}"): lambda w, field: BodyCase(
        f"/api/v1/issues/{(issue := _escalatable_issue(w)).pk}/moves/escalate",
        {"expected_version": issue.version, "note": "Please help."},
    ),
}


@pytest.mark.parametrize("who", ["acme", "globex"])
def test_a_body_naming_an_object_of_another_organization_is_refused_on_that_field(
    personas: Personas, document: dict[str, Any], acme: World, globex: World, who: str
) -> None:
    viewer_world, victim = (acme, globex) if who == "acme" else (globex, acme)
    client = api_client_for(viewer_world.admin)
    schemas = document["components"]["schemas"]
    problems = []
    checked = 0
    for op in operations(document):
        schema = op.body_schema()
        if not schema:
            continue
        for field in schemas[schema].get("properties", {}):
            if field not in BODY_IDS:
                continue
            for pk in victim.ids(BODY_IDS[field]):
                case = BODY_ID_CASES[(op.method, op.path)](viewer_world, field)
                baseline = database_snapshot()
                value: Any = [pk] if field.endswith("_ids") else pk
                send = getattr(client, op.method)
                response = send(
                    case.url, data={**case.body, field: value}, content_type="application/json"
                )
                checked += 1
                where = f"{op} with {field}={value}"
                if response.status_code != 422:
                    problems.append(f"{where}: {response.status_code} {response.content[:200]!r}")
                elif field not in response.json().get("errors", {}):
                    problems.append(f"{where}: 422 not naming {field}: {response.json()}")
                if shown := shown_secrets(response, victim.secrets):
                    problems.append(f"{where}: shows {shown}")
                if changed := changed_tables(baseline):
                    problems.append(f"{where}: changed {', '.join(changed)}")

    assert not problems, "\n".join(problems)
    assert checked >= 40


def test_the_tokens_used_here_are_the_only_tokens_touched(
    personas: Personas, globex: World
) -> None:
    """The sweeps ignore `last_used_at`; only the caller's own token may be touched."""
    client = api_client_for(personas.admin)
    before = dict(ApiToken.objects.filter(org=globex.org).values_list("pk", "last_used_at"))

    for obj in globex.objects[PERSON]:
        client.get(f"/api/v1/people/{obj.pk}")

    after = dict(ApiToken.objects.filter(org=globex.org).values_list("pk", "last_used_at"))
    assert before == after
