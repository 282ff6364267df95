"""Numbers from query strings: anything that is not a plain id reads as "no id", never a 500."""

from __future__ import annotations

import pytest

from mutuality.core.params import id_param
from mutuality.testing import Personas


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("", None), (None, None), ("-3", None), ("1.5", None)],
)
def test_it_reads_plain_ids(value: str | None, expected: int | None) -> None:
    assert id_param(value) == expected


@pytest.mark.parametrize("value", ["²", "٣", "１２", "9" * 19, "1e3", "0x1f"])
def test_it_refuses_digits_that_int_would_refuse_or_misread(value: str) -> None:
    assert id_param(value) is None


@pytest.mark.parametrize(
    "url_name", ["orgs:people", "commitments:new", "commitments:list", "ledger:mine", "issues:list"]
)
@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A3", "%EF%BC%91"])
def test_pages_with_a_unit_filter_never_fail_on_unicode_digits(
    personas: Personas, url_name: str, value: str
) -> None:
    client = personas.client_for(personas.admin)
    response = client.get(f"{personas.url(url_name)}?unit={value}")
    assert response.status_code in (200, 400), response.status_code
