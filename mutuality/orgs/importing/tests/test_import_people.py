"""The people import service: columns, matching, every problem with its row, all or nothing."""

from __future__ import annotations

import codecs
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from mutuality.accounts.models import ApiToken
from mutuality.core.models import AuditEvent
from mutuality.orgs.importing.services import import_people
from mutuality.orgs.importing.state import ImportResult
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.services import organization_create, person_deactivate, person_update
from mutuality.testing import Personas


def csv_of(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def acme(personas: Personas) -> Personas:
    """The personas with one top person: the facilitator reports to the admin."""
    person_update(person=personas.facilitator, actor=None, manager=personas.admin)
    return personas


@pytest.fixture
def empty_org(db: Any) -> Organization:
    return organization_create(name="Initech", slug="initech")


def run(org: Organization, data: str | bytes, **kw: Any) -> ImportResult:
    return import_people(org=org, actor=kw.pop("actor", None), data=data, **kw)


def writes(org: Organization) -> tuple[int, int, int]:
    """What an import could have written: people, units, audit events."""
    return (
        Person.objects.filter(org=org).count(),
        Unit.objects.filter(org=org).count(),
        AuditEvent.objects.filter(org=org).count(),
    )


def errors_by_row(result: ImportResult) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for problem in result.errors:
        found.setdefault(problem.row, []).append(problem.message)
    return found


TREE = csv_of(
    "name,email,manager email,department,title",
    "Grace Boss,grace@initech.test,,Leadership,Chief",
    "Tom Lead,tom@initech.test,grace@initech.test,Ops,Head of Ops",
    "Lena Doe,lena@initech.test,tom@initech.test,Ops,Planner",
)


# --- columns ------------------------------------------------------------------------------------


def test_it_reads_header_aliases_in_any_case_and_semicolons(empty_org: Organization) -> None:
    data = csv_of(
        "FULL NAME;E-Mail;Supervisor_Email;DEPT;Job Title;Employee Number",
        "Grace Boss;Grace@Initech.test;;Leadership;Chief;E1",
        "Tom Lead;tom@initech.test;GRACE@initech.test;Ops;Head of Ops;E2",
    )
    result = run(empty_org, data)
    assert result.ok, result.errors
    tom = Person.objects.get(org=empty_org, employee_id="E2")
    assert (tom.name, tom.email, tom.title) == ("Tom Lead", "tom@initech.test", "Head of Ops")
    assert tom.manager is not None and tom.manager.email == "grace@initech.test"
    assert tom.unit is not None and tom.unit.name == "Ops"


@pytest.mark.parametrize(
    "header",
    [
        "Given Name,SURNAME,work_email,Reports To Email,team,position",
        "first name,Family-Name,Email Address,manager e-mail,Unit,role title",
    ],
)
def test_it_builds_the_name_from_first_and_last_name(empty_org: Organization, header: str) -> None:
    data = csv_of(header, "Grace,Boss,grace@initech.test,,Leadership,Chief")
    assert run(empty_org, data).ok
    assert Person.objects.get(org=empty_org).name == "Grace Boss"


def test_it_links_managers_by_id_in_orgchart_style_files(empty_org: Organization) -> None:
    data = csv_of(
        "PersonID,SupervisorID,Name,Title,Email",
        "1,-1,Grace Boss,Chief,grace@initech.test",
        "2,1,Tom Lead,Head,tom@initech.test",
    )
    assert run(empty_org, data).ok
    tom = Person.objects.get(org=empty_org, employee_id="2")
    assert tom.manager is not None and tom.manager.employee_id == "1"


def test_it_ignores_unknown_columns_and_says_so(empty_org: Organization) -> None:
    data = csv_of(
        "Name,Email,Date of Birth,Shoe size", "Grace Boss,grace@initech.test,1970-01-01,9"
    )
    result = run(empty_org, data)
    assert result.ok
    assert any("Date of Birth, Shoe size" in n for n in result.notices)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("email,title", "name column"),
        ("name,title", "email or an employee id column"),
    ],
)
def test_it_refuses_a_file_without_the_columns_it_needs(
    empty_org: Organization, header: str, missing: str
) -> None:
    result = run(empty_org, csv_of(header, "x,y"))
    assert [p.row for p in result.errors] == [1]
    assert missing in result.errors[0].message
    assert writes(empty_org) == (0, 0, 1)  # the organization's own creation


