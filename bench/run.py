"""`make bench [SIZE=S|M|L] [DB=sqlite|postgres]`: how fast the pages and endpoints are.

Builds a fresh database, seeds a synthetic organization, serves it with gunicorn on a free
loopback port (`mutuality serve`, production settings), requests every target in
bench/targets.py a fixed number of times, prints p50 / p95 / requests per second and the
ratio to a bare Django JSON view served the same way in the same run, writes the numbers to
bench/results/<db>-<size>.json, and stops its server. See bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.targets import BASELINE, PAGE_BUDGET_MS, TARGETS, Target  # noqa: E402

HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "mutuality_bench"


@dataclass
class Row:
    name: str
    path: str
    auth: str
    status: str = "ok"
    requests: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None
    rps: float | None = None
    ratio: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    errors: int = 0
    budget_ms: float = PAGE_BUDGET_MS
    server_budget_ms: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def over_budget(self) -> bool:
        if self.p95_ms is not None and self.p95_ms > self.budget_ms:
            return True
        return bool(
            self.server_budget_ms is not None
            and self.server_p95_ms is not None
            and self.server_p95_ms > self.server_budget_ms
        )

    def budget_text(self) -> str:
        if self.server_budget_ms is not None:
            return f"{self.budget_ms:.0f}, srv {self.server_budget_ms:.0f}"
        return f"{self.budget_ms:.0f}"


@dataclass
class Sample:
    status: int
    ms: float
    server_ms: float | None
    queries: int | None


# --- the database and the seeded organization ---------------------------------------------


def seeded_file(db: str, size: str) -> Path:
    """Where a run notes what it seeded, so that `--reuse` can skip seeding next time."""
    return RESULTS / f"{db}-{size}.seeded.json"


def prepare_environment(db: str, size: str, *, reuse: bool) -> dict[str, str]:
    """Production settings (DEBUG off), plus the bench middleware and baseline route.

    The database is made afresh, unless `reuse` and an earlier run's seeded database is there.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"MUTUALITY_DEBUG", "MUTUALITY_TESTING"}}
    fresh = not (reuse and seeded_file(db, size).exists())
    if fresh:
        seeded_file(db, size).unlink(missing_ok=True)
    if db == "sqlite":
        path = RESULTS / f"bench-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if fresh:
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        # One database per size, so that --reuse can keep several.
        name = f"{PG_DB}_{size.lower()}"
        if fresh:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env.update(
        DJANGO_SETTINGS_MODULE="mutuality.settings",
        DATABASE_URL=url,
        MUTUALITY_SECRET_KEY=secrets.token_urlsafe(50),
        MUTUALITY_BENCH="1",
        # Plain HTTP on loopback: no HTTPS redirect, ordinary cookie names.
        MUTUALITY_INSECURE_HTTP="1",
        MUTUALITY_STATIC_ROOT=str(RESULTS / "static"),
        MUTUALITY_LOG_LEVEL="ERROR",
    )
    return env


@dataclass
class Seeding:
    seeded: Any  # mutuality.orgs.synthetic.SyntheticOrg (Django is set up later)
    cookies: dict[str, str]
    token: str
    seconds: float
    activity: bool
    reused: bool


