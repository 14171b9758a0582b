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

from actions.models import Action, ActionPlan
from communes.models import Commune
from observatory.models import Observation
from reporting.scale import bench_email
from reporting.scale.pages import ANONYMOUS, TRIVIAL_URL, main_pages

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
        parser.add_argument(
            "--slow",
            type=float,
            default=5.0,
            help="Seconds after which a page is not read again (default 5): it is far over the target",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Only the pages whose name or URL contains this text (e.g. catalogue)",
        )

    def handle(self, *args, repeat, warmup, slow, only, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_pages reads the national-scale database: set DATABASE_URL=postgres://.../pcl_scale"
            )
        try:
            pages = main_pages()
        except LookupError as error:
            raise CommandError(str(error)) from error
        if only:
            pages = [page for page in pages if only.lower() in f"{page.name} {page.url}".lower()]
            if not pages:
                raise CommandError(f"No page's name or URL contains {only!r}.")
        host = (
            settings.ALLOWED_HOSTS[0]
            if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*"
            else "127.0.0.1"
        )
        clients = {ANONYMOUS: Client(SERVER_NAME=host)}
        for email in {page.email for page in pages} | {bench_email("admin", 1)}:
            if email == ANONYMOUS:
                continue
            client = Client(SERVER_NAME=host)
            client.force_login(User.objects.get(email=email))
            clients[email] = client
        self.trivial_client = clients[bench_email("admin", 1)]
        # Per page: (its seconds, the trivial page's seconds right after) of each read, warm-up included.
        self.reads = {page: [] for page in pages}
        self.statuses, self.queries = {}, {}
        for round_number in range(warmup + repeat):
            for page in pages:
                if any(seconds > slow for seconds, _trivial in self.reads[page]):
                    continue  # seconds over the target already: more reads would not change the verdict
                self._measure(clients[page.email], page)
            self.stderr.write(f"round {round_number + 1}/{warmup + repeat} done")
        self._print(pages, warmup, repeat, slow)
        failed = [f"{page.url} ({self.statuses[page]})" for page in pages if self.statuses[page] != 200]
        if failed:
            raise CommandError(f"Pages that did not answer 200: {', '.join(failed)}")

    def _measure(self, client: Client, page) -> None:
        elapsed, status, count = _read(client, page.url)
        if status != 200 or page not in self.statuses:
            self.statuses[page] = status
        self.queries[page] = count
        reader = client if page.email != ANONYMOUS else self.trivial_client
        trivial_elapsed, trivial_status, _count = _read(reader, TRIVIAL_URL)
        if trivial_status != 200:
            raise CommandError(f"{TRIVIAL_URL} answered {trivial_status} to {page.email}")
        self.reads[page].append((elapsed, trivial_elapsed))
        self.stderr.write(f"  {page.url}: {elapsed * 1000:.0f} ms (then {trivial_elapsed * 1000:.0f} ms)")

    def _print(self, pages, warmup, repeat, slow):
        self.stdout.write(
            f"Data: {Commune.objects.count():,} communes, {Observation.objects.count():,} observatory "
            f"values, {ActionPlan.objects.count():,} plans, {Action.objects.count():,} actions"
        )
        measured = {page: self._measured(page, warmup) for page in pages}
        trivial_all = statistics.median([trivial for reads in measured.values() for _page, trivial in reads])
        self.stdout.write(
            f"Pages on {connection.settings_dict['NAME']}: median of {repeat} reads after {warmup} warm-up "
            f"(a page over {slow:g} s is not read again: its reads so far, warm-up included); ratio to the "
            f"median of {TRIVIAL_URL} read by the same person right after each read (overall "
            f"{trivial_all * 1000:.1f} ms); target ≤ {TARGET_RATIO}x"
        )
        header = f"{'page':<38} {'URL':<30} {'status':>6} {'reads':>5} {'median ms':>10} {'ratio':>7}"
        header += f" {'queries':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        over = 0
        for page in pages:
            reads = measured[page]
            median = statistics.median(seconds for seconds, _trivial in reads)
            ratio = median / statistics.median(trivial for _seconds, trivial in reads)
            mark = ""
            if ratio > TARGET_RATIO:
                over += 1
                mark = f"  ✗ > {TARGET_RATIO}x"
            if self.statuses[page] != 200:
                mark += "  ✗ not 200"
            self.stdout.write(
                f"{page.name:<38} {page.url:<30} {self.statuses[page]:>6} {len(reads):>5} "
                f"{median * 1000:>10.1f} {ratio:>6.1f}x {self.queries[page]:>7}{mark}"
            )
        summary = f"{len(pages) - over} of {len(pages)} pages within {TARGET_RATIO}x the trivial page."
        self.stdout.write(self.style.SUCCESS(summary) if not over else self.style.WARNING(summary))

    def _measured(self, page, warmup: int) -> list[tuple[float, float]]:
        """The reads after the warm-up; all of them for a page read fewer times (a slow one)."""
        reads = self.reads[page]
        return reads[warmup:] or reads


def _read(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = time.perf_counter() - started
    return elapsed, response.status_code, len(captured.captured_queries)