def test_it_reads_windows_text_with_a_notice(empty_org: Organization) -> None:
    data = csv_of("name,email", "José Núñez,jose@initech.test").encode("cp1252")
    result = run(empty_org, data)
    assert result.ok
    assert Person.objects.get(org=empty_org).name == "José Núñez"
    assert any("cp1252" in n for n in result.notices)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode(),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8 with BOM", "utf-16"],
)
def test_it_reads_utf8_with_a_bom_and_utf16(empty_org: Organization, encode: Any) -> None:
    result = run(empty_org, encode(csv_of("Name,Email", "Zoë Ångström,zoe@initech.test")))
    assert result.ok, result.errors
    assert Person.objects.get(org=empty_org).name == "Zoë Ångström"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-xlsx", "spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_it_refuses_files_that_are_not_csv(
    empty_org: Organization, data: bytes, message: str
) -> None:
    result = run(empty_org, data)
    assert len(result.errors) == 1 and result.errors[0].row is None
    assert message in result.errors[0].message
    assert writes(empty_org) == (0, 0, 1)


def test_it_refuses_a_file_with_nobody_in_it(empty_org: Organization) -> None:
    result = run(empty_org, csv_of("name,email", ",", ""))
    assert [str(p) for p in result.errors] == ["file: The file has nobody in it."]


# --- every problem, with its row ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["Grace Boss,grace@initech.test,", ",nobody@initech.test,grace@initech.test"],
            {3: "name is missing"},
        ),
        (
            ["Grace Boss,grace@initech.test,", "Tom Lead,tom(at)initech,grace@initech.test"],
            {3: "not a valid email address"},
        ),
        (
            [
                "Grace Boss,grace@initech.test,",
                "Tom Lead,tom@initech.test,grace@initech.test",
                "Tom Again,TOM@initech.test,grace@initech.test",
            ],
            {4: "also on row 3"},
        ),
        (
            ["Grace Boss,grace@initech.test,", "Tom Lead,tom@initech.test,ghost@initech.test"],
            {3: "Unknown manager “ghost@initech.test”"},
        ),
        (
            ["Grace Boss,grace@initech.test,", "Tom Lead,tom@initech.test,tom@initech.test"],
            {3: "their own manager"},
        ),
        (
            [
                "Grace Boss,grace@initech.test,",
                "Tom Lead,tom@initech.test,lena@initech.test",
                "Lena Doe,lena@initech.test,ann@initech.test",
                "Ann Roe,ann@initech.test,tom@initech.test",
            ],
            {3: "Reporting cycle", 4: "Reporting cycle", 5: "Reporting cycle"},
        ),
        (
            ["Grace Boss,grace@initech.test,", "Tom Lead,tom@initech.test,"],
            {2: "only the top person", 3: "only the top person"},
        ),
    ],
    ids=[
        "missing name",
        "malformed email",
        "duplicate email",
        "unknown manager",
        "own manager",
        "cycle",
        "two tops",
    ],
)
def test_it_reports_each_problem_on_its_row_and_writes_nothing(
    empty_org: Organization, lines: list[str], expected: dict[int, str]
) -> None:
    before = writes(empty_org)
    result = run(empty_org, csv_of("name,email,manager email", *lines))
    found = errors_by_row(result)
    assert set(found) == set(expected), result.errors
    for row, text in expected.items():
        assert any(text in message for message in found[row]), (row, found[row])
    assert writes(empty_org) == before


def test_it_reports_every_problem_at_once(empty_org: Organization) -> None:
    data = csv_of(
        "employee id,name,email,manager id,role",
        "E1,Grace Boss,grace@initech.test,,admin",
        "E2,Tom Lead,not-an-email,E1,member",
        "E2,Tom Twin,twin@initech.test,E1,member",
        "E4,Lena Doe,lena@initech.test,E99,boss",
        "E5,,ann@initech.test,E1,",
        ",Nobody,,E1,",
    )
    result = run(empty_org, data)
    assert sorted({p.row for p in result.errors if p.row}) == [3, 4, 5, 6, 7]
    messages = " | ".join(p.message for p in result.errors)
    for text in (
        "not a valid email",
        "Employee id “E2” is also on row 3",
        "Unknown manager “E99”",
        "Role “boss” is unknown",
        "name is missing",
        "Give an email or an employee id",
    ):
        assert text in messages
    assert writes(empty_org) == (0, 0, 1)