def seed(db: str, size: str, *, activity: bool) -> Seeding:
    """Migrate, build the synthetic org, and log in its member and admin (in this process)."""
    import django

    django.setup()
    from mutuality.orgs import synthetic

    if not activity:
        synthetic.SYNTHETIC_EXTENSIONS.clear()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from mutuality.accounts.services import api_token_create
    from mutuality.orgs.models import Organization, Person
    from mutuality.orgs.synthetic import SyntheticOrg, synthetic_org_create

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    noted = seeded_file(db, size)
    note = json.loads(noted.read_text()) if noted.exists() else {}
    org = Organization.objects.filter(slug=note.get("slug", "")).first()
    if org is not None:
        seeded = SyntheticOrg(org=org, **note["fields"])
        activity = note["activity"]
        took, reused = 0.0, True
        print(f"reusing the {org.slug} seeded earlier (delete {noted} to seed afresh)")
    else:
        seeded = synthetic_org_create(size=size)
        took, reused = time.perf_counter() - migrated, False
        print(
            f"migrated in {migrated - started:.1f} s; seeded {seeded.people:,} people in "
            f"{seeded.units:,} units in {took:.1f} s"
        )
        for step, seconds in seeded.timings.items():
            print(f"  {seconds:6.1f} s  {step}")
        # Fresh statistics, as a database that has been running for a while would have.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        fields = {k: v for k, v in asdict_shallow(seeded).items() if k != "org"}
        note = {"slug": seeded.org.slug, "activity": activity, "fields": fields}
        noted.write_text(json.dumps(note, indent=2) + "\n")

    cookies = {}
    for kind, pk in (("member", seeded.member_id), ("admin", seeded.admin_id)):
        user = Person.objects.select_related("user").get(pk=pk).user
        assert user is not None, "synthetic people all have logins"
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies[kind] = client.cookies[settings.SESSION_COOKIE_NAME].value
    member = Person.objects.select_related("org", "user").get(pk=seeded.member_id)
    _, token = api_token_create(person=member, name="bench")
    connections.close_all()
    return Seeding(seeded, cookies, token, took, activity, reused)


