"""The OpenAPI document and the interactive docs page.

Routes are read from the URLconf, so an endpoint added later without appearing in the
document (or documented without answering) fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from mutuality.testing import Personas, api_client_for, api_token_for

PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
# ninja's own views beside the operations: the document, the docs page, the bare root.
NOT_OPERATIONS = {"openapi.json", "docs", ""}


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route


def api_routes() -> list[str]:
    """Every operation route of the API, in OpenAPI form: /api/v1/people/{person_id}."""
    routes = set()
    for route in _walk(get_resolver().url_patterns):
        if not route.startswith(PREFIX.lstrip("/")):
            continue
        rest = route[len(PREFIX) - 1 :]
        if rest in NOT_OPERATIONS:
            continue
        routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return sorted(routes)


def openapi(personas: Personas) -> dict[str, Any]:
    response = api_client_for(personas.member).get(f"{PREFIX}openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def known_ids(personas: Personas) -> dict[str, int]:
    """Path parameters this test can fill with an id that exists (and may be changed)."""
    return {"person_id": personas.member2.pk, "unit_id": personas.other_unit.pk}


def fill(path: str, personas: Personas) -> tuple[str, bool]:
    """The path with its parameters filled in, and whether every id in it exists."""
    ids = known_ids(personas)
    params = re.findall(r"\{(\w+)\}", path)
    for param in params:
        path = path.replace(f"{{{param}}}", str(ids.get(param, 1)))
    return path, all(param in ids for param in params)


def test_there_are_api_routes_to_check() -> None:
    assert "/api/v1/people/{person_id}" in api_routes()
    assert len(api_routes()) >= 8


def test_every_route_is_in_the_openapi_document(personas: Personas) -> None:
    documented = set(openapi(personas)["paths"])

    assert set(api_routes()) <= documented


def test_every_method_that_answers_is_documented_and_every_documented_one_answers(
    personas: Personas,
) -> None:
    paths = openapi(personas)["paths"]
    admin = api_client_for(personas.admin)
    for path in api_routes():
        url, ids_exist = fill(path, personas)
        for method in METHODS:
            if method in ("post", "patch", "put"):
                response = getattr(admin, method)(url, data={}, content_type="application/json")
            else:
                response = getattr(admin, method)(url)
            documented = method in paths[path]
            assert response.status_code < 500, f"{method.upper()} {url}"
            if documented:
                assert response.status_code != 405, f"{method.upper()} {url}"
                if ids_exist:
                    assert response.status_code != 404, f"{method.upper()} {url}"
            else:
                assert response.status_code == 405, f"{method.upper()} {url} is undocumented"


def test_the_document_declares_bearer_tokens_for_every_operation(personas: Personas) -> None:
    document = openapi(personas)

    assert document["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}], f"{method} {path}"
            assert "401" in operation["responses"], f"{method} {path}"


def test_the_document_opens_to_a_session_as_well_as_to_a_token(personas: Personas) -> None:
    session = personas.client_for(personas.member).get(f"{PREFIX}openapi.json")
    token = Client(headers={"Authorization": f"Bearer {api_token_for(personas.member)}"}).get(
        f"{PREFIX}openapi.json"
    )

    assert session.status_code == token.status_code == 200
    assert session.json()["info"]["title"] == "Mutuality API"


def test_the_document_is_not_shown_anonymously(personas: Personas) -> None:
    anonymous = Client().get(f"{PREFIX}openapi.json")
    bad_token = Client(headers={"Authorization": "Bearer nope"}).get(f"{PREFIX}openapi.json")

    assert anonymous.status_code == bad_token.status_code == 401
    assert anonymous.json()["detail"].startswith("Send a valid API token")


def test_the_docs_page_asks_an_anonymous_visitor_to_log_in(personas: Personas) -> None:
    response = Client().get(f"{PREFIX}docs")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/v1/docs")


@pytest.fixture
def docs_html(personas: Personas) -> str:
    response = personas.client_for(personas.member).get(f"{PREFIX}docs")
    assert response.status_code == 200
    return response.content.decode()


def test_the_docs_page_loads_only_files_served_by_this_installation(
    personas: Personas, docs_html: str
) -> None:
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", docs_html)

    assert any(ref.endswith("swagger-ui-bundle.js") for ref in references)
    assert "http://" not in docs_html and "https://" not in docs_html
    client = personas.client_for(personas.member)
    for ref in references:
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")) is not None, ref
        assert client.get(ref).status_code == 200, ref


def test_the_docs_page_keeps_the_strict_content_security_policy(
    personas: Personas, docs_html: str
) -> None:
    response = personas.client_for(personas.member).get(f"{PREFIX}docs")
    policy = response["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    # No inline script to run: the settings travel as JSON data, read by a static file.
    for script in re.findall(r"<script([^>]*)>", docs_html):
        assert "src=" in script or 'type="application/json"' in script


def test_the_docs_page_does_not_call_an_outside_spec_validator(docs_html: str) -> None:
    assert '"validatorUrl": null' in docs_html