def test_a_cycle_through_people_outside_the_file_is_found(personas: Personas) -> None:
    # Max reports to Ada; making Ada report to Mia (who reports to Max) closes a loop.
    data = csv_of("name,email,manager email", "Ada Admin,ada@acme.test,mia@acme.test")
    result = run(personas.org, data)
    assert [p.row for p in result.errors] == [2]
    assert "Reporting cycle: Ada Admin → Mia Member → Max Manager → Ada Admin" in str(result.errors)


# In the personas, Ada Admin and Fay Facilitator both have no manager: two people at the top.


def test_a_partial_import_of_a_new_hire_passes_although_two_people_are_at_the_top(
    personas: Personas,
) -> None:
    data = csv_of("name,email,manager email", "New Hire,new@acme.test,ada@acme.test")
    result = run(personas.org, data, actor=personas.admin)
    assert result.ok, result.errors
    assert result.applied
    hire = Person.objects.get(org=personas.org, email="new@acme.test")
    assert hire.manager == personas.admin


def test_a_partial_import_passes_after_a_manager_was_deactivated(personas: Personas) -> None:
    person_deactivate(person=personas.manager, actor=personas.admin)
    data = csv_of("name,email,manager email", "Kim New,kim@acme.test,ada@acme.test")
    assert run(personas.org, data).ok


def test_people_reporting_to_an_inactive_manager_do_not_fail_a_partial_import(
    personas: Personas,
) -> None:
    # As recorded before deactivating someone moved their reports: Mia and Noah report to an
    # inactive Max, so the tree has four people at the top, none of them the file's doing.
    Person.objects.filter(pk=personas.manager.pk).update(is_active=False)
    data = csv_of(
        "name,email,manager email,title",
        "Mia Member,mia@acme.test,,Team lead",
        "Kim New,kim@acme.test,ada@acme.test,Engineer",
    )
    result = run(personas.org, data)
    assert result.ok, result.errors
    personas.member.refresh_from_db()
    assert personas.member.title == "Team lead"


def test_a_partial_import_may_keep_someone_at_the_top(personas: Personas) -> None:
    data = csv_of("name,email,manager email,title", "Fay Facilitator,fay@acme.test,,Head coach")
    result = run(personas.org, data)
    assert result.ok, result.errors
    personas.facilitator.refresh_from_db()
    assert personas.facilitator.title == "Head coach"


def test_a_partial_import_refuses_a_new_person_at_the_top_and_names_who_is_there(
    personas: Personas,
) -> None:
    before = writes(personas.org)
    data = csv_of("name,email,manager email", "Kim New,kim@acme.test,")
    result = run(personas.org, data)
    assert [str(p) for p in result.errors] == [
        "row 2: Kim New has no manager, and neither do 2 others (Ada Admin, Fay Facilitator): "
        "only the top person may have none."
    ]
    assert writes(personas.org) == before


def test_a_partial_import_refuses_moving_someone_to_the_top_beside_another(
    personas: Personas,
) -> None:
    person_update(person=personas.facilitator, actor=None, manager=personas.admin)
    data = csv_of("name,email,manager email", "Max Manager,max@acme.test,")
    result = run(personas.org, data)
    assert [str(p) for p in result.errors] == [
        "row 2: Max Manager has no manager, and neither does Ada Admin: "
        "only the top person may have none."
    ]


def test_a_partial_import_may_put_the_first_person_at_the_top(empty_org: Organization) -> None:
    assert run(empty_org, csv_of("name,email", "Grace Boss,grace@initech.test")).ok


