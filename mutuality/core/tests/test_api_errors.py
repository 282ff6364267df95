"""Every API refusal is JSON `{"detail": ..., "errors": {field: [messages]}}` in plain words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client, RequestFactory
from ninja.errors import ValidationError as NinjaValidationError

from mutuality.core.api.errors import (
    on_django_validation_error,
    on_integrity_error,
    on_validation_error,
)
from mutuality.testing import Personas, api_client_for


def body_of(response: Any) -> Any:
    return json.loads(response.content)


def test_it_names_fields_without_ninjas_location_prefixes() -> None:
    request = RequestFactory().post("/api/v1/anything")
    exc = NinjaValidationError(
        [
            {"type": "missing", "loc": ("body", "payload", "name"), "msg": "Field required"},
            {
                "type": "int_parsing",
                "loc": ("body", "payload", "lead_ids", 1),
                "msg": "Input should be a valid integer",
            },
            {"type": "less_than_equal", "loc": ("query", "limit"), "msg": "Too big"},
            {"type": "int_parsing", "loc": ("path", "person_id"), "msg": "Not a number"},
        ]
    )

    response = on_validation_error(request, exc)

    assert response.status_code == 422
    assert body_of(response) == {
        "detail": "Some fields are not valid.",
        "errors": {
            "name": ["Field required"],
            "lead_ids.1": ["Input should be a valid integer"],
            "limit": ["Too big"],
            "person_id": ["Not a number"],
        },
    }


def test_it_words_text_length_and_validator_errors_plainly() -> None:
    request = RequestFactory().post("/api/v1/anything")
    exc = NinjaValidationError(
        [
            {
                "type": "too_short",
                "loc": ("body", "payload", "title"),
                "msg": "Value should have at least 1 item after validation, not 0",
                "input": "",
                "ctx": {"field_type": "Value", "min_length": 1, "actual_length": 0},
            },
            {
                "type": "too_long",
                "loc": ("body", "payload", "note"),
                "msg": "Value should have at most 5 items after validation, not 9",
                "input": "123456789",
                "ctx": {"field_type": "Value", "max_length": 5, "actual_length": 9},
            },
            {
                "type": "value_error",
                "loc": ("body", "payload", "name"),
                "msg": "Value error, Text may not contain NUL characters.",
                "ctx": {"error": ValueError("Text may not contain NUL characters.")},
            },
        ]
    )

    errors = body_of(on_validation_error(request, exc))["errors"]

    assert errors == {
        "title": ["Use at least 1 characters."],
        "note": ["Use at most 5 characters."],
        "name": ["Text may not contain NUL characters."],
    }


def test_a_body_that_is_missing_or_not_an_object_is_named_as_such() -> None:
    request = RequestFactory().post("/api/v1/anything")
    missing = NinjaValidationError(
        [{"type": "missing", "loc": ("body", "payload"), "msg": "Field required"}]
    )
    a_list = NinjaValidationError(
        [{"type": "model_attributes_type", "loc": ("body", "payload"), "msg": "Bad"}]
    )

    assert body_of(on_validation_error(request, missing))["errors"] == {
        "__all__": ["Send a JSON object as the request body."]
    }
    assert body_of(on_validation_error(request, a_list))["errors"] == {
        "__all__": ["The request body must be a JSON object."]
    }


def test_service_errors_keep_their_fields_and_messages() -> None:
    request = RequestFactory().post("/api/v1/anything")

    by_field = on_django_validation_error(
        request, ValidationError({"email": "Taken.", "name": ["Required.", "Too short."]})
    )
    general = on_django_validation_error(request, ValidationError("Not now."))

    assert by_field.status_code == general.status_code == 422
    assert body_of(by_field)["errors"] == {"email": ["Taken."], "name": ["Required.", "Too short."]}
    assert body_of(general)["errors"] == {"__all__": ["Not now."]}


def test_a_write_that_races_another_is_a_409_not_a_500() -> None:
    request = RequestFactory().post("/api/v1/anything")

    response = on_integrity_error(request, IntegrityError("UNIQUE constraint failed"))

    assert response.status_code == 409
    assert body_of(response)["detail"].startswith("This conflicts with a change")


# --- refusals made before any endpoint runs ------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/people/1/nothing", "/api/v1/people/", "/api/v1/"]
)
def test_an_unknown_api_path_is_a_json_404(personas: Personas, path: str) -> None:
    for client in (api_client_for(personas.member), Client()):
        response = client.get(path)

        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert body_of(response) == {"detail": "Not found."}


def test_a_method_an_api_path_does_not_accept_is_a_json_405_naming_the_allowed_ones(
    personas: Personas,
) -> None:
    response = api_client_for(personas.admin).delete("/api/v1/people")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert body_of(response) == {"detail": "This path does not accept DELETE; use GET or POST."}
    assert response["Allow"] == "GET, POST"


def test_pages_outside_the_api_keep_their_html_404(personas: Personas) -> None:
    response = personas.client_for(personas.member).get("/o/acme/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
