"""Loopback load test (PostgreSQL, the database load_scale filled): starts gunicorn with the platform's
WSGI application as in production (DEBUG off, a generated SECRET_KEY, the shared Redis cache, static
files collected into a temporary folder), waits for /health/, runs locust headless (scripts/locustfile.py:
advisors, referents and elected officials signing in through the login form, then browsing their pages),
stops gunicorn and prints the sign-in phase's figures, then, per page of the measured browsing, requests,
failures, median, p95 and p99."""

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reporting.scale import DEFAULT_PASSWORD
from reporting.scale.pages import load_scenario

LOCUSTFILE = Path(settings.BASE_DIR) / "scripts" / "locustfile.py"
P95_TARGET_MS = 300
BENCH_FAILURE_LIMIT = 1_000_000
APPLICATION_NAME = "pcl-bench-load"
# The longest the sign-in phase may last before the measured browsing.
SIGN_IN_ALLOWANCE = 180


class Command(BaseCommand):
    help = "Load-tests the platform on the loopback with locust, against gunicorn on the loaded database."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="Simulated users (default 50)")
        parser.add_argument(
            "--spawn-rate",
            type=float,
            default=2,
            help="Users started (signing in) per second (default 2: people arrive, not all in one second)",
        )
        parser.add_argument(
            "--run-time", type=int, default=60, help="Seconds of browsing measured once all are signed in"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2 * (os.cpu_count() or 1) + 1,
            help="gunicorn workers (2 x cores + 1)",
        )
        parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11", help="The shared cache")
        parser.add_argument("--accounts", type=int, default=50, help="Accounts of each role to sign in as")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The bench accounts' password")

    def handle(self, *args, users, spawn_rate, run_time, workers, redis_url, accounts, password, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_load reads the national-scale database: set DATABASE_URL=postgres://.../pcl_scale"
            )
        scenario = load_scenario(accounts_per_role=accounts, password=password)
        if not all(scenario.values()):
            raise CommandError("No bench accounts of some role: load the data first (manage.py load_scale).")
        with tempfile.TemporaryDirectory(prefix="pcl-bench-load-") as folder:
            folder = Path(folder)
            (folder / "scenario.json").write_text(json.dumps(scenario), encoding="utf-8")
            (folder / "bench_load_settings.py").write_text(_settings_module(folder), encoding="utf-8")
            environment = self._environment(folder, workers, redis_url)
            self.stdout.write("Collecting the static files…")
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                cwd=settings.BASE_DIR,
                env=environment,
                check=True,
            )
            port = _free_port()
            host = f"http://127.0.0.1:{port}"
            log = (folder / "gunicorn.log").open("w")
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "pcl.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "120",
                ],
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_healthy(host, server)
                self.stdout.write(
                    f"gunicorn ({workers} workers) answers on {host}; "
                    f"locust: {users} users, {spawn_rate:g}/s, {run_time} s…"
                )
                started = time.perf_counter()
                locust = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "locust",
                        "-f",
                        str(LOCUSTFILE),
                        "--headless",
                        "--users",
                        str(users),
                        "--spawn-rate",
                        str(spawn_rate),
                        # An upper bound: the locustfile stops the run after the sign-ins and its
                        # measured seconds of browsing.
                        "--run-time",
                        f"{run_time + SIGN_IN_ALLOWANCE}s",
                        "--host",
                        host,
                        "--csv",
                        str(folder / "locust"),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                        "--stop-timeout",
                        "35",
                    ],
                    cwd=settings.BASE_DIR,
                    env=environment
                    | {
                        "PCL_LOCUST_SCENARIO": str(folder / "scenario.json"),
                        "PCL_LOCUST_USERS": str(users),
                        "PCL_LOCUST_SECONDS": str(run_time),
                        "PCL_LOCUST_SIGNIN": str(folder / "signin.json"),
                    },
                    capture_output=True,
                    text=True,
                )
                elapsed = time.perf_counter() - started
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                log.close()
                _cancel_leftover_queries()
            stats = folder / "locust_stats.csv"
            if not stats.exists():
                self.stderr.write(locust.stdout[-3000:] + locust.stderr[-3000:])
                self.stderr.write((folder / "gunicorn.log").read_text()[-3000:])
                raise CommandError(f"locust wrote no statistics (exit code {locust.returncode})")
            signin = folder / "signin.json"
            if not signin.exists():
                raise CommandError(
                    f"Not every user signed in within {SIGN_IN_ALLOWANCE} s: no browsing was measured."
                )
            self._print_sign_in(json.loads(signin.read_text(encoding="utf-8")), users)
            failures = self._print(stats, elapsed)
            if failures:
                self.stderr.write(locust.stderr[-3000:])
                raise CommandError(f"{failures} requests failed under load")

    def _environment(self, folder: Path, workers: int, redis_url: str) -> dict:
        database = connection.settings_dict
        url = f"postgres://{database['USER']}"
        url += f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        url += f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        return os.environ | {
            "DJANGO_SETTINGS_MODULE": "bench_load_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), str(settings.BASE_DIR)]),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "WEB_CONCURRENCY": str(workers),
            # Plain HTTP on the loopback: no redirect to HTTPS, cookies sent without TLS.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
        }

    def _print_sign_in(self, figures: dict, users: int) -> None:
        self.stdout.write(
            f"Sign-in phase ({users} people through the login form; each sign-in hashes the password, "
            "PBKDF2 by design): measured apart, the browsing's figures start once all are signed in."
        )
        for name, item in figures.items():
            self.stdout.write(
                f"  {name:<12} {item['requests']:>4} requests, {item['failures']} failures, "
                f"median {item['median']:.0f} ms, p95 {item['p95']:.0f} ms"
            )
        if any(item["failures"] for item in figures.values()):
            raise CommandError("Some sign-ins failed: see the figures above.")

    def _print(self, stats: Path, elapsed: float) -> int:
        with stats.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        header = f"{'page':<24} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}"
        self.stdout.write(
            f"Browsing by the signed-in people (run of {elapsed:.0f} s in all; "
            f"p95 target ≤ {P95_TARGET_MS} ms; a request over 30 s fails as a timeout)"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        total_failures = 0
        # The sign-in phase's rows were emptied when the browsing started (printed above).
        rows = [row for row in rows if int(row["Request Count"]) or row["Name"] == "Aggregated"]
        rows.sort(key=lambda row: (row["Name"] == "Aggregated", row["Name"]))
        for row in rows:
            name = "total" if row["Name"] == "Aggregated" else row["Name"]
            failures, p95 = int(row["Failure Count"]), _number(row["95%"])
            if name == "total":
                total_failures = failures
                self.stdout.write("-" * len(header))
            mark = ("  ✗ failures" if failures else "") + (
                f"  ✗ p95 > {P95_TARGET_MS} ms" if p95 > P95_TARGET_MS else ""
            )
            self.stdout.write(
                f"{name:<24} {int(row['Request Count']):>9} {failures:>9} {_number(row['50%']):>10.0f} "
                f"{p95:>8.0f} {_number(row['99%']):>8.0f}{mark}"
            )
        failures_file = stats.with_name("locust_failures.csv")
        if total_failures and failures_file.exists():
            with failures_file.open(newline="", encoding="utf-8") as handle:
                for row in list(csv.DictReader(handle))[:15]:
                    self.stdout.write(f"  ✗ {row['Name']}: {row['Error'][:120]} ({row['Occurrences']}×)")
        return total_failures


def _settings_module(folder: Path) -> str:
    """Production settings, but the static files in a folder of this run's own, its database sessions
    named (to cancel the queries still running when it stops), and room for the sign-in failures a
    mistyped --password would count against the one loopback address (the failures still show in the
    table; production's limits are left as they are)."""
    lines = [
        "from pcl.settings import *  # noqa: F403",
        f"STATIC_ROOT = {str(folder / 'static')!r}",
        f"LOGIN_FAILURE_LIMIT = {BENCH_FAILURE_LIMIT}",
        f"DATABASES['default'].setdefault('OPTIONS', {{}})['application_name'] = {APPLICATION_NAME!r}",
    ]
    return "\n".join(lines) + "\n"


def _cancel_leftover_queries() -> None:
    """A worker stopped in the middle of a slow page leaves its query running in PostgreSQL, where it
    would slow whatever is measured next."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [APPLICATION_NAME],
        )


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(host: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped (exit code {server.returncode}) before answering")
        try:
            with urllib.request.urlopen(f"{host}/health/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError(f"gunicorn did not answer {host}/health/ within {timeout:.0f} s")