def test_a_full_import_names_the_one_other_person_at_the_top(personas: Personas) -> None:
    data = csv_of(
        "name,email,manager email",
        "Ada Admin,ada@acme.test,",
        "Max Manager,max@acme.test,ada@acme.test",
        "Mia Member,mia@acme.test,max@acme.test",
        "Noah Member,noah@acme.test,max@acme.test",
        "Fay Facilitator,fay@acme.test,",
    )
    result = run(personas.org, data, full=True, dry_run=True)
    assert errors_by_row(result) == {
        2: [
            "Ada Admin has no manager, and neither does Fay Facilitator: "
            "only the top person may have none."
        ],
        6: [
            "Fay Facilitator has no manager, and neither does Ada Admin: "
            "only the top person may have none."
        ],
    }


def test_an_email_of_someone_else_is_refused(acme: Personas) -> None:
    data = csv_of(
        "employee id,name,email,manager email",
        "E7,Kim New,mia@acme.test,max@acme.test",
    )
    acme.member.employee_id = "M1"
    acme.member.save()
    result = run(acme.org, data)
    assert [p.row for p in result.errors] == [2]
    assert "already belongs to Mia Member" in result.errors[0].message


def test_a_manager_named_by_id_and_email_must_be_the_same_person(acme: Personas) -> None:
    person_update(person=acme.manager, actor=None, employee_id="M1")
    data = csv_of(
        "name,email,manager id,manager email",
        "Kim New,kim@acme.test,M1,max@acme.test",
        "Lou New,lou@acme.test,M1,ada@acme.test",
    )
    result = run(acme.org, data)
    assert [p.row for p in result.errors] == [3]
    assert "name different people" in result.errors[0].message


def test_too_many_cells_in_a_row_are_reported(empty_org: Organization) -> None:
    data = csv_of("name,email", "Boss, Grace,grace@initech.test")
    result = run(empty_org, data)
    assert 2 in errors_by_row(result)
    assert "3 cells but the header has 2" in errors_by_row(result)[2][0]


# --- what gets written ------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_but_says_what_would_happen(empty_org: Organization) -> None:
    result = run(empty_org, TREE, dry_run=True)
    assert result.ok and not result.applied
    assert [e.name for e in result.to_create] == ["Grace Boss", "Tom Lead", "Lena Doe"]
    assert result.units_to_create == ["Leadership", "Ops"]
    assert result.summary() == "Would import: 3 created, 0 updated, 0 deactivated"
    assert writes(empty_org) == (0, 0, 1)


def test_an_import_writes_people_units_and_audit_events(empty_org: Organization) -> None:
    result = run(empty_org, TREE)
    assert result.applied
    assert result.summary() == "Imported: 3 created, 0 updated, 0 deactivated"
    lena = Person.objects.get(org=empty_org, email="lena@initech.test")
    assert lena.manager is not None and lena.manager.name == "Tom Lead"
    assert lena.role == Role.MEMBER and lena.is_active
    actions = sorted(AuditEvent.objects.filter(org=empty_org).values_list("action", flat=True))
    assert actions == [
        "organization.create",
        "people.import",
        "person.create",
        "person.create",
        "person.create",
        "unit.create",
        "unit.create",
    ]
    summary = AuditEvent.objects.get(org=empty_org, action="people.import")
    assert summary.after is not None and summary.after["created"] == 3
    create = AuditEvent.objects.filter(org=empty_org, action="person.create").first()
    assert create is not None and create.actor_label == "system"


def test_new_departments_become_units_under_the_top_unit(acme: Personas) -> None:
    data = csv_of(
        "name,email,manager email,department", "Kim New,kim@acme.test,max@acme.test,Sales"
    )
    assert run(acme.org, data).ok
    sales = Unit.objects.get(org=acme.org, name="Sales")
    assert sales.parent == acme.root_unit
    assert Person.objects.get(email="kim@acme.test").unit == sales


def test_departments_match_units_in_any_case(acme: Personas) -> None:
    data = csv_of(
        "name,email,manager email,department", "Kim New,kim@acme.test,max@acme.test,SUPPORT"
    )
    result = run(acme.org, data)
    assert result.units_to_create == []
    assert result.applied
    assert Person.objects.get(email="kim@acme.test").unit == acme.unit


