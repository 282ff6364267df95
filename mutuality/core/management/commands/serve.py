"""`mutuality serve`: run the app under gunicorn, the production WSGI server.

The command replaces itself with gunicorn (exec), so Ctrl-C and SIGTERM go straight to
gunicorn's master, which stops its workers gracefully; nothing is left behind.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.config import KNOWN_SETTINGS


def default_port() -> int:
    value = os.environ.get("PORT", "")
    return int(value) if value.isdigit() else 8000


def check_port_free(host: str, port: int) -> None:
    """Fail with a clear message now rather than have gunicorn retry and give up later."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {host}:{port} ({exc.strerror}). Choose another port: "
                f"`mutuality serve --port {port + 1}` or `make demo PORT={port + 1}`."
            ) from exc


def needs_collectstatic() -> bool:
    """Whether pages need collected static files (production), rather than the apps' own."""
    # Manifest storages (ManifestFilesMixin) look every {% static %} file up in a manifest.
    if isinstance(getattr(staticfiles_storage, "manifest_name", None), str):
        return True
    return not settings.WHITENOISE_USE_FINDERS


def gunicorn_argv(*, host: str, port: int, workers: int, access_log: bool) -> list[str]:
    bind = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "mutuality.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--graceful-timeout",
        "5",
        "--timeout",
        "60",
    ]
    if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS):
        # gunicorn ≥ 25.1 opens a control socket at one fixed path per user; two servers
        # (a demo and a benchmark) would fight over it, and nothing here uses it.
        argv.append("--no-control-socket")
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv


class Command(BaseCommand):
    help = "Serve Mutuality with gunicorn on http://HOST:PORT (collects static files if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=None, help="Port to listen on (default: $PORT or 8000)."
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default: $MUTUALITY_WORKERS or 2).",
        )
        parser.add_argument("--access-log", action="store_true", help="Print one line per request.")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files (when a build step has done it already).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = default_port() if options["port"] is None else options["port"]
        workers: int | None = options["workers"]
        if workers is None:
            env_workers = os.environ.get("MUTUALITY_WORKERS", "")
            workers = int(env_workers) if env_workers.isdigit() else 2
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        check_port_free(host, port)
        if needs_collectstatic() and not options["no_collectstatic"]:
            # Every start, not only the first: after an upgrade a stale manifest lacks the
            # new files, and pages that use them would fail.
            self.stdout.write("Collecting static files…")
            call_command("collectstatic", interactive=False, verbosity=0)
        shown = f"[{host.strip('[]')}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(f"Serving Mutuality on http://{shown}:{port}/") + " (Ctrl-C to stop)"
        )
        self.stdout.flush()
        # Connections opened by migrate/seed must not leak into the server's processes.
        connections.close_all()
        argv = gunicorn_argv(
            host=host, port=port, workers=workers, access_log=options["access_log"]
        )
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter running gunicorn
