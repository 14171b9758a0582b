"""Benchmark: the deliberation file of a 200-action plan, end to end, next to WeasyPrint alone printing
the very HTML the deliberation file produced (the floor: what any WeasyPrint document of this size
costs). Reported: the best of N runs of each, and their ratio (the team's target: within 1.3).

Runs in a throwaway test database (created and dropped here), so it never touches real data.
"""

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from weasyprint import HTML

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    BudgetKind,
    BudgetLine,
    CoFunder,
    CoFunderStatus,
    Milestone,
    Origin,
    PlanAxis,
    PlanStatus,
    Theme,
)
from communes.importers import GRENOBLE_METROPOLE, territory_for_epci
from communes.models import Commune, Epci, Stage, sort_key
from observatory.models import (
    BatchStatus,
    Dataset,
    ImportBatch,
    Observation,
    Quantity,
    RenewableSource,
    Sector,
    Status,
)
from observatory.services import metro_targets_load
from observatory.totals import totals_rebuild
from reporting.documents import deliberation
from reporting.models import DocumentKind, GeneratedDocument
from workgroups.models import Function, GroupMember, WorkingGroup

AXES = [
    "Sobriété et efficacité énergétique du patrimoine communal",
    "Mobilités décarbonées",
    "Énergies renouvelables et réseaux de chaleur",
    "Aménagement, nature en ville et adaptation",
    "Mobilisation des habitants et des acteurs",
]
VERBS = ["Rénover", "Isoler", "Équiper", "Remplacer", "Étudier", "Accompagner", "Sensibiliser", "Déployer"]
OBJECTS = [
    "le groupe scolaire Langevin",
    "l'éclairage public du centre-bourg",
    "la flotte de véhicules municipaux",
    "les toitures du gymnase",
    "la chaufferie de la mairie",
    "les copropriétés du quartier Renaudie",
    "le réseau de pistes cyclables",
    "les habitants au tri et au compostage",
]
FUNDERS = ["ADEME", "Région Auvergne-Rhône-Alpes", "Grenoble-Alpes Métropole", "Département de l'Isère"]