def test_a_partial_import_adds_and_updates_and_leaves_the_rest(acme: Personas) -> None:
    data = csv_of(
        "name,email,manager email,title",
        "Mia Member,mia@acme.test,max@acme.test,Team lead",
        "Kim New,kim@acme.test,mia@acme.test,Support engineer",
    )
    result = run(acme.org, data, actor=acme.admin)
    assert result.summary() == "Imported: 1 created, 1 updated, 0 deactivated"
    [update] = result.to_update
    assert [(c.field, c.before, c.after) for c in update.changes] == [
        ("title", "Support engineer", "Team lead")
    ]
    acme.member.refresh_from_db()
    assert acme.member.title == "Team lead"
    assert Person.objects.filter(org=acme.org, is_active=True).count() == 6
    event = AuditEvent.objects.get(org=acme.org, action="person.update", object_id=acme.member.pk)
    assert event.before is not None and event.before["title"] == "Support engineer"
    assert event.after is not None and event.after["title"] == "Team lead"
    assert event.actor == acme.admin.user


def test_a_full_import_deactivates_people_missing_from_the_file(acme: Personas) -> None:
    token = ApiToken.objects.create(
        person=acme.member2, org=acme.org, name="laptop", prefix="abc", token_hash="h" * 64
    )
    data = csv_of(
        "name,email,manager email",
        "Ada Admin,ada@acme.test,",
        "Max Manager,max@acme.test,ada@acme.test",
        "Mia Member,mia@acme.test,max@acme.test",
        "Fay Facilitator,fay@acme.test,ada@acme.test",
    )
    result = run(acme.org, data, actor=acme.admin, full=True)
    assert result.summary() == "Imported: 0 created, 0 updated, 1 deactivated"
    acme.member2.refresh_from_db()
    token.refresh_from_db()
    assert not acme.member2.is_active
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="person.deactivate", object_id=acme.member2.pk).exists()
    revoke = AuditEvent.objects.get(action="api_token.revoke", object_id=token.pk)
    assert revoke.object_label == "API token “laptop” of Noah Member"
    assert revoke.actor == acme.admin.user
    assert revoke.before == {"revoked_at": None}
    assert revoke.after == {"revoked_at": token.revoked_at.isoformat()}


def test_a_dry_run_revokes_no_token_and_audits_none(acme: Personas) -> None:
    token = ApiToken.objects.create(
        person=acme.member2, org=acme.org, name="laptop", prefix="abc", token_hash="h" * 64
    )
    data = csv_of("name,email,manager email", "Ada Admin,ada@acme.test,")
    run(acme.org, data, actor=acme.admin, full=True, dry_run=True)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_a_full_import_without_managers_moves_the_reports_of_a_manager_it_deactivates(
    acme: Personas,
) -> None:
    data = csv_of(
        "name,email",
        "Ada Admin,ada@acme.test",
        "Mia Member,mia@acme.test",
        "Noah Member,noah@acme.test",
        "Fay Facilitator,fay@acme.test",
    )
    result = run(acme.org, data, actor=acme.admin, full=True)
    assert result.ok, result.errors
    assert [e.name for e in result.to_deactivate] == ["Max Manager"]
    assert {
        e.name: [(c.field, c.before, c.after) for c in e.changes] for e in result.to_update
    } == {
        "Mia Member": [("manager", "Max Manager", "Ada Admin")],
        "Noah Member": [("manager", "Max Manager", "Ada Admin")],
    }
    acme.member.refresh_from_db()
    assert acme.member.manager == acme.admin
    event = AuditEvent.objects.get(action="person.update", object_id=acme.member.pk)
    assert event.before is not None and event.before["manager"] == acme.manager.pk
    assert event.after is not None and event.after["manager"] == acme.admin.pk


def test_a_full_import_with_managers_places_the_reports_as_the_file_says(
    acme: Personas,
) -> None:
    data = csv_of(
        "name,email,manager email",
        "Ada Admin,ada@acme.test,",
        "Mia Member,mia@acme.test,fay@acme.test",
        "Noah Member,noah@acme.test,mia@acme.test",
        "Fay Facilitator,fay@acme.test,ada@acme.test",
    )
    assert run(acme.org, data, actor=acme.admin, full=True).applied
    acme.member2.refresh_from_db()
    assert acme.member2.manager == acme.member


