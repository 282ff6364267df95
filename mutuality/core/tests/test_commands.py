from __future__ import annotations

import os
import socket
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mutuality import cli
from mutuality.core.management.commands import serve
from mutuality.orgs import synthetic
from mutuality.orgs.models import Organization, Person


class Exec(Exception):
    """Raised instead of replacing the test process with gunicorn."""


@pytest.fixture
def execv(monkeypatch: Any) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake(path: str, argv: list[str]) -> None:
        calls.append(argv)
        raise Exec

    monkeypatch.setattr(serve.os, "execv", fake)
    return calls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(*args: str, **options: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# --- the `mutuality` entry point -----------------------------------------------------------


def test_the_cli_maps_dashed_names_and_aliases(monkeypatch: Any) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main(["mutuality", "import-people", "people.csv", "--org", "acme"])
    cli.main(["mutuality", "export-people", "--org", "acme"])
    cli.main(["mutuality", "worker"])
    cli.main(["mutuality", "--version"])
    assert seen == [
        ["mutuality", "import_people", "people.csv", "--org", "acme"],
        ["mutuality", "export_people", "--org", "acme"],
        ["mutuality", "worker"],
        ["mutuality", "--version"],
    ]


def test_the_demo_runs_in_debug_mode_without_configuration(monkeypatch: Any) -> None:
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: None)
    # setenv first, so that teardown restores the variable's absence after cli sets it.
    monkeypatch.setenv("MUTUALITY_DEBUG", "")
    monkeypatch.delenv("MUTUALITY_DEBUG")
    cli.main(["mutuality", "serve"])
    assert "MUTUALITY_DEBUG" not in os.environ
    cli.main(["mutuality", "demo"])
    assert os.environ["MUTUALITY_DEBUG"] == "1"


# --- demo ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_demo_seeds_once_and_prints_how_to_log_in() -> None:
    first = run("demo", "--no-serve", "--port", "8123")
    assert "Seeded Northwind Cooperative" in first
    assert "http://127.0.0.1:8123/accounts/login/" in first
    assert "northwind-demo" in first
    for kind, email in (
        ("admin", "amara.okafor@northwind.example"),
        ("facilitator", "tomas.herrera@northwind.example"),
        ("manager", "priya.raman@northwind.example"),
        ("member", "jonas.lindqvist@northwind.example"),
    ):
        assert any(line.split()[:2] == [kind, email] for line in first.splitlines())
    people = Person.objects.count()

    second = run("demo", "--no-serve")
    assert "exists already; nothing was added" in second
    assert "amara.okafor@northwind.example" in second
    assert Person.objects.count() == people
    assert Organization.objects.filter(slug="northwind").count() == 1


@pytest.mark.django_db(transaction=True)
def test_demo_serves_on_the_port_it_was_given(execv: list[list[str]]) -> None:
    port = free_port()
    with pytest.raises(Exec):
        run("demo", "--port", str(port))
    argv = execv[0]
    assert argv[1:4] == ["-m", "gunicorn", "mutuality.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == f"127.0.0.1:{port}"


# --- serve ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_serve_runs_gunicorn_with_the_options_given(
    execv: list[list[str]], monkeypatch: Any
) -> None:
    port = free_port()
    monkeypatch.setenv("PORT", str(port))
    with pytest.raises(Exec):
        out = StringIO()
        call_command("serve", "--workers", "3", "--access-log", stdout=out)
    assert f"http://127.0.0.1:{port}/" in out.getvalue()
    argv = execv[0]
    assert argv[argv.index("--bind") + 1] == f"127.0.0.1:{port}"
    assert argv[argv.index("--workers") + 1] == "3"
    assert "--access-logfile" in argv


def test_serve_formats_an_ipv6_bind_address() -> None:
    argv = serve.gunicorn_argv(host="::1", port=9000, workers=1, access_log=False)
    assert argv[argv.index("--bind") + 1] == "[::1]:9000"


@pytest.mark.django_db
def test_serve_refuses_a_port_in_use(execv: list[list[str]]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError) as error:
            run("serve", "--port", str(port))
    assert f"127.0.0.1:{port}" in str(error.value)
    assert f"--port {port + 1}" in str(error.value)
    assert execv == []


@pytest.mark.django_db
def test_serve_refuses_nonsense_numbers(execv: list[list[str]]) -> None:
    with pytest.raises(CommandError, match="--workers"):
        run("serve", "--port", str(free_port()), "--workers", "0")
    with pytest.raises(CommandError, match="--port"):
        run("serve", "--port", "70000")
    assert execv == []


@pytest.mark.django_db
def test_serve_collects_static_files_when_production_needs_them(
    execv: list[list[str]], settings: Any, tmp_path: Path
) -> None:
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert serve.needs_collectstatic()
    with pytest.raises(Exec):
        run("serve", "--port", str(free_port()))
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    assert (tmp_path / "static" / "mutuality" / "mutuality.css").exists()

    # A stale manifest (files added by an upgrade) is refreshed at the next start.
    manifest.write_text('{"paths": {}, "version": "1.1", "hash": ""}')
    with pytest.raises(Exec):
        run("serve", "--port", str(free_port()))
    assert "mutuality/mutuality.css" in manifest.read_text()


@pytest.mark.django_db
def test_serve_can_leave_static_files_to_a_build_step(
    execv: list[list[str]], settings: Any, tmp_path: Path
) -> None:
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(Exec):
        run("serve", "--port", str(free_port()), "--no-collectstatic")
    assert not (tmp_path / "static").exists()
    assert len(execv) == 1


def test_serve_needs_no_collectstatic_when_serving_from_the_apps(settings: Any) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    assert not serve.needs_collectstatic()


# --- seed ----------------------------------------------------------------------------------


@pytest.fixture
def no_activity(monkeypatch: Any) -> None:
    # The command's own behaviour; other apps' synthetic activity has its own tests.
    monkeypatch.setattr(synthetic, "SYNTHETIC_EXTENSIONS", [])


@pytest.mark.django_db
@pytest.mark.usefixtures("no_activity")
def test_seed_builds_an_org_and_prints_its_logins() -> None:
    out = run("seed", "--size", "s", "--org", "bench-small")
    assert "Built bench-small: 200 people in 20 units" in out
    assert "people and units" in out
    assert "synthetic-bench" in out
    assert "@bench-small.example" in out
    assert Person.objects.filter(org__slug="bench-small").count() == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("no_activity")
def test_seed_refuses_to_build_twice_without_replace() -> None:
    run("seed", "--size", "S")
    with pytest.raises(CommandError, match="--replace"):
        run("seed", "--size", "S")
    run("seed", "--size", "S", "--replace")
    assert Person.objects.filter(org__slug="synthetic-s").count() == 200


def test_the_workers_reminder_loop_survives_a_failed_run_and_stops_when_told(
    monkeypatch: Any,
) -> None:
    import threading

    from mutuality.core.management.commands import worker

    calls: list[int] = []
    stop = threading.Event()

    def run_periodic_jobs() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the mail server is down")
        if len(calls) == 3:
            stop.set()
        return "reminders: queued 0"

    monkeypatch.setattr(worker, "run_periodic_jobs", run_periodic_jobs)
    worker._remind_forever(0, stop)
    assert len(calls) == 3
