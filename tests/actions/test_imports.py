"""Reading a list of actions from a spreadsheet: columns in French or English, cells as communes and
the plan export write them, and every bad cell named by its line, its column and why."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from actions.imports import MAX_ROWS, ImportContext, ImportFileError, preview_file, read_sheet
from actions.models import ActionStatus, BudgetKind, Origin
from tests.actions.factories import ActionFactory, PlanAxisFactory
from tests.actions.import_files import EN_HEADER, FR_HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def preview(plan, content, extension="csv"):
    return preview_file(content=content, extension=extension, context=ImportContext.of(plan), plan=plan)


def errors_of(result):
    return [(error.line, error.column, error.message) for error in result.errors]


def test_it_reads_an_xlsx_with_french_headers(scene):
    axis = PlanAxisFactory(plan=scene.plan, title="Sobriété")
    content = xlsx_bytes(
        FR_HEADER,
        [
            "Relamping LED de l'école",
            "Éclairage public",
            "sobriété",
            "Services techniques",
            datetime.datetime(2024, 3, 1),
            datetime.datetime(2024, 12, 31),
            "En cours",
            40,
        ],
    )
    result = preview(scene.plan, content, "xlsx")
    assert result.errors == []
    (row,) = result.rows
    assert row.line == 2
    assert row.data["title"] == "Relamping LED de l'école"
    assert row.data["theme"].code == "public_lighting"
    assert row.data["axis"] == axis
    assert row.data["owner"] is None and row.data["owner_name"] == "Services techniques"
    assert (row.data["start_date"], row.data["end_date"]) == (
        datetime.date(2024, 3, 1),
        datetime.date(2024, 12, 31),
    )
    assert (row.data["status"], row.data["progress"]) == (ActionStatus.IN_PROGRESS, 40)
    assert row.data["origin"] == Origin.ALREADY_ENGAGED


def test_it_reads_a_csv_with_english_headers_commas_iso_dates_and_no_bom(scene):
    content = csv_bytes(
        [*EN_HEADER, "Expected energy saved (MWh/year)"],
        ["Bike lanes", "Mobilité", "New axis", "", "2025-01-15", "2025-06-30", "Planned", "", "12.5"],
        delimiter=",",
        bom=False,
    )
    result = preview(scene.plan, content)
    assert result.errors == []
    (row,) = result.rows
    assert row.data["theme"].code == "mobility"
    assert row.data["axis"] is None and row.axis_title == "New axis"
    assert result.new_axes == ["New axis"]
    assert row.data["start_date"] == datetime.date(2025, 1, 15)
    assert (row.data["status"], row.data["progress"]) == (ActionStatus.PLANNED, 0)
    assert row.data["mwh_saved"] == Decimal("12.50")


def test_a_theme_named_in_english_as_an_english_export_writes_it_is_read(scene):
    content = csv_bytes(
        EN_HEADER,
        ["Bike lanes", "Mobility", "", "", "2025-01-15", "2025-06-30", "Planned", ""],
        ["LED", "public lighting", "", "", "2025-01-15", "2025-06-30", "Planned", ""],
        delimiter=",",
    )
    result = preview(scene.plan, content)
    assert result.errors == []
    assert [row.data["theme"].code for row in result.rows] == ["mobility", "public_lighting"]


def test_an_unknown_theme_lists_the_themes_in_the_page_language(scene):
    content = csv_bytes(EN_HEADER, ["Bike lanes", "Bikes", "", "", "", "", "Planned", ""], delimiter=",")
    with translation.override("en"):
        (message,) = [error.message for error in preview(scene.plan, content).errors]
    assert "Municipal buildings" in message and "Bâtiments communaux" not in message


def test_it_reads_a_french_csv_with_bom_semicolons_decimal_commas_and_french_dates(scene):
    content = csv_bytes(
        [*FR_HEADER, "Énergie économisée attendue (MWh/an)", "2025 – investissement prévisionnel (€ HT)"],
        [
            "Isolation de la mairie",
            "Bâtiments communaux",
            "",
            "",
            "01/02/2025",
            "30/09/2025",
            "Terminée",
            "100 %",
            "12,5",
            "1 234,56",
        ],
    )
    result = preview(scene.plan, content)
    assert result.errors == []
    (row,) = result.rows
    assert row.data["start_date"] == datetime.date(2025, 2, 1)
    assert row.data["end_date"] == datetime.date(2025, 9, 30)
    assert (row.data["status"], row.data["progress"]) == (ActionStatus.DONE, 100)
    assert row.data["mwh_saved"] == Decimal("12.50")
    assert [(entry.year, entry.kind, entry.forecast) for entry in row.budget] == [
        (2025, BudgetKind.INVESTMENT, Decimal("1234.56"))
    ]


def test_it_finds_the_header_under_a_title_and_skips_empty_lines(scene):
    content = xlsx_bytes(
        ["Tableau de suivi 2024", None],
        ["Titre", "Thématique"],
        [None, None],
        ["Compostage collectif", "Eau et déchets"],
        above=[["Commune de Saint-Martin-d'Hères"]],
    )
    result = preview(scene.plan, content, "xlsx")
    assert [(row.line, row.data["title"]) for row in result.rows] == [(5, "Compostage collectif")]


def test_a_responsible_named_like_a_member_is_linked_to_their_account(scene):
    content = csv_bytes(["Titre", "Thématique", "Responsable"], ["Vélos", "Mobilité", "théo titulaire"])
    (row,) = preview(scene.plan, content).rows
    assert row.data["owner"] == scene.owner and row.data["owner_name"] == ""


def test_an_origin_column_is_kept_and_no_column_means_already_under_way(scene):
    content = csv_bytes(
        ["Titre", "Thématique", "Origine"],
        ["Vélos", "Mobilité", "Nouvelle initiative"],
        ["Covoiturage", "Mobilité", "Déjà engagée"],
        ["Autopartage", "Mobilité", ""],
    )
    origins = [row.data["origin"] for row in preview(scene.plan, content).rows]
    assert origins == [Origin.NEW, Origin.ALREADY_ENGAGED, Origin.ALREADY_ENGAGED]


def test_computed_and_unknown_columns_are_listed_as_ignored(scene):
    content = csv_bytes(
        ["Numéro", "Titre", "Thématique", "En retard", "Remarques"], ["1", "Vélos", "Mobilité", "non", "x"]
    )
    result = preview(scene.plan, content)
    assert result.errors == []
    assert result.ignored == ["Numéro", "En retard", "Remarques"]
    assert result.columns == ["Titre", "Thématique"]


# --- row errors: line, column, why --------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Thématique", "Énergie", "Unknown theme “Énergie”"),
        ("Thématique", "", "The theme is missing"),
        ("Début", "31/02/2025", "“31/02/2025” is not a date"),
        ("Avancement (%)", "140", "between 0 and 100"),
        ("Avancement (%)", "12,5", "whole number"),
        ("Statut", "Peut-être", "Unknown status “Peut-être”"),
        ("Titre", "", "The title is missing"),
        ("Titre", "x" * 300, "at most 255 characters"),
    ],
)
def test_each_bad_cell_is_named_by_line_and_column(scene, column, value, message):
    header = ["Titre", "Thématique", "Début", "Avancement (%)", "Statut"]
    good = {
        "Titre": "Vélos",
        "Thématique": "Mobilité",
        "Début": "01/01/2025",
        "Avancement (%)": "10",
        "Statut": "En cours",
    }
    bad = {**good, "Titre": "Autopartage", column: value}
    content = csv_bytes(header, [good[name] for name in header], [bad[name] for name in header])
    with translation.override("en"):
        errors = errors_of(preview(scene.plan, content))
    assert len(errors) == 1
    line, error_column, error_message = errors[0]
    assert (line, error_column) == (3, column)
    assert message in error_message


def test_an_end_before_the_start_is_an_error_of_the_end(scene):
    content = csv_bytes(["Title", "Theme", "Start", "End"], ["Bikes", "Mobilité", "01/06/2025", "01/05/2025"])
    with translation.override("en"):
        assert errors_of(preview(scene.plan, content)) == [
            (2, "End", "The action ends (2025-05-01) before it starts (2025-06-01).")
        ]


def test_errors_are_written_in_the_page_language(scene):
    content = csv_bytes(["Title", "Theme"], ["Bikes", "Energy"])
    with translation.override("fr"):
        ((line, column, message),) = errors_of(preview(scene.plan, content))
    assert (line, column) == (2, "Theme")
    assert message.replace("\u00a0", " ").startswith(
        "Thématique inconnue « Energy » : l’une de « Bâtiments communaux »"
    )


def test_a_title_the_plan_has_or_the_file_repeats_is_refused(scene):
    ActionFactory(plan=scene.plan, title="Rénover la salle des fêtes")
    content = csv_bytes(
        ["Title", "Theme"],
        ["rénover la  Salle des fêtes", "Mobilité"],
        ["Bikes", "Mobilité"],
        ["BIKES", "Mobilité"],
    )
    with translation.override("en"):
        errors = errors_of(preview(scene.plan, content))
    assert errors == [
        (2, "Title", "The plan already has an action “rénover la  Salle des fêtes”."),
        (4, "Title", "The same title is on line 3 of the file."),
    ]


def test_amounts_are_checked_and_budget_years_must_be_in_the_plan(scene):
    content = csv_bytes(
        [
            "Title",
            "Theme",
            "2025 investment forecast (€ excl. tax)",
            "2031 investment forecast (€ excl. tax)",
        ],
        ["Bikes", "Mobilité", "-5", "100"],
        delimiter=",",
    )
    with translation.override("en"):
        errors = errors_of(preview(scene.plan, content))
    assert errors == [
        (2, "2025 investment forecast (€ excl. tax)", "-5 is negative: amounts and quantities cannot be."),
        (
            2,
            "2031 investment forecast (€ excl. tax)",
            "Budget year 2031 is outside the plan period 2024–2030.",
        ),
    ]


def test_the_cofunders_sheet_of_an_export_goes_to_the_actions_by_their_number(scene):
    content = xlsx_bytes(
        ["Number", "Title", "Theme"],
        [1, "Bikes", "Mobilité"],
        [2, "Lights", "Éclairage public"],
        sheets={
            "Co-funders": [
                ["Action number", "Action", "Co-funder", "Status", "Amount (€)"],
                [2, "Lights", "Région", "Granted", 12000.5],
                [2, "Lights", "Département", "", 3000],
                [3, "Ghost", "État", "Requested", 10],
                [1, "Bikes", "", "Perçu", None],
            ]
        },
    )
    with translation.override("en"):
        result = preview(scene.plan, content, "xlsx")
    bikes, lights = result.rows
    assert [(c.name, c.amount, c.status) for c in lights.cofunders] == [
        ("Région", Decimal("12000.50"), "granted"),
        ("Département", Decimal("3000.00"), "requested"),
    ]
    assert errors_of(result) == [
        (5, "Co-funders › Co-funder", "The co-funder's name is missing."),
        (5, "Co-funders › Amount (€)", "The amount is missing."),
        (4, "Co-funders › Action number", "No action of the first sheet has the number “3”."),
    ]


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "extension", "message"),
    [
        (csv_bytes(["Nom", "Prénom"], ["a", "b"]), "csv", "No column of the file is known"),
        (csv_bytes(["Title", "Theme"]), "csv", "no action under them"),
        (csv_bytes(["Title", "Start"], ["Bikes", "01/01/2025"]), "csv", "The file has no “Theme” column"),
        ("Titre;Thématique\néclairage;x\n".encode("latin-1"), "csv", "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "xlsx", "cannot be read as an XLSX"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content, extension, message):
    with translation.override("en"), pytest.raises(ImportFileError) as error:
        read_sheet(content, extension)
    assert message in error.value.message


def test_a_file_with_too_many_actions_is_refused():
    rows = [[f"Action {index}", "Mobilité"] for index in range(MAX_ROWS + 1)]
    with translation.override("en"), pytest.raises(ImportFileError, match="more than 500 actions"):
        read_sheet(csv_bytes(["Title", "Theme"], *rows), "csv")


def test_a_csv_cell_protected_from_formulas_reads_back_as_typed(scene):
    content = csv_bytes(["Title", "Theme"], ["'=Bikes+more", "Mobilité"])
    (row,) = preview(scene.plan, content).rows
    assert row.data["title"] == "=Bikes+more"
