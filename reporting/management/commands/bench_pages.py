"""Benchmark: the main pages at national scale (the database load_scale filled), each read by the role
that uses it, next to the trivial signed-in page (/account/) read by the same person in the same run,
interleaved: page, trivial page, next page... The median of N reads after a warm-up, its ratio to the
trivial page's median (the team's target: within 3x), and the page's number of queries."""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reporting.scale.pages import TRIVIAL_URL, main_pages

User = get_user_model()

TARGET_RATIO = 3


class Command(BaseCommand):
    help = (
        "Times the main pages on the loaded national-scale database (manage.py load_scale) against /account/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat", type=int, default=7, help="Reads of each page after the warm-up (default 7)"
        )
        parser.add_argument("--warmup", type=int, default=1, help="Reads before measuring (default 1)")

    def handle(self, *args, repeat, warmup, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_pages reads the national-scale database: set DATABASE_URL=postgres://.../pcl_scale"
            )
        try:
            pages = main_pages()
        except LookupError as error:
            raise CommandError(str(error)) from error
        host = (
            settings.ALLOWED_HOSTS[0]
            if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*"
            else "127.0.0.1"
        )
        clients = {}
        for email in {page.email for page in pages}:
            client = Client(SERVER_NAME=host)
            client.force_login(User.objects.get(email=email))
            clients[email] = client
        times = {page: [] for page in pages}
        trivial = {page: [] for page in pages}
        statuses, queries = {}, {}
        for round_number in range(warmup + repeat):
            for page in pages:
                client = clients[page.email]
                elapsed, status, count = _read(client, page.url)
                statuses[page] = status if status != 200 else statuses.get(page, 200)
                queries[page] = count
                trivial_elapsed, trivial_status, _count = _read(client, TRIVIAL_URL)
                if trivial_status != 200:
                    raise CommandError(f"{TRIVIAL_URL} answered {trivial_status} to {page.email}")
                if round_number >= warmup:
                    times[page].append(elapsed)
                    trivial[page].append(trivial_elapsed)
            self.stderr.write(f"round {round_number + 1}/{warmup + repeat} done")
        self._print(pages, times, trivial, statuses, queries, repeat)
        failed = [f"{page.url} ({statuses[page]})" for page in pages if statuses[page] != 200]
        if failed:
            raise CommandError(f"Pages that did not answer 200: {', '.join(failed)}")

    def _print(self, pages, times, trivial, statuses, queries, repeat):
        trivial_all = statistics.median([value for values in trivial.values() for value in values])
        self.stdout.write(
            f"Pages on {connection.settings_dict['NAME']} (median of {repeat} reads after the warm-up; "
            f"trivial page {TRIVIAL_URL}: median {trivial_all * 1000:.1f} ms; ratio to the trivial page read "
            f"by the same person in the same rounds; target ≤ {TARGET_RATIO}x)"
        )
        header = f"{'page':<40} {'URL':<32} {'status':>6} {'median ms':>10} {'ratio':>7} {'queries':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        over = 0
        for page in pages:
            median = statistics.median(times[page])
            ratio = median / statistics.median(trivial[page])
            mark = ""
            if ratio > TARGET_RATIO:
                over += 1
                mark = f"  ✗ > {TARGET_RATIO}x"
            if statuses[page] != 200:
                mark += "  ✗ not 200"
            self.stdout.write(
                f"{page.name:<40} {page.url:<32} {statuses[page]:>6} {median * 1000:>10.1f} {ratio:>6.1f}x "
                f"{queries[page]:>8}{mark}"
            )
        summary = f"{len(pages) - over} of {len(pages)} pages within {TARGET_RATIO}x the trivial page."
        self.stdout.write(self.style.SUCCESS(summary) if not over else self.style.WARNING(summary))


def _read(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(captured.captured_queries)