def build_plan(
    *,
    actions: int = 200,
    title_length: int = 0,
    with_axes: bool = True,
    commune_name: str = "Saint-Martin-d'Hères",
    insee_code: str = "38421",
    status: str = PlanStatus.VALIDATED,
    observatory: bool = True,
    dataset_code: str = "orcae",
    description_length: int = 0,
) -> ActionPlan:
    """A commune with a plan of `actions` actions over 2024–2030 (axes and a sub-axis, milestones, budget
    lines over the plan's years, co-funders), a working group and observatory series; written with
    bulk_create, so that 200 actions take a fraction of a second. `title_length` pads every title to that
    many characters (long titles must wrap inside the tables)."""
    siren = GRENOBLE_METROPOLE["siren"]
    epci, _created = Epci.objects.get_or_create(siren=siren, defaults=GRENOBLE_METROPOLE)
    territory = territory_for_epci(epci.siren, epci.name)
    metro_targets_load(territory)  # the Métro's own targets, which its communes' deliberations quote
    commune = Commune.objects.create(
        insee_code=insee_code,
        name=commune_name,
        sort_name=sort_key(commune_name),
        population=27_000,
        population_year=2021,
        epci=epci,
        territory=territory,
        charter_signed_on=datetime.date(2008, 5, 17),
        stage=Stage.PLAN_IN_PREPARATION,
    )
    adopted = status in (PlanStatus.DELIBERATED, PlanStatus.FOLLOW_UP, PlanStatus.CLOSED)
    plan = ActionPlan.objects.create(
        commune=commune,
        title="Plan climat 2024-2030",
        start_year=2024,
        end_year=2030,
        status=status,
        deliberation_date=datetime.date(2024, 3, 12) if adopted else None,
        deliberation_number="2024-031" if adopted else "",
    )
    axes = []
    if with_axes:
        axes = [
            PlanAxis.objects.create(plan=plan, title=title, order=index) for index, title in enumerate(AXES)
        ]
        axes.append(
            PlanAxis.objects.create(
                plan=plan, parent=axes[0], title="Écoles et équipements sportifs", order=9
            )
        )
    themes = list(Theme.objects.order_by("order", "pk"))
    rows = []
    for index in range(actions):
        title = f"{VERBS[index % len(VERBS)]} {OBJECTS[(index // len(VERBS)) % len(OBJECTS)]} ({index + 1})"
        if title_length and len(title) < title_length:
            filler = " et poursuivre la démarche de sobriété énergétique engagée avec les usagers"
            title = (title + filler * (title_length // len(filler) + 1))[:title_length]
        description = (
            "Diagnostic, programme de travaux, consultation des entreprises puis réalisation "
            "et suivi des consommations pendant deux hivers."
        )
        if description_length:
            more = " Chaque étape est présentée au groupe de travail, qui en suit les consommations."
            description = (description + more * (description_length // len(more) + 1))[:description_length]
        start = datetime.date(2024 + index % 5, 1 + index % 12, 1)
        rows.append(
            Action(
                plan=plan,
                axis=axes[index % len(axes)] if axes else None,
                theme=themes[index % len(themes)],
                origin=Origin.ALREADY_ENGAGED if index % 4 == 0 else Origin.NEW,
                title=title,
                description=description,
                owner_name=["Services techniques", "Direction de l'éducation", "Pôle aménagement"][index % 3],
                elected_referent="Adjointe à la transition écologique" if index % 2 else "",
                partners="ALEC, Grenoble-Alpes Métropole",
                start_date=start,
                end_date=min(
                    start + datetime.timedelta(days=400 + 30 * (index % 20)), datetime.date(2030, 12, 31)
                ),
                status=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE][(index // 7) % 3],
                mwh_saved=Decimal(10 + index % 90),
                tco2e_avoided=Decimal(2 + index % 15),
                mwh_renewable=Decimal(5 * (index % 4)) or None,
                order=index + 1,
            )
        )
    created = Action.objects.bulk_create(rows)
    milestones, lines, funders = [], [], []
    for index, action in enumerate(created):
        milestones.append(
            Milestone(
                action=action, name="Lancement", due_date=action.start_date + datetime.timedelta(days=90)
            )
        )
        if index % 2:
            milestones.append(Milestone(action=action, name="Réception", due_date=action.end_date))
        for year in range(action.start_date.year, min(action.end_date.year, 2030) + 1):
            lines.append(
                BudgetLine(
                    action=action,
                    year=year,
                    kind=BudgetKind.INVESTMENT,
                    forecast=Decimal(5_000 + 1_250 * (index % 17)),
                )
            )
            if index % 3 == 0:
                lines.append(
                    BudgetLine(action=action, year=year, kind=BudgetKind.OPERATING, forecast=Decimal(1_500))
                )
        if index % 3 == 1:
            funders.append(
                CoFunder(
                    action=action,
                    name=FUNDERS[index % len(FUNDERS)],
                    amount=Decimal(2_000 + 500 * (index % 7)),
                    status=[CoFunderStatus.REQUESTED, CoFunderStatus.GRANTED, CoFunderStatus.RECEIVED][
                        index % 3
                    ],
                )
            )
    Milestone.objects.bulk_create(milestones)
    BudgetLine.objects.bulk_create(lines)
    CoFunder.objects.bulk_create(funders)
    group = WorkingGroup.objects.create(
        commune=commune, name="Groupe de travail interne PCL", created_on=datetime.date(2023, 1, 16)
    )
    GroupMember.objects.bulk_create(
        [
            GroupMember(
                group=group,
                name="Camille Durand",
                function=Function.ELECTED_REFERENT,
                joined_on=group.created_on,
            ),
            GroupMember(
                group=group,
                name="Karim Benali",
                function=Function.ENERGY_REFERENT,
                joined_on=group.created_on,
            ),
            GroupMember(
                group=group, name="Léa Martin", function=Function.ALE_FACILITATOR, joined_on=group.created_on
            ),
            GroupMember(
                group=group, name="Hugo Petit", function=Function.FINANCE, joined_on=group.created_on
            ),
            GroupMember(
                group=group,
                name="Ancien membre",
                function=Function.OTHER,
                joined_on=group.created_on,
                left_on=datetime.date(2023, 6, 1),
            ),
        ]
    )
    if observatory:
        observatory_series(commune, dataset_code=dataset_code)
    return plan


def observatory_series(commune: Commune, *, dataset_code: str = "orcae") -> None:
    """Population, consumption and emissions by sector and renewable production by source, 2005–2022
    (2022 estimated), falling about 2 % a year."""
    dataset = Dataset.objects.get(code=dataset_code)
    batch = ImportBatch.objects.create(
        dataset=dataset, format="long", original_name="bench.csv", file="bench.csv", status=BatchStatus.DONE
    )
    sectors = list(Sector.objects.order_by("order").values_list("code", flat=True))[:6]
    sources = list(RenewableSource.objects.order_by("order").values_list("code", flat=True))[:4]
    observations = []
    for year in range(2005, 2023):
        factor = 1 - 0.02 * (year - 2005)
        common = {
            "dataset": dataset,
            "batch": batch,
            "commune": commune,
            "year": year,
            "status": Status.ESTIMATED if year == 2022 else Status.CONSOLIDATED,
        }
        observations.append(
            Observation(quantity=Quantity.POPULATION, value=25_000 + 100 * (year - 2005), **common)
        )
        for rank, sector in enumerate(sectors):
            observations.append(
                Observation(
                    quantity=Quantity.CONSUMPTION,
                    sector_id=sector,
                    value=90_000 / (rank + 1) * factor,
                    **common,
                )
            )
            observations.append(
                Observation(
                    quantity=Quantity.EMISSIONS,
                    sector_id=sector,
                    value=20_000 / (rank + 1) * factor,
                    **common,
                )
            )
        for rank, source in enumerate(sources):
            observations.append(
                Observation(
                    quantity=Quantity.PRODUCTION,
                    energy=source,
                    value=3_000 * (rank + 1) * (2 - factor),
                    **common,
                )
            )
    Observation.objects.bulk_create(observations)
    totals_rebuild(dataset_id=dataset.pk)  # as an import keeps them


class Command(BaseCommand):
    help = "Times the deliberation file of a 200-action plan next to WeasyPrint printing the same HTML."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=200)
        parser.add_argument("--repeat", type=int, default=5, help="Runs of each; the best is kept.")

    def handle(self, *args, actions, repeat, **options):
        # A database of its own, so that a test run (or the observatory bench) on the server is left alone.
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench_reporting"
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        try:
            with translation.override(settings.LANGUAGE_CODE):
                self._run(actions, repeat)
        finally:
            teardown_databases(old_config, verbosity=0)

    def _run(self, actions: int, repeat: int) -> None:
        plan = build_plan(actions=actions, title_length=120)
        document = GeneratedDocument.objects.create(
            kind=DocumentKind.DELIBERATION,
            territory_id=plan.commune.territory_id,
            commune=plan.commune,
            plan=plan,
            plan_version=plan.version,
        )
        # The two are timed in turns, so that both see the same machine (other jobs, caches, CPU clock).
        captured: list[str] = []
        render_times, floor_times = [], []
        for _run in range(repeat):
            captured.clear()
            started = time.perf_counter()
            rendered = _capturing_html(captured, lambda: deliberation.render_pdf(document, _no_progress))
            render_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            HTML(string=captured[0], base_url=str(settings.BASE_DIR / "static")).write_pdf()
            floor_times.append(time.perf_counter() - started)
        pages = rendered.pages
        render_best, floor_best = min(render_times), min(floor_times)
        self.stdout.write(
            f"Plan: {actions} actions, {pages} pages, {len(rendered.content) / 1024:.0f} KB, "
            f"database {connection.vendor}"
        )
        self.stdout.write(
            f"WeasyPrint on the same HTML (floor): {floor_best:6.2f} s  (runs: {_runs(floor_times)})"
        )
        self.stdout.write(
            f"Deliberation file, end to end      : {render_best:6.2f} s  (runs: {_runs(render_times)})"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ratio deliberation / floor         : {render_best / floor_best:6.2f} (target ≤ 1.3)"
            )
        )


def _capturing_html(captured: list[str], run):
    """Runs `run` with the HTML handed to the layout recorded in `captured`."""
    layout = deliberation.layout

    def recording(html: str):
        captured.append(html)
        return layout(html)

    deliberation.layout = recording
    try:
        return run()
    finally:
        deliberation.layout = layout


def _no_progress(percent: int, step: str) -> None:
    pass


def _runs(times: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in times)