def asdict_shallow(obj: Any) -> dict[str, Any]:
    # dataclasses.asdict would deep-copy the model instance in `org`.
    return {f: getattr(obj, f) for f in obj.__dataclass_fields__}


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "mutuality.cli", "serve", "--host", HOST, "--port", str(port)]
    argv += ["--workers", str(workers)]
    with log.open("wb") as out:
        # Its own process group, so stopping it reaches the gunicorn workers too.
        return subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_ready(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The server stopped (exit {proc.returncode}):\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"The server was not ready after {timeout:.0f} s:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


# --- measuring --------------------------------------------------------------------------------


def headers_for(auth: str, creds: Seeding, cookie_name: str) -> dict[str, str]:
    if auth == "token":
        return {"Authorization": f"Bearer {creds.token}", "Accept": "application/json"}
    if auth in creds.cookies:
        return {"Cookie": f"{cookie_name}={creds.cookies[auth]}"}
    return {}


def fetch(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> Sample:
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        return Sample(
            status=0, ms=(time.perf_counter() - started) * 1000, server_ms=None, queries=None
        )
    ms = (time.perf_counter() - started) * 1000
    server_ms = None
    timing = response.getheader("Server-Timing") or ""
    if "dur=" in timing:
        server_ms = float(timing.split("dur=", 1)[1].split(",")[0])
    queries = response.getheader("X-Query-Count")
    return Sample(response.status, ms, server_ms, int(queries) if queries else None)


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def sequential(port: int, path: str, headers: dict[str, str], n: int, cap: float) -> list[Sample]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    samples: list[Sample] = []
    deadline = time.monotonic() + cap
    while len(samples) < n and time.monotonic() < deadline:
        samples.append(fetch(conn, path, headers))
    conn.close()
    return samples


def concurrent(
    port: int, path: str, headers: dict[str, str], n: int, clients: int, cap: float
) -> tuple[int, int, float]:
    """(completed, failed, seconds) for n requests shared by `clients` keep-alive clients."""
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0}
    deadline = time.monotonic() + cap

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if state["next"] >= n:
                    break
                state["next"] += 1
            sample = fetch(conn, path, headers)
            with lock:
                state["ok" if 200 <= sample.status < 300 else "failed"] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return state["ok"], state["failed"], time.perf_counter() - started


def measure(
    target: Target, path: str, headers: dict[str, str], port: int, args: argparse.Namespace
) -> Row:
    row = Row(
        name=target.name,
        path=path,
        auth=target.auth,
        budget_ms=target.budget_ms,
        server_budget_ms=target.server_budget_ms,
    )
    warm = sequential(port, path, headers, args.warmup, args.cap)
    statuses = sorted({s.status for s in warm})
    if statuses != [200]:
        status = next((s for s in statuses if s != 200), 0)
        row.status = {
            0: "no response",
            302: "302 (redirected: not logged in?)",
            403: "403 forbidden",
            404: "404 not built yet",
        }.get(status, f"HTTP {status}")
        return row
    samples = sequential(port, path, headers, args.requests, args.cap)
    good = [s for s in samples if s.status == 200]
    row.requests = len(samples)
    row.errors = len(samples) - len(good)
    if len(samples) < args.requests:
        row.notes.append(f"stopped after {args.cap:.0f} s")
    if not good:
        row.status = "every request failed"
        return row
    times = [s.ms for s in good]
    row.p50_ms = statistics.median(times)
    row.p95_ms = percentile(times, 95)
    server = [s.server_ms for s in good if s.server_ms is not None]
    if server:
        row.server_p50_ms = statistics.median(server)
        row.server_p95_ms = percentile(server, 95)
    queries = [s.queries for s in good if s.queries is not None]
    if queries:
        row.queries_min, row.queries_max = min(queries), max(queries)
    ok, failed, seconds = concurrent(port, path, headers, args.requests, args.clients, args.cap)
    row.rps = ok / seconds if seconds > 0 else None
    row.errors += failed
    return row


# --- reporting --------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def print_table(rows: list[Row]) -> None:
    head = (
        "endpoint",
        "p50 ms",
        "p95 ms",
        "budget",
        "srv p95",
        "req/s",
        "× bare",
        "queries",
        "status",
    )
    lines = [head]
    for r in rows:
        queries = (
            "—"
            if r.queries_max is None
            else str(r.queries_max)
            if r.queries_min == r.queries_max
            else f"{r.queries_min}–{r.queries_max}"
        )
        status = r.status if not r.errors else f"{r.status}, {r.errors} errors"
        if r.notes:
            status += f" ({'; '.join(r.notes)})"
        lines.append(
            (
                r.name,
                fmt(r.p50_ms),
                fmt(r.p95_ms),
                r.budget_text(),
                fmt(r.server_p95_ms),
                fmt(r.rps, 0),
                fmt(r.ratio),
                queries,
                status,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for i, line in enumerate(lines):
        cells = [
            cell.ljust(widths[j]) if j in (0, len(head) - 1) else cell.rjust(widths[j])
            for j, cell in enumerate(line)
        ]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def compare_queries(rows: list[Row], *, db: str, size: str) -> None:
    """Name the targets whose query count differs from an earlier run at another size."""
    for other in ("S", "M", "L"):
        path = RESULTS / f"{db}-{other}.json"
        if other == size or not path.exists():
            continue
        data = json.loads(path.read_text())
        earlier = {r["name"]: r for r in data["results"]}
        grew = [
            f"{r.name} ({earlier[r.name]['queries_max']} at {other}, {r.queries_max} at {size})"
            for r in rows
            if r.queries_max is not None
            and earlier.get(r.name, {}).get("queries_max") not in (None, r.queries_max)
        ]
        same = "same query counts" if not grew else "query counts differ: " + "; ".join(grew)
        print(f"compared with the size {other} run on {db} of {data.get('when', '?')}: {same}")


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, check=True
        )
        return out.stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="L", type=str.upper, choices=["S", "M", "L"])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=200, help="Per target and phase.")
    parser.add_argument("--warmup", type=int, default=10, help="Unmeasured requests first.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--clients", type=int, default=4, help="Clients in the req/s phase.")
    parser.add_argument("--cap", type=float, default=60.0, help="Seconds at most per phase.")
    parser.add_argument(
        "--only", default="", help="Comma-separated substrings of target names to run."
    )
    parser.add_argument(
        "--no-activity",
        action="store_true",
        help="People and units only: skip the activity other apps add (faster to seed).",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the database an earlier run seeded, if it is there (skips seeding).",
    )
    parser.add_argument(
        "--strict", action="store_true", help="Exit 1 if a p95 is over budget or a target fails."
    )
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)

    load_before = os.getloadavg()[0]
    print(f"== make bench: size {args.size}, {args.db}, {args.requests} requests per phase")
    if load_before > 1.0:
        print(f"note: the machine is busy (load {load_before:.1f}); numbers will be noisy")
    env = prepare_environment(args.db, args.size, reuse=args.reuse)
    os.environ.update(env)
    for key in ("MUTUALITY_DEBUG", "MUTUALITY_TESTING"):
        os.environ.pop(key, None)
    seeding = seed(args.db, args.size, activity=not args.no_activity)
    seeded = seeding.seeded
    from django.conf import settings

    cookie_name = settings.SESSION_COOKIE_NAME
    wanted = [w.strip().lower() for w in args.only.split(",") if w.strip()]
    targets = [
        t
        for t in TARGETS
        if t.name == BASELINE or not wanted or any(w in t.name.lower() for w in wanted)
    ]
    paths = {t.name: t.path(seeded) for t in targets}

    port = free_port()
    log = RESULTS / f"{args.db}-{args.size}-server.log"
    print(f"serving on http://{HOST}:{port} with {args.workers} gunicorn workers (log: {log})")
    proc = start_server(env, port, args.workers, log)
    rows: list[Row] = []
    try:
        wait_until_ready(proc, port, log, timeout=120)
        for target in targets:
            path = paths[target.name]
            headers = headers_for(target.auth, seeding, cookie_name)
            row = measure(target, path, headers, port, args)
            rows.append(row)
            print(f"  {target.name}: {row.status}, p95 {fmt(row.p95_ms)} ms", flush=True)
    except KeyboardInterrupt:
        print("interrupted; stopping the server")
        return 130
    finally:
        stop_server(proc)

    base = next((r for r in rows if r.name == BASELINE and r.p50_ms), None)
    for r in rows:
        if base is not None and base.p50_ms and r.p50_ms is not None:
            r.ratio = r.p50_ms / base.p50_ms
    print()
    print(
        f"size {args.size} ({seeded.people:,} people, {seeded.units:,} units), {args.db}; "
        f"latency from {args.requests} sequential requests, req/s from {args.clients} "
        f"concurrent clients; {args.workers} gunicorn workers"
    )
    print_table(rows)
    over = [r for r in rows if r.over_budget]
    failing = [r for r in rows if r.status != "ok"]
    print()
    if over:
        print(
            "over their p95 budget: "
            + ", ".join(
                f"{r.name} (p95 {fmt(r.p95_ms, 0)} ms, server {fmt(r.server_p95_ms)} ms; "
                f"budget {r.budget_text()} ms)"
                for r in over
            )
        )
    else:
        print("every measured p95 is within its budget")
    if failing:
        print("not measured: " + "; ".join(f"{r.name} ({r.status})" for r in failing))

    compare_queries(rows, db=args.db, size=args.size)

    # A partial run (--only) must not replace the full run's numbers.
    out = RESULTS / f"{args.db}-{args.size}{'.partial' if wanted else ''}.json"
    out.write_text(
        json.dumps(
            {
                "size": args.size,
                "db": args.db,
                "people": seeded.people,
                "units": seeded.units,
                "seed_seconds": round(seeding.seconds, 2),
                "seed_steps": {k: round(v, 2) for k, v in seeded.timings.items()},
                "activity": seeding.activity,
                "reused": seeding.reused,
                "requests_per_phase": args.requests,
                "clients": args.clients,
                "workers": args.workers,
                "budget_p95_ms": PAGE_BUDGET_MS,
                "revision": git_revision(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                # 1-minute load average: other work on the machine skews the numbers.
                "load_before": round(load_before, 2),
                "load_after": round(os.getloadavg()[0], 2),
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "results": [asdict(r) for r in rows],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {out}")
    return 1 if args.strict and (over or failing) else 0


if __name__ == "__main__":
    sys.exit(main())
