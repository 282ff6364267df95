"""The field types every API input uses, and the schemas every operation shares.

Inputs forbid unknown fields (a typo such as `manager` for `manager_id` is a 422 naming
it, not a silent no-op) and bound every string and number, so nothing a client sends can
reach the database in a shape it would refuse with an error of its own.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

# The largest primary key the databases accept (signed 64-bit); larger numbers would
# overflow inside the database driver instead of simply matching nothing.
MAX_ID = 2**63 - 1
# Far beyond any real list, and small enough that offset + limit never overflows.
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _clean_text(value: Any) -> Any:
    # PostgreSQL refuses NUL characters and no database can store lone surrogates (which
    # JSON's \ud800 escapes can produce); refuse both here as a field error. Runs before
    # the string validation (anything but a string is left for it to refuse), so that
    # length bounds added with Field(...) keep their plain "string" messages.
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Text must be valid Unicode.") from None
    return value


def _whole_number(value: Any) -> Any:
    # Pydantic's lax mode takes `true` for 1 and 1.0 for 1, so `"manager_id": true` would
    # name the person with id 1. Refuse both; strings are left to the integer validation,
    # since ids in a path or a query string always arrive as text.
    if isinstance(value, bool):
        raise ValueError("Input should be an integer, not true or false.")
    if isinstance(value, float):
        raise ValueError("Input should be an integer, not a decimal number.")
    return value


# For every integer a client sends (ids, counts, versions): a JSON number without a fraction
# or text of digits, never a boolean or a float. Put it after any Field(...), as CleanText.
WholeNumber = BeforeValidator(_whole_number)
Id = Annotated[int, Field(ge=1, le=MAX_ID), WholeNumber]
Version = Annotated[int, Field(ge=1), WholeNumber]
CleanText = BeforeValidator(_clean_text)
# Text a database can store. To bound it, put the Field first:
# `Annotated[str, Field(max_length=200), CleanText]` (after a validator, pydantic words
# length errors for generic sequences: "at most 200 items").
Text = Annotated[str, CleanText]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT), WholeNumber]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET), WholeNumber]


class Input(Schema):
    """A request body: unknown fields are refused, naming them."""

    model_config = ConfigDict(extra="forbid")


class Patch(Input):
    """A partial update: only the fields sent change (read with `exclude_unset=True`)."""


# The default of a PATCH field that may not be null. Pydantic never validates defaults, so
# `None` here only marks "not sent" (read with `model_dump(exclude_unset=True)`); a client
# that sends `null` for such a field gets a 422 naming it. Typed Any so the field keeps its
# real type in the schema and for mypy.
NOT_SENT: Any = None


class PageParams(Schema):
    """`limit` and `offset` of a list (see `mutuality.core.api.paging`)."""

    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="For 422: each bad field with its messages."
    )


# The refusals every read may answer with (401 without a valid token, 404 for what the
# caller may not see, 422 for bad parameters).
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut, **READ_ERRORS}
