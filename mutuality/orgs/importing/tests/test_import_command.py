"""`mutuality import-people FILE --org SLUG [--full] [--dry-run]`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mutuality.cli import main
from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Organization, Person
from mutuality.orgs.services import organization_create

GOOD = (
    "Employee Id,Name,Email,Manager ID,Department\n"
    "E1,Grace Boss,grace@initech.test,,Leadership\n"
    "E2,Tom Lead,tom@initech.test,E1,Ops\n"
)
BAD = (
    "Employee Id,Name,Email,Manager ID\n"
    "E1,Grace Boss,grace@initech.test,\n"
    "E2,Tom Lead,tom@initech.test,E9\n"
    "E3,Lena Doe,lena@@initech,E1\n"
)


@pytest.fixture
def org(db: object) -> Organization:
    return organization_create(name="Initech", slug="initech")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_people", *args, stdout=out)
    return out.getvalue()


def written(org: Organization) -> tuple[int, int]:
    return Person.objects.filter(org=org).count(), AuditEvent.objects.filter(org=org).count()


def test_a_dry_run_prints_the_plan_and_writes_nothing(org: Organization, tmp_path: Path) -> None:
    output = run(str(write(tmp_path, GOOD)), "--org", "initech", "--dry-run")
    assert "Initech: partial import of 2 rows" in output
    assert "to create       2" in output
    assert "Units to create: Leadership, Ops" in output
    assert "row 3: Tom Lead <tom@initech.test>" in output
    assert "Dry run: nothing was written." in output
    assert written(org) == (0, 1)


def test_an_import_writes_and_says_what_it_did(org: Organization, tmp_path: Path) -> None:
    output = run(str(write(tmp_path, GOOD)), "--org", "initech")
    assert "Imported: 2 created, 0 updated, 0 deactivated" in output
    tom = Person.objects.get(org=org, employee_id="E2")
    assert tom.manager is not None and tom.manager.employee_id == "E1"


def test_problems_are_printed_with_their_rows_and_fail_the_command(
    org: Organization, tmp_path: Path
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"2 problem\(s\): nothing was written"):
        call_command("import_people", str(write(tmp_path, BAD)), "--org", "initech", stdout=out)
    output = out.getvalue()
    assert "row 3: Unknown manager “E9”" in output
    assert "row 4: “lena@@initech” is not a valid email address." in output
    assert written(org) == (0, 1)


def test_the_mutuality_command_exits_non_zero_on_problems(
    org: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write(tmp_path, BAD))
    with pytest.raises(SystemExit) as exit_info:
        main(["mutuality", "import-people", path, "--org", "initech", "--dry-run"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "row 3: Unknown manager" in captured.out
    assert "nothing was written" in captured.err


def test_the_mutuality_command_succeeds_on_a_clean_file(
    org: Organization,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A command run from the command line closes the database connections when it ends;
    # here that connection holds the test's transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    main(["mutuality", "import-people", str(write(tmp_path, GOOD)), "--org", "initech"])
    assert "Imported: 2 created" in capsys.readouterr().out
    assert written(org)[0] == 2


def test_a_full_import_deactivates_the_people_missing(org: Organization, tmp_path: Path) -> None:
    run(str(write(tmp_path, GOOD)), "--org", "initech")
    only_grace = "Employee Id,Name,Email,Manager ID\nE1,Grace Boss,grace@initech.test,\n"
    output = run(str(write(tmp_path, only_grace)), "--org", "initech", "--full")
    assert "Imported: 0 created, 0 updated, 1 deactivated" in output
    assert not Person.objects.get(org=org, employee_id="E2").is_active


def test_long_lists_are_cut_unless_asked_for(org: Organization, tmp_path: Path) -> None:
    lines = ["Employee Id,Name,Manager ID", "E0,Boss,"]
    lines += [f"E{i},Person {i},E0" for i in range(1, 40)]
    path = str(write(tmp_path, "\n".join(lines)))
    assert "… and 20 more (-v 2 lists all)" in run(path, "--org", "initech", "--dry-run")
    assert "row 41: Person 39" in run(path, "--org", "initech", "--dry-run", "-v", "2")


def test_an_unknown_organization_or_file_is_a_clear_error(
    org: Organization, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="No organization has the short name “nope”"):
        run(str(write(tmp_path, GOOD)), "--org", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"), "--org", "initech")


def test_a_full_import_that_would_leave_no_active_admin_is_refused(
    org: Organization, tmp_path: Path
) -> None:
    run(
        str(write(tmp_path, GOOD + "E3,Ada Admin,ada@initech.test,E1,Leadership\n")),
        "--org",
        "initech",
    )
    Person.objects.filter(org=org, email="ada@initech.test").update(role="admin")
    before = written(org)
    for extra in (["--dry-run"], []):
        with pytest.raises(CommandError, match="1 problem"):
            run(str(write(tmp_path, GOOD)), "--org", "initech", "--full", *extra)
    assert written(org) == before
    assert Person.objects.get(org=org, email="ada@initech.test").is_active