def test_a_full_import_never_deactivates_the_admin_running_it(acme: Personas) -> None:
    data = csv_of("name,email,manager email", "Max Manager,max@acme.test,")
    result = run(acme.org, data, actor=acme.admin, full=True, dry_run=True)
    assert any("would make you inactive" in p.message for p in result.errors)


NO_ADMIN = csv_of(
    "name,email,manager email",
    "Max Manager,max@acme.test,",
    "Mia Member,mia@acme.test,max@acme.test",
)


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_full_import_from_the_command_line_may_not_deactivate_every_admin(
    acme: Personas, dry_run: bool
) -> None:
    before = writes(acme.org)
    result = run(acme.org, NO_ADMIN, full=True, dry_run=dry_run)
    assert [str(p) for p in result.errors] == [
        "file: After this import Acme would have no active admin. Keep at least one admin in "
        "the file (a role column saying “admin” makes someone one)."
    ]
    assert writes(acme.org) == before
    acme.admin.refresh_from_db()
    assert acme.admin.is_active


def test_an_import_may_not_demote_the_last_admin(acme: Personas) -> None:
    result = run(acme.org, csv_of("name,email,role", "Ada Admin,ada@acme.test,member"))
    assert "would have no active admin" in str(result.errors)
    acme.admin.refresh_from_db()
    assert acme.admin.is_admin


def test_a_full_import_may_replace_the_admins(acme: Personas) -> None:
    data = csv_of(
        "name,email,manager email,role",
        "Max Manager,max@acme.test,,admin",
        "Mia Member,mia@acme.test,max@acme.test,",
    )
    result = run(acme.org, data, full=True)
    assert result.applied, result.errors
    assert list(
        Person.objects.filter(org=acme.org, is_active=True, role=Role.ADMIN).values_list(
            "name", flat=True
        )
    ) == ["Max Manager"]


def test_an_organization_without_an_admin_may_still_import(empty_org: Organization) -> None:
    assert run(empty_org, TREE, full=True).applied


def test_an_admin_cannot_remove_their_own_admin_role(acme: Personas) -> None:
    data = csv_of("name,email,role", "Ada Admin,ada@acme.test,member")
    result = run(acme.org, data, actor=acme.admin)
    assert errors_by_row(result) == {2: ["You cannot remove your own admin role."]}
    acme.admin.refresh_from_db()
    assert acme.admin.role == Role.ADMIN


def test_a_row_for_an_inactive_person_brings_them_back(acme: Personas) -> None:
    acme.member2.is_active = False
    acme.member2.save()
    data = csv_of("name,email,manager email", "Noah Member,noah@acme.test,max@acme.test")
    result = run(acme.org, data)
    assert [c.field for c in result.to_update[0].changes] == ["active"]
    acme.member2.refresh_from_db()
    assert acme.member2.is_active


def test_rows_marked_inactive_count_as_absent(acme: Personas) -> None:
    data = csv_of(
        "name,email,manager email,active",
        "Ada Admin,ada@acme.test,,yes",
        "Max Manager,max@acme.test,ada@acme.test,yes",
        "Mia Member,mia@acme.test,max@acme.test,no",
        "Noah Member,noah@acme.test,max@acme.test,",
        "Fay Facilitator,fay@acme.test,ada@acme.test,Yes",
        "Ghost Former,ghost@acme.test,max@acme.test,no",
    )
    result = run(acme.org, data, actor=acme.admin, full=True)
    assert result.summary() == "Imported: 0 created, 0 updated, 1 deactivated"
    assert [e.name for e in result.to_deactivate] == ["Mia Member"]
    assert not Person.objects.filter(email="ghost@acme.test").exists()


def test_blank_identity_cells_keep_what_is_recorded(acme: Personas) -> None:
    person_update(person=acme.member, actor=None, employee_id="M7")
    data = csv_of(
        "employee id,name,email,manager email",
        "M7,Mia Member,,max@acme.test",
        ",Noah Member,noah@acme.test,max@acme.test",
    )
    result = run(acme.org, data)
    assert result.unchanged == 2 and result.applied
    acme.member.refresh_from_db()
    assert (acme.member.email, acme.member.employee_id) == ("mia@acme.test", "M7")


