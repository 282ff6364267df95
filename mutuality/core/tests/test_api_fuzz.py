"""No input can make the API fail: random paths, query strings and bodies never give a 500.

Every operation of the OpenAPI document is called with hypothesis-generated ids, query
parameters and JSON bodies (mostly well-formed field names with hostile values, sometimes
garbage). The test client re-raises any exception a view lets escape, so a crash fails the
test with its traceback rather than as a status code.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mutuality.api import api
from mutuality.testing import Personas, api_client_for

SCHEMA = api.get_openapi_schema()
OPERATIONS = sorted(
    (path, method) for path, operations in SCHEMA["paths"].items() for method in operations
)

# Text a client can put in a URL: no surrogates (they cannot be encoded at all) and, in a
# path segment, no slash (that would be another URL, outside the API).
url_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
segment_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/"), min_size=1)
hostile_ints = st.one_of(
    st.integers(min_value=-5, max_value=50),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]),
)
hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "a\x00b", "%", "_", "'; drop table x; --", "x" * 5000]),
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        hostile_ints,
        st.floats(allow_nan=True, allow_infinity=True),
        hostile_text,
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def _field_names(path: str, method: str) -> list[str]:
    operation = SCHEMA["paths"][path][method]
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = body.get("schema", {}).get("$ref", "")
    if ref:
        names += list(SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"])
    return names + ["unknown"]


def _plausible(name: str, ids: list[int]) -> st.SearchStrategy[Any]:
    """Values of the right type for the field, so requests also get past the schema."""
    id_values = st.one_of(st.sampled_from(ids), hostile_ints, st.none())
    if name.endswith("_id"):
        return id_values
    if name == "lead_ids":
        return st.lists(id_values, max_size=4)
    if name == "role":
        return st.sampled_from(["admin", "facilitator", "member", "owner"])
    if name == "email":
        return st.one_of(st.emails(), hostile_text)
    return hostile_text


@st.composite
def requests(draw: st.DrawFn, path: str, method: str, ids: list[int]) -> tuple[str, Any]:
    url = path
    for param in re.findall(r"\{\w+\}", path):
        value = draw(st.one_of(st.sampled_from(ids), hostile_ints.map(str), segment_text))
        url = url.replace(param, quote(str(value), safe=""))
    names = st.sampled_from(_field_names(path, method))
    if method == "get":
        query_values = st.one_of(
            st.sampled_from(ids).map(str),
            hostile_ints.map(str),
            url_text,
            st.sampled_from(["true", "false", "all", "\x00", "x" * 5000]),
        )
        return url, draw(st.dictionaries(names, query_values, max_size=6))
    # Half the bodies keep to the schema's field names and types, so they reach the services.
    typed = draw(st.booleans())
    fields = {}
    for name in draw(st.lists(names, unique=True, max_size=8)):
        if typed and name != "unknown":
            fields[name] = draw(_plausible(name, ids))
        elif not typed:
            fields[name] = draw(st.one_of(_plausible(name, ids), json_values))
    if typed and method == "post" and "name" in _field_names(path, method):
        fields.setdefault("name", draw(hostile_text))
    if typed:
        return url, json.dumps(fields)
    body = draw(
        st.one_of(
            st.just(json.dumps(fields)),
            json_values.map(json.dumps),
            st.binary(max_size=40),
            st.just('{"name": "\\ud800", "title": "\\udfff"}'),
        )
    )
    return url, body


def _client(personas: Personas, who: str) -> Client:
    return api_client_for(getattr(personas, who))


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_request_makes_the_api_fail(
    personas: Personas, path: str, method: str, data: st.DataObject
) -> None:
    ids = [
        personas.member.pk,
        personas.manager.pk,
        personas.unit.pk,
        personas.other_unit.pk,
        personas.outsider.pk,
    ]
    who = data.draw(st.sampled_from(["admin", "member"]))
    client = _client(personas, who)
    url, payload = data.draw(requests(path, method, ids))

    if method == "get":
        response = client.get(url, payload)
    else:
        response = getattr(client, method)(url, data=payload, content_type="application/json")

    event(f"status {response.status_code}")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json"), (url, response.status_code)
    if response.status_code == 422:
        body = response.json()
        assert body["detail"] and body["errors"]
        assert all(isinstance(m, list) and m for m in body["errors"].values())


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=300))
def test_no_authorization_header_makes_the_api_fail(personas: Personas, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/people")

    assert response.status_code == 401
