"""The import page: check a file, see the plan and every problem, then import it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mutuality.core.models import AuditEvent
from mutuality.orgs.models import PeopleImportUpload, Person, Role
from mutuality.orgs.services import person_create, person_update
from mutuality.testing import Personas, make_user

GOOD = (
    "name,email,manager email,department\r\n"
    "Kim New,kim@acme.test,max@acme.test,Support\r\n"
    "Lou New,lou@acme.test,kim@acme.test,Sales\r\n"
    "Mia Member,mia@acme.test,max@acme.test,Finance\r\n"
)
BAD = (
    "name,email,manager email\r\n"
    "Kim New,kim@acme.test,ghost@acme.test\r\n"
    "Lou New,lou(at)acme,max@acme.test\r\n"
)


@pytest.fixture
def acme(personas: Personas) -> Personas:
    """The personas with one top person: the facilitator reports to the admin."""
    person_update(person=personas.facilitator, actor=None, manager=personas.admin)
    return personas


def upload(text: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post(client: Client, url: str, action: str, **data: Any) -> Any:
    return client.post(url, {"action": action, **data})


def counts(personas: Personas) -> tuple[int, int]:
    return (
        Person.objects.filter(org=personas.org).count(),
        AuditEvent.objects.filter(org=personas.org).count(),
    )


def test_the_page_offers_a_file_a_mode_and_two_buttons(acme: Personas) -> None:
    response = acme.client_for(acme.admin).get(acme.url("orgs:people_import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_file">CSV file</label>' in html
    assert "Full import (people missing from the file become inactive)</label>" in html
    assert (
        '<button type="submit" name="action" value="check" class="secondary">Check (dry run)</button>'
        in html
    )
    assert '<button type="submit" name="action" value="import">Import</button>' in html


def test_a_check_shows_the_plan_and_writes_nothing(acme: Personas) -> None:
    before = counts(acme)
    url = acme.url("orgs:people_import")
    response = post(acme.client_for(acme.admin), url, "check", file=upload(GOOD))
    assert response.status_code == 200
    result = response.context["result"]
    assert (len(result.to_create), len(result.to_update), result.units_to_create) == (
        2,
        1,
        ["Sales"],
    )
    assert "The check found no problems" in response.content.decode()
    assert counts(acme) == before


def test_a_check_lists_every_problem_with_its_row(acme: Personas) -> None:
    before = counts(acme)
    url = acme.url("orgs:people_import")
    response = post(acme.client_for(acme.admin), url, "check", file=upload(BAD))
    html = response.content.decode()
    assert '<th scope="col" class="num">Row</th><th scope="col">Problem</th>' in html
    assert '<td class="num">2</td><td>Unknown manager “ghost@acme.test”' in html
    assert '<td class="num">3</td><td>“lou(at)acme” is not a valid email address.</td>' in html
    assert "2 problems: nothing was written" in html
    assert response.context["checked"] is None
    assert counts(acme) == before


def test_a_checked_file_imports_without_choosing_it_again(acme: Personas) -> None:
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_import")
    checked = post(client, url, "check", file=upload(GOOD))
    upload_id = checked.context["checked"].pk
    assert f'value="{upload_id}"' in checked.content.decode()

    response = post(client, url, "import", upload=upload_id)
    assert response.status_code == 302
    assert response["Location"] == acme.url("orgs:people")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported: 2 created, 1 updated, 0 deactivated"
    ]
    lou = Person.objects.get(org=acme.org, email="lou@acme.test")
    assert lou.manager is not None and lou.manager.email == "kim@acme.test"
    assert not PeopleImportUpload.objects.filter(pk=upload_id).exists()


def test_an_import_with_problems_shows_them_and_writes_nothing(acme: Personas) -> None:
    before = counts(acme)
    url = acme.url("orgs:people_import")
    response = post(acme.client_for(acme.admin), url, "import", file=upload(BAD))
    assert response.status_code == 200
    assert "2 problems: nothing was written" in response.content.decode()
    assert counts(acme) == before


def test_a_utf16_file_with_a_nul_character_is_refused_by_the_check_and_the_import(
    acme: Personas,
) -> None:
    before = counts(acme)
    data = ("name,email,manager email\r\nKim\x00 New,kim@acme.test,max@acme.test\r\n").encode(
        "utf-16"
    )
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_import")
    for action in ("check", "import"):
        response = post(client, url, action, file=upload(data))
        assert response.status_code == 200
        assert '<td class="num">2</td><td>This row contains a NUL character' in (
            response.content.decode()
        )
    assert counts(acme) == before


def test_a_file_can_be_imported_straight_away(acme: Personas) -> None:
    url = acme.url("orgs:people_import")
    response = post(acme.client_for(acme.admin), url, "import", file=upload(GOOD))
    assert response.status_code == 302
    assert Person.objects.filter(org=acme.org, email="kim@acme.test").exists()


def test_a_full_import_from_the_page_deactivates_the_missing(acme: Personas) -> None:
    data = (
        "name,email,manager email\r\n"
        "Ada Admin,ada@acme.test,\r\n"
        "Max Manager,max@acme.test,ada@acme.test\r\n"
    )
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_import")
    checked = post(client, url, "check", file=upload(data), full="on")
    assert len(checked.context["result"].to_deactivate) == 3
    assert "checked" in checked.content.decode().split('id="id_full"')[1][:20]
    response = post(client, url, "import", upload=checked.context["checked"].pk, full="on")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported: 0 created, 0 updated, 3 deactivated"
    ]


def test_changing_the_mode_after_the_check_shows_the_new_plan_first(acme: Personas) -> None:
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_import")
    checked = post(client, url, "check", file=upload(GOOD))
    before = counts(acme)
    response = post(client, url, "import", upload=checked.context["checked"].pk, full="on")
    assert response.status_code == 200
    assert response.context["result"].full and not response.context["result"].applied
    assert counts(acme) == before
    again = post(client, url, "import", upload=response.context["checked"].pk, full="on")
    assert again.status_code == 200  # the full plan would deactivate the admin: refused
    assert "would make you inactive" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x00\x01\x02binary\x00", "binary data, not CSV"),
        (b"PK\x03\x04xlsx-ish", "spreadsheet (Excel) file"),
        (b"a" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
    ids=["empty", "binary", "xlsx", "too large"],
)
def test_a_bad_upload_gets_a_clear_message(acme: Personas, data: bytes, message: str) -> None:
    url = acme.url("orgs:people_import")
    response = post(acme.client_for(acme.admin), url, "check", file=upload(data))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not PeopleImportUpload.objects.exists()


def test_no_file_asks_for_one(acme: Personas) -> None:
    response = post(acme.client_for(acme.admin), acme.url("orgs:people_import"), "check")
    assert response.context["form"].errors["file"] == ["Choose a CSV file."]


def test_a_checked_file_is_usable_only_by_its_uploader(acme: Personas) -> None:
    other_admin = person_create(
        org=acme.org,
        actor=None,
        name="Bea Admin",
        email="bea@acme.test",
        role=Role.ADMIN,
        manager=acme.admin,
        user=make_user("bea@acme.test", "Bea Admin"),
    )
    url = acme.url("orgs:people_import")
    checked = post(acme.client_for(acme.admin), url, "check", file=upload(GOOD))
    before = counts(acme)
    response = post(
        acme.client_for(other_admin), url, "import", upload=checked.context["checked"].pk
    )
    assert response.context["form"].errors["file"] == [
        "The file you checked is no longer kept; choose it again."
    ]
    assert counts(acme) == before


def test_a_checked_file_is_kept_for_a_day(acme: Personas) -> None:
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_import")
    with time_machine.travel(timezone.now() - dt.timedelta(days=1, minutes=1)):
        checked = post(client, url, "check", file=upload(GOOD))
    # Logged in again: the session itself would have expired after a day.
    client.force_login(acme.admin.user)  # type: ignore[arg-type]
    response = post(client, url, "import", upload=checked.context["checked"].pk)
    assert "no longer kept" in response.content.decode()
    assert not Person.objects.filter(email="kim@acme.test").exists()


def test_a_member_is_refused(acme: Personas) -> None:
    client = acme.client_for(acme.member)
    url = acme.url("orgs:people_import")
    assert client.get(url).status_code == 403
    assert post(client, url, "import", file=upload(GOOD)).status_code == 403
    assert not Person.objects.filter(email="kim@acme.test").exists()


def test_an_outsider_gets_a_404(acme: Personas) -> None:
    client = acme.client_for(acme.outsider)
    url = acme.url("orgs:people_import")
    assert client.get(url).status_code == 404
    assert post(client, url, "import", file=upload(GOOD)).status_code == 404
    assert not Person.objects.filter(email="kim@acme.test").exists()