def test_people_matched_by_id_can_swap_emails(acme: Personas) -> None:
    person_update(person=acme.member, actor=None, employee_id="M1")
    person_update(person=acme.member2, actor=None, employee_id="M2")
    data = csv_of(
        "employee id,name,email,manager email",
        "M1,Mia Member,noah@acme.test,max@acme.test",
        "M2,Noah Member,mia@acme.test,max@acme.test",
    )
    result = run(acme.org, data)
    assert result.applied, result.errors
    acme.member.refresh_from_db()
    acme.member2.refresh_from_db()
    assert (acme.member.email, acme.member2.email) == ("noah@acme.test", "mia@acme.test")


def test_only_an_admin_of_the_organization_may_import(acme: Personas) -> None:
    before = writes(acme.org)
    with pytest.raises(PermissionDenied):
        run(acme.org, TREE, actor=acme.member)
    with pytest.raises(PermissionDenied):
        run(acme.org, TREE, actor=acme.outsider)
    assert writes(acme.org) == before


def test_a_manager_change_shows_who_was_recorded_before(acme: Personas) -> None:
    person_update(person=acme.member2, actor=None, manager=acme.member)
    data = csv_of(
        "name,email,manager email",
        "Ada Admin,ada@acme.test,",
        "Max Manager,max@acme.test,ada@acme.test",
        "Noah Member,noah@acme.test,max@acme.test",
        "Fay Facilitator,fay@acme.test,ada@acme.test",
    )
    result = run(acme.org, data, actor=acme.admin, full=True, dry_run=True)
    [update] = result.to_update
    assert [(c.field, c.before, c.after) for c in update.changes] == [
        ("manager", "Mia Member", "Max Manager")
    ]
    assert [e.name for e in result.to_deactivate] == ["Mia Member"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text,
    ],
    ids=["utf-16", "utf-16 big-endian", "text"],
)
def test_a_nul_character_anywhere_is_refused_on_its_row(
    empty_org: Organization, encode: Any
) -> None:
    data = csv_of(
        "name,email,notes",
        "Grace Boss,grace@initech.test,",
        "Tom\x00Lead,tom@initech.test,",
        "Lena Doe,lena@initech.test,ignored\x00column",
    )
    result = run(empty_org, encode(data))
    assert sorted(errors_by_row(result)) == [3, 4]
    assert all("NUL character" in p.message for p in result.errors)
    assert writes(empty_org) == (0, 0, 1)


def test_a_nul_character_in_the_header_is_refused_on_row_one(empty_org: Organization) -> None:
    result = run(
        empty_org, csv_of("name,email\x00", "Grace Boss,grace@initech.test").encode("utf-16")
    )
    assert [p.row for p in result.errors] == [1]
    assert "NUL character" in result.errors[0].message


def test_text_that_is_not_unicode_is_refused_on_its_row(empty_org: Organization) -> None:
    result = run(empty_org, csv_of("name,email", "Grace \ud800Boss,grace@initech.test"))
    assert errors_by_row(result) == {
        2: ["This row contains text that is not valid Unicode. Save the file as “CSV UTF-8”."]
    }


def test_a_value_the_database_refuses_is_reported_and_nothing_is_written(
    empty_org: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DataError

    from mutuality.orgs.importing import writing

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DataError("text fields cannot contain NUL (0x00) bytes")

    monkeypatch.setattr(writing, "_insert_each", refuse)
    result = run(empty_org, TREE)
    assert not result.applied
    assert [p.row for p in result.errors] == [None]
    assert "The database refused a value in this file" in result.errors[0].message
    assert writes(empty_org) == (0, 0, 1)


def test_it_reports_a_damaged_utf16_file_instead_of_failing() -> None:
    from mutuality.orgs.importing.people_csv import read_people_csv

    data = "\ufeffname,email\nAda,ada@x.test\n".encode("utf-16-le")
    parsed = read_people_csv(b"\xff\xfe" + data[2:] + b"\x00"[:1])
    assert parsed.errors and "damaged" in parsed.errors[0].message
