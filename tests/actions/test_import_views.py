"""Importing a commune's list of actions into a draft plan: who may, the upload and its refusals, the
preview, the all-or-nothing confirmation, the template, and the plan export read back as it was."""

import csv
import datetime
import html
import io
import os
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from actions import exports, services
from actions.imports import ImportContext, preview_file
from actions.models import (
    Action,
    ActionStatus,
    CatalogueAction,
    HistoryEntry,
    Origin,
    PlanAxis,
    PlanStatus,
    Theme,
)
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    PlanAxisFactory,
)
from tests.actions.helpers import PDF, PLAN_EDITORS, PLAN_REFUSED, adopt, messages_of, url
from tests.actions.import_files import FR_HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    [
        "Relamping LED de l'école",
        "Éclairage public",
        "Sobriété",
        "Services techniques",
        "01/03/2024",
        "31/12/2024",
        "En cours",
        "40",
    ],
    ["Chaufferie bois", "Énergies renouvelables", "", "Théo Titulaire", "2025-01-15", "", "À venir", ""],
]


@pytest.fixture(autouse=True)
def storage(media):
    return media


def upload(client, plan, content, name="actions.csv"):
    return client.post(url("plan_import", plan.pk), {"file": SimpleUploadedFile(name, content)})


def plain(text: str) -> str:
    """French text with ordinary spaces where typography puts no-break ones (before « : », inside « »)."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def text_of(response) -> str:
    return plain(html.unescape(response.content.decode()))


def messages_in(response) -> list[str]:
    return [plain(message) for message in messages_of(response)]


def stored_files(media):
    folder = media / "action-imports"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PLAN_EDITORS)
def test_plan_editors_see_the_import_page_and_the_button(as_role, scene, role):
    client = as_role(role)
    assert client.get(url("plan_import", scene.plan.pk)).status_code == 200
    assert url("plan_import", scene.plan.pk) in client.get(url("plan", scene.plan.pk)).content.decode()


@pytest.mark.parametrize("role, status", PLAN_REFUSED)
@pytest.mark.parametrize("name", ["plan_import", "plan_import_preview"])
def test_others_may_not_import(as_role, scene, role, status, name):
    client = as_role(role)
    assert client.get(url(name, scene.plan.pk)).status_code == status
    response = client.post(
        url(name, scene.plan.pk), {"file": SimpleUploadedFile("a.csv", csv_bytes(FR_HEADER, GOOD_ROWS[0]))}
    )
    assert response.status_code == status
    assert client.get(url("plan_import_template", scene.plan.pk, "xlsx")).status_code == status
    assert scene.plan.actions.count() == 1


@pytest.mark.parametrize("role", ["staff", "elected"])
def test_readers_see_no_import_button(as_role, scene, role):
    assert (
        url("plan_import", scene.plan.pk)
        not in as_role(role).get(url("plan", scene.plan.pk)).content.decode()
    )


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.FOLLOW_UP])
def test_only_a_draft_plan_takes_an_import(as_role, scene, status):
    if status == PlanStatus.FOLLOW_UP:
        adopt(scene.plan)
    else:
        scene.plan.status = status
        scene.plan.save()
    client = as_role("advisor")
    assert url("plan_import", scene.plan.pk) not in client.get(url("plan", scene.plan.pk)).content.decode()
    response = upload(client, scene.plan, csv_bytes(FR_HEADER, GOOD_ROWS[0]))
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert "Les actions s'importent seulement dans un plan en brouillon" in messages_in(response)[0]
    assert scene.plan.actions.count() == 1


def test_the_service_refuses_a_plan_that_is_no_longer_a_draft(scene, cast):
    adopt(scene.plan)
    with pytest.raises(ValidationError, match="draft plan only"), translation.override("en"):
        services.plan_actions_import(plan=scene.plan, rows=[], user=cast.advisor, source="x.csv")


# --- upload and preview -------------------------------------------------------------------------


def test_an_upload_leads_to_the_preview_of_the_rows(as_role, scene, media):
    client = as_role("advisor")
    response = upload(client, scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    assert response.status_code == 302 and response.url == url("plan_import_preview", scene.plan.pk)
    assert len(stored_files(media)) == 1
    response = client.get(response.url)
    page = text_of(response)
    assert "Relamping LED de l'école" in page and "Chaufferie bois" in page
    assert "Sobriété" in page and "(nouveau)" in page
    assert "01/03/2024" in page and "Déjà engagée" in page
    assert 'name="confirm"' in page
    assert scene.plan.actions.count() == 1  # nothing created by a preview


def test_the_preview_shows_row_errors_and_offers_no_confirmation(as_role, scene):
    client = as_role("advisor")
    bad = ["Compostage", "Déchets", "", "", "31/12/2024", "01/01/2024", "En cours", "150"]
    upload(client, scene.plan, csv_bytes(FR_HEADER, GOOD_ROWS[0], bad))
    page = text_of(client.get(url("plan_import_preview", scene.plan.pk)))
    assert 'id="import-errors"' in page
    assert "Thématique inconnue « Déchets »" in page
    assert "L'action finit (01/01/2024) avant de commencer (31/12/2024)." in page
    assert "L'avancement doit être compris entre 0 et 100 (150)." in page
    assert 'name="confirm"' not in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("actions.csv", xlsx_bytes(FR_HEADER, GOOD_ROWS[0]), "n'est pas un fichier CSV"),
        ("actions.csv", PDF, "Aucune colonne du fichier n'est connue"),
        ("actions.xlsx", b"not a spreadsheet at all", "n'est pas un classeur Excel"),
        ("actions.pdf", PDF, "n'est pas d'un type accepté"),
        ("actions.csv", b"", "est vide"),
        ("actions.csv", csv_bytes(["Nom", "Prénom"], ["a", "b"]), "Aucune colonne du fichier n'est connue"),
        ("actions.csv", csv_bytes(FR_HEADER), "aucune action"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_kept(
    as_role, scene, media, name, content, message
):
    client = as_role("advisor")
    response = upload(client, scene.plan, content, name)
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert '<a class="alert-link" href="#id_file">' in page  # the error summary links to the field
    assert re.search(r"<title>\s*Erreur : Importer des actions", page)
    assert stored_files(media) == []
    assert client.get(url("plan_import_preview", scene.plan.pk)).status_code == 302


def test_a_file_over_the_size_limit_is_refused(as_role, scene, media, settings):
    settings.ACTION_IMPORT_MAX_BYTES = 100
    response = upload(as_role("advisor"), scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS * 5))
    assert "la limite est de 100" in text_of(response)
    assert stored_files(media) == []


def test_the_preview_without_an_upload_sends_back_to_the_upload(as_role, scene):
    response = as_role("advisor").get(url("plan_import_preview", scene.plan.pk))
    assert response.status_code == 302 and response.url == url("plan_import", scene.plan.pk)


def test_another_users_upload_is_not_theirs_to_confirm(as_role, scene, client, cast):
    upload(as_role("advisor"), scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    client.force_login(cast.referent)
    response = client.post(url("plan_import_preview", scene.plan.pk))
    assert response.status_code == 302 and response.url == url("plan_import", scene.plan.pk)
    assert scene.plan.actions.count() == 1


# --- confirmation -------------------------------------------------------------------------------


def test_confirming_creates_every_action_already_under_way_with_its_history(as_role, scene, media, cast):
    client = as_role("advisor")
    content = csv_bytes(
        [*FR_HEADER, "2024 – investissement prévisionnel (€ HT)", "2024 – réalisé (€ HT)"],
        [*GOOD_ROWS[0], "18 000", "4 500,50"],
        [*GOOD_ROWS[1], "", ""],
    )
    upload(client, scene.plan, content)
    response = client.post(url("plan_import_preview", scene.plan.pk), {"confirm": ""})
    assert response.status_code == 302 and response.url == url("plan", scene.plan.pk)
    assert messages_in(response) == ["2 actions ont été importées."]
    led, wood = Action.objects.filter(plan=scene.plan).exclude(pk=scene.action.pk).order_by("order")
    assert (led.title, led.theme.code, led.axis.title, led.owner_name) == (
        "Relamping LED de l'école",
        "public_lighting",
        "Sobriété",
        "Services techniques",
    )
    assert (led.start_date, led.end_date, led.status, led.progress) == (
        datetime.date(2024, 3, 1),
        datetime.date(2024, 12, 31),
        ActionStatus.IN_PROGRESS,
        40,
    )
    assert [(line.year, line.kind, line.forecast, line.actual) for line in led.budget_lines.all()] == [
        (2024, "investment", Decimal("18000.00"), Decimal("4500.50"))
    ]
    assert wood.owner == scene.owner and wood.end_date is None and wood.status == ActionStatus.PLANNED
    assert {led.origin, wood.origin} == {Origin.ALREADY_ENGAGED}
    summaries = [
        plain(text) for text in HistoryEntry.objects.filter(plan=scene.plan).values_list("summary", flat=True)
    ]
    assert "2 actions importées depuis « actions.csv »" in summaries
    assert "Axe ajouté : Sobriété" in summaries
    assert HistoryEntry.objects.filter(action=led, user=cast.advisor).count() == 2  # added, budget
    assert stored_files(media) == []
    page = client.get(url("plan", scene.plan.pk)).content.decode()
    assert page.count("déjà engagée") >= 2


def test_a_bad_row_at_confirmation_creates_nothing(as_role, scene, media):
    client = as_role("advisor")
    upload(client, scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    # Between the preview and the confirmation, someone adds an action with the title of a row.
    ActionFactory(plan=scene.plan, title="Chaufferie bois")
    response = client.post(url("plan_import_preview", scene.plan.pk), {"confirm": ""})
    assert response.status_code == 200
    assert "Le plan a déjà une action « Chaufferie bois »" in text_of(response)
    assert scene.plan.actions.count() == 2
    assert not PlanAxis.objects.filter(plan=scene.plan).exists()


def test_a_failure_while_creating_rolls_the_whole_import_back(as_role, scene, monkeypatch):
    client = as_role("advisor")
    upload(client, scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    create = services.imports.action_create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise services.imports.ValidationError("Base indisponible.")
        return create(**kwargs)

    monkeypatch.setattr(services.imports, "action_create", failing_create)
    response = client.post(url("plan_import_preview", scene.plan.pk), {"confirm": ""})
    assert response.status_code == 200
    assert "Ligne 3 : Base indisponible. Rien n'a été importé." in messages_in(response)
    assert list(scene.plan.actions.all()) == [scene.action]
    assert not PlanAxis.objects.filter(plan=scene.plan).exists()
    assert not HistoryEntry.objects.filter(plan=scene.plan, summary__contains="import").exists()


def test_the_service_checks_the_titles_again_under_the_plans_lock(scene, cast):
    context = ImportContext.of(scene.plan)
    checked = preview_file(
        content=csv_bytes(FR_HEADER, *GOOD_ROWS), extension="csv", context=context, plan=scene.plan
    )
    assert checked.errors == []
    ActionFactory(plan=scene.plan, title="chaufferie  BOIS")  # another import, confirmed meanwhile
    with pytest.raises(ValidationError, match="Line 3: The plan already has an action “Chaufferie bois”."):
        with translation.override("en"):
            services.plan_actions_import(
                plan=scene.plan, rows=checked.rows, user=cast.advisor, source="a.csv"
            )
    assert scene.plan.actions.count() == 2 and not PlanAxis.objects.filter(plan=scene.plan).exists()


def test_cancelling_drops_the_file(as_role, scene, media):
    client = as_role("advisor")
    upload(client, scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    response = client.post(url("plan_import_preview", scene.plan.pk), {"cancel": ""})
    assert response.url == url("plan", scene.plan.pk)
    assert stored_files(media) == [] and scene.plan.actions.count() == 1


def test_files_abandoned_for_a_day_are_deleted_at_the_next_upload(as_role, scene, media):
    client = as_role("advisor")
    upload(client, scene.plan, csv_bytes(FR_HEADER, *GOOD_ROWS))
    (abandoned,) = stored_files(media)
    a_day_ago = (datetime.datetime.now() - datetime.timedelta(days=1, minutes=1)).timestamp()
    os.utime(abandoned, (a_day_ago, a_day_ago))
    other = ActionPlanFactory(commune=scene.plan.commune)
    upload(as_role("referent"), other, csv_bytes(FR_HEADER, *GOOD_ROWS))
    assert abandoned not in stored_files(media) and len(stored_files(media)) == 1


# --- query counts -------------------------------------------------------------------------------


def many_rows(count, start=0):
    return [
        [
            f"Action importée {index}",
            "Mobilité",
            f"Axe {index % 3}",
            "Services",
            "01/01/2025",
            "31/12/2025",
            "En cours",
            "10",
        ]
        for index in range(start, start + count)
    ]


def test_the_preview_query_count_does_not_grow_with_the_rows(as_role, scene, django_assert_max_num_queries):
    client = as_role("advisor")
    upload(client, scene.plan, csv_bytes(FR_HEADER, *many_rows(3)))
    with django_assert_max_num_queries(12) as small:
        client.get(url("plan_import_preview", scene.plan.pk))
    upload(client, scene.plan, csv_bytes(FR_HEADER, *many_rows(60)))
    with django_assert_max_num_queries(12) as large:
        response = client.get(url("plan_import_preview", scene.plan.pk))
    assert len(response.context["preview"].rows) == 60
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("name, args", [("plan_import", ()), ("plan_import_template", ("xlsx",))])
def test_the_upload_page_and_the_template_do_not_grow_with_the_plan(
    as_role, scene, django_assert_max_num_queries, name, args
):
    client = as_role("advisor")
    with django_assert_max_num_queries(10) as small:
        assert client.get(url(name, scene.plan.pk, *args)).status_code == 200
    for _index in range(15):
        ActionFactory(plan=scene.plan, axis=PlanAxisFactory(plan=scene.plan))
    with django_assert_max_num_queries(10) as large:
        assert client.get(url(name, scene.plan.pk, *args)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_confirmation_query_count_is_bounded_per_row(as_role, scene, django_assert_max_num_queries):
    """Each row goes through action_create (its checks, insert and history) and each new axis through
    axis_save: a fixed cost per row, nothing per row on top of it."""
    client = as_role("advisor")
    counts = []
    for size, plan in ((2, scene.plan), (12, ActionPlanFactory(commune=scene.plan.commune))):
        upload(client, plan, csv_bytes(FR_HEADER, *many_rows(size)))
        with django_assert_max_num_queries(40 + 35 * size) as queries:
            response = client.post(url("plan_import_preview", plan.pk), {"confirm": ""})
        assert response.status_code == 302
        counts.append(len(queries.captured_queries))
    assert scene.plan.actions.count() == 3
    per_row = (counts[1] - counts[0]) / 10
    assert per_row <= 35
    assert counts[0] - 2 * per_row <= 40


# --- template -----------------------------------------------------------------------------------


def test_the_xlsx_template_has_an_example_and_a_help_sheet_in_the_page_language(as_role, scene, settings):
    client = as_role("advisor")
    response = client.get(url("plan_import_template", scene.plan.pk, "xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    actions, help_sheet = workbook.worksheets
    header = [cell.value for cell in actions[1]]
    assert header[:4] == ["Titre", "Description", "Axe", "Thématique"]
    assert "2024 – investissement prévisionnel (€ HT)" in header
    assert actions.cell(2, 1).value
    help_text = plain("\n".join(str(cell.value) for row in help_sheet.iter_rows() for cell in row))
    assert "« Éclairage public »" in help_text and "« En cours »" in help_text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url("plan_import_template", scene.plan.pk, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Title", "Description", "Axis", "Theme"]
    assert rows[1][rows[0].index("Status")] == "In progress"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_as_downloaded_imports(as_role, scene, fmt):
    client = as_role("advisor")
    template = client.get(url("plan_import_template", scene.plan.pk, fmt)).content
    upload(client, scene.plan, template, f"modele.{fmt}")
    response = client.post(url("plan_import_preview", scene.plan.pk), {"confirm": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    example = scene.plan.actions.exclude(pk=scene.action.pk).get()
    assert example.budget_lines.get().forecast == Decimal("18000.00")


# --- round trip ---------------------------------------------------------------------------------


@pytest.fixture
def source_plan(scene, cast):
    """An adopted plan with varied actions: axes, owners, origins, dates, statuses, figures, budget."""
    plan = scene.plan
    plan.end_year = 2027
    plan.save()
    axis = PlanAxisFactory(plan=plan, title="Bâtiments sobres")
    sub_axis = PlanAxisFactory(plan=plan, title="Écoles", parent=axis)
    scene.action.axis = axis
    scene.action.origin = Origin.NEW
    scene.action.status = ActionStatus.IN_PROGRESS
    scene.action.progress = 35
    scene.action.mwh_saved = Decimal("12.50")
    scene.action.achieved_tco2e_avoided = Decimal("0.75")
    scene.action.elected_referent = "Adjointe à la transition"
    scene.action.partners = "ALEC; Enercoop"
    scene.action.save()
    BudgetLineFactory(action=scene.action, year=2024, kind="investment", forecast=Decimal("12500.50"))
    BudgetLineFactory(
        action=scene.action, year=2025, kind="investment", forecast=Decimal("80000"), actual=Decimal("1.25")
    )
    BudgetLineFactory(
        action=scene.action, year=2025, kind="operating", forecast=Decimal("300"), actual=Decimal("100")
    )
    CoFunderFactory(action=scene.action, name="Région AURA", amount=Decimal("20000"), status="granted")
    CoFunderFactory(action=scene.action, name="ADEME", amount=Decimal("5000.5"), status="requested")
    entry = CatalogueAction.objects.filter(is_active=True).order_by("pk").first()
    ActionFactory(
        plan=plan,
        title=entry.title,
        catalogue_action=entry,
        theme=entry.theme,
        axis=sub_axis,
        origin=Origin.ALREADY_ENGAGED,
        owner_name="Services techniques",
        start_date=datetime.date(2024, 2, 1),
        status=ActionStatus.DONE,
        progress=100,
        tco2e_avoided=Decimal("3.1"),
    )
    later = ActionFactory(
        plan=plan,
        title="-Réduire l'éclairage nocturne",
        theme=Theme.objects.get(code="public_lighting"),
        status=ActionStatus.SUSPENDED,
    )
    BudgetLineFactory(action=later, year=2027, kind="operating", forecast=Decimal("0"))
    adopt(plan)
    return plan


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_plan_export_imports_back_as_it_was(as_role, scene, source_plan, settings, fmt, language):
    client = as_role("advisor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    exported = client.get(url("plan_export", source_plan.pk, fmt)).content
    target = ActionPlanFactory(
        commune=source_plan.commune, title="Plan climat v2", start_year=2024, end_year=2027
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # the page's language need not be the file's
    response = client.post(
        url("plan_import", target.pk), {"file": SimpleUploadedFile(f"export.{fmt}", exported)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(url("plan_import_preview", target.pk)).context["preview"]
    assert preview.errors == []
    response = client.post(url("plan_import_preview", target.pk), {"confirm": ""})
    assert response.status_code == 302
    before, after = exports.plan_rows(plan=source_plan), exports.plan_rows(plan=target)
    assert after.actions.header == before.actions.header
    if fmt == "xlsx":  # its co-funders' sheet reads back too
        assert after.actions.rows == before.actions.rows
        assert after.cofunders.rows == before.cofunders.rows
    else:  # the CSV's co-funders are a text, not read back: the preview said so
        assert [row[:-4] for row in after.actions.rows] == [row[:-4] for row in before.actions.rows]
        assert after.cofunders.rows == []
        assert preview.notes[0].startswith("Les cofinanceurs ne sont pas importés d")
    origins = list(target.actions.order_by("order").values_list("origin", flat=True))
    assert origins == [Origin.NEW, Origin.ALREADY_ENGAGED, Origin.NEW]
    assert target.actions.filter(catalogue_action__isnull=False).count() == 1
