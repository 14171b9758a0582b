"""A national-scale database for the benchmarks (PostgreSQL): every French commune under its EPCI, 20
years of observatory values for all of them (~21 million, imported through the observatory import), 300
plans of 60 actions, and the people who read them (see reporting/scale/).

It creates the database when the server has none of that name, migrates it, and fills it when it holds
no commune yet; `--reset` empties a database it filled before (every table dropped) first; `--if-empty`
does nothing on a database that already holds communes (`make bench`)."""

import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from psycopg import sql

from actions.cache import actions_changed
from actions.models import ADOPTED_STATUSES, Action, ActionPlan, BudgetLine, CoFunder, Milestone, PlanAxis
from communes.models import Commune, Epci, Membership
from observatory.models import Observation
from observatory.page_cache import pages_changed
from observatory.totals import data_changed
from reporting.figures_cache import figures_changed
from reporting.scale import DEFAULT_PASSWORD, DOMAIN
from reporting.scale.communes import communes_load, national_rows
from reporting.scale.observatory import observatory_load, open_dataset_load
from reporting.scale.pages import bench_plan
from reporting.scale.people import people_load
from reporting.scale.plans import ADOPTION_PUBLISHED_AT, plan_communes_pick, plans_load

User = get_user_model()

# The tables written with bulk_create, analysed at the end as autovacuum would soon do (the observatory's
# are left to the import, which is what the benchmarks measure).
WRITTEN = [Epci, Commune, User, Membership, ActionPlan, PlanAxis, Action, Milestone, BudgetLine, CoFunder]


class Command(BaseCommand):
    help = "Loads national-scale data into an empty PostgreSQL database, for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=None, help="The first N communes (default: all)")
        parser.add_argument("--years", type=int, default=20, help="Years of observatory values (default 20)")
        parser.add_argument(
            "--years-per-file", type=int, default=5, help="Years per imported file (default 5)"
        )
        parser.add_argument("--plans", type=int, default=300, help="Plans, one per commune (default 300)")
        parser.add_argument("--actions", type=int, default=60, help="Actions per plan (default 60)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Every bench account's password ({DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Drop every table of a database load_scale filled (refused if it holds other accounts), "
            "migrate, then load.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already holds communes."
        )

    def handle(
        self, *args, communes, years, years_per_file, plans, actions, password, reset, if_empty, **options
    ):
        if connection.vendor != "postgresql":
            raise CommandError(
                "load_scale needs PostgreSQL (the observatory's partitions, its COPY import): "
                "set DATABASE_URL=postgres://... to a database of its own, e.g. pcl_scale."
            )
        self._database_ensure()
        if reset:
            self._reset()
        call_command("migrate", "--no-input", verbosity=0)
        if Commune.objects.exists():
            if if_empty:
                self.stdout.write(
                    f"Scale data already loaded: {Commune.objects.count():,} communes, "
                    f"{ActionPlan.objects.count():,} plans."
                )
                # A database loaded before the public pages: their open dataset and publications added.
                self._publications_ensure(years)
                return
            raise CommandError(
                "The database already holds communes: load_scale fills an empty one (or --reset)."
            )
        self.timings = {}
        started = time.perf_counter()
        with self._step("communes"):
            rows = national_rows(communes)
            epcis, created = communes_load(rows)
            self.stdout.write(f"  {created:,} communes in {epcis:,} EPCIs")
        everyone = list(Commune.objects.order_by("insee_code"))
        with self._step("observatory"):
            load = observatory_load(
                communes=[(commune.insee_code, commune.population or 0) for commune in everyone],
                years=years,
                years_per_file=years_per_file,
                log=self.stdout.write,
            )
            self.stdout.write(
                f"  {load.values:,} values in {load.files} files ({load.megabytes:,.0f} MB): written in "
                f"{load.generate_seconds:.1f} s, imported in {load.import_seconds:.1f} s"
            )
        with self._step("plans"):
            chosen = plan_communes_pick(plans)
            made = plans_load(communes=chosen, actions_per_plan=actions)
            self.stdout.write(
                f"  {made.plans:,} plans, {made.actions:,} actions, {made.budget_lines:,} budget lines, "
                f"{made.milestones:,} milestones, {made.cofunders:,} co-funders"
            )
        with self._step("open data"):
            self._publications_ensure(years)
        with self._step("people"):
            people = people_load(plan_communes=chosen, communes=everyone, password=password)
            self.stdout.write(
                f"  {people.users:,} accounts (…@{DOMAIN}, password {password!r}), "
                f"{people.memberships:,} roles"
            )
        with self._step("analyze"), connection.cursor() as cursor:
            for model in WRITTEN:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        # Bulk writes send no signal: the cached figures (the shared Redis cache) are made stale here.
        figures_changed()
        data_changed()
        actions_changed()
        pages_changed()
        total = time.perf_counter() - started
        summary = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded in {total:.1f} s ({summary}): {Commune.objects.count():,} communes, "
                f"{Observation.objects.count():,} observatory values, {ActionPlan.objects.count():,} plans, "
                f"{Action.objects.count():,} actions."
            )
        )

    def _publications_ensure(self, years: int) -> None:
        """The public pages' data: the bench plan's territory's own open dataset, every adopted plan
        published (what plans_load does for a new load)."""
        plan = bench_plan()
        if open_dataset_load(territory=plan.commune.territory, years=years, log=self.stdout.write):
            pages_changed()
        published = ActionPlan.objects.filter(status__in=ADOPTED_STATUSES, published_at__isnull=True).update(
            published_at=ADOPTION_PUBLISHED_AT
        )
        if published:
            actions_changed()
            self.stdout.write(f"  {published:,} adopted plans published")

    @contextmanager
    def _step(self, name: str):
        self.stdout.write(f"{name}…")
        started = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - started
        self.stdout.write(f"  {name}: {self.timings[name]:.1f} s")

    def _database_ensure(self) -> None:
        """Creates the database DATABASE_URL names when the server does not have it yet."""
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise
        name = connection.settings_dict["NAME"]
        self.stdout.write(f"Creating the database {name}…")
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)).as_string(cursor.connection)
            )

    def _reset(self) -> None:
        others = User.objects.exclude(email__endswith=f"@{DOMAIN}")
        if others.exists():
            raise CommandError(
                f"--reset refused: the database holds accounts outside @{DOMAIN} "
                f"({others.count()}), so load_scale did not fill it."
            )
        self.stdout.write(f"Dropping every table of {connection.settings_dict['NAME']}, then migrating…")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
