"""What a refused import says: every error of a row (not only the first), as sentences in the language
of whoever reads them (the page's, the command's: French unless English is chosen), whatever the
language the import ran in. Run on SQLite and on PostgreSQL: each has its own checks' SQL."""

import csv
import io
from html import unescape

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from observatory import selectors
from observatory.models import BatchStatus, ImportBatch, ImportFormat, Observation
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import ORE_HEADER, csv_text, import_rows, run_import

pytestmark = pytest.mark.django_db

# Line 2 is right; line 3 has five faults: commune, year, sector, value and status.
ROWS = [
    ("38421", 2020, "consumption", "residential", "electricity", "100", "MWh", ""),
    ("99999", "20x0", "consumption", "space", "electricity", "abc", "MWh", "provisional"),
]
LINE_3 = [
    ("insee_code", "99999"),
    ("year", "20x0"),
    ("sector", "space"),
    ("value", "abc"),
    ("status", "provisional"),
]
FRENCH_REASONS = [
    "Aucune commune de la plateforme n'a ce code INSEE.",
    "L'année doit être un nombre entier entre 1990 et 2100.",
    "Le secteur est inconnu, manquant (la consommation et les émissions en demandent un) ou donné là où "
    "aucun n'est attendu (production, population).",
    "La valeur doit être un nombre, et seules les émissions peuvent être négatives.",
    "Le statut doit être consolidated ou estimated (ou rester vide).",
]
ENGLISH_REASONS = [
    "No commune of the platform has this INSEE code.",
    "The year must be a whole number between 1990 and 2100.",
    "The sector is unknown, missing (consumption and emissions need one) or given where none is expected "
    "(production, population).",
    "The value must be a number, and only emissions may be negative.",
    "The status must be consolidated or estimated (or left empty).",
]


@pytest.fixture
def commune(db):
    return CommuneFactory(insee_code="38421", name="Saint-Martin-d'Hères")


@pytest.fixture
def refused(commune):
    with translation.override("fr"):
        batch = import_rows(ROWS)
    assert batch.status == BatchStatus.FAILED
    return batch


def test_every_error_of_a_row_is_listed_in_the_order_of_its_columns(refused):
    assert [(error["line"], error["column"], error["value"]) for error in refused.errors] == [
        (3, column, value) for column, value in LINE_3
    ]
    assert refused.error_count == 5
    assert not Observation.objects.exists()


def test_the_reasons_are_french_sentences_by_default_and_the_message_counts_the_rows(refused):
    assert refused.message == (
        "1 ligne est erronée : rien n'a été importé. Corrigez-la et importez à nouveau le fichier."
    )
    with translation.override("fr"):
        assert [error["reason"] for error in selectors.batch_errors(refused)] == FRENCH_REASONS


def test_the_reasons_read_in_english_for_an_english_reader_whatever_the_import_spoke(refused):
    with translation.override("en"):
        assert [error["reason"] for error in selectors.batch_errors(refused)] == ENGLISH_REASONS


def test_an_ore_row_lists_each_of_its_errors(commune):
    rows = [("GRDF", "20x1", "Fioul", "BOGUS", "X", "-3", "1", "38421")]
    with translation.override("en"):
        batch = run_import(
            csv_text(rows, ORE_HEADER, ";"), dataset_code="agence-ore", file_format=ImportFormat.ORE
        )
    assert [(error["line"], error["column"], error["value"]) for error in batch.errors] == [
        (2, "annee", "20x1"),
        (2, "filiere", "Fioul"),
        (2, "code_grand_secteur", "BOGUS"),
        (2, "conso", "-3"),
    ]
    assert batch.message.startswith("1 row is wrong")
    with translation.override("fr"):
        assert selectors.batch_errors(batch)[1]["reason"] == "La filière doit être Electricité ou Gaz."


def test_the_import_page_and_its_error_report_speak_the_readers_language(refused, login):
    client = login(UserFactory(officer_of=TerritoryFactory()))
    url = reverse("observatory:import_detail", args=[refused.pk])

    french = client.get(url).content.decode()
    table = french.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    assert "5 erreurs" in table
    for reason in FRENCH_REASONS:
        assert reason.replace("'", "&#x27;") in table

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    table = english.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    assert "5 errors" in table
    for reason in ENGLISH_REASONS:
        assert reason in table
    report = client.get(reverse("observatory:import_errors", args=[refused.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows[1:]] == ENGLISH_REASONS


def test_the_command_speaks_french_by_default(commune, tmp_path, capsys):
    translation.deactivate()  # as `manage.py` runs: the project's LANGUAGE_CODE
    good = tmp_path / "good.csv"
    good.write_text(csv_text(ROWS[:1]), encoding="utf-8")
    call_command("import_observatory", str(good), "--format", "long", "--dataset", "orcae")
    out = capsys.readouterr().out
    assert "1 valeurs importées pour 2020." in out or "1 valeur importée pour 2020." in out
    assert "Lignes lues : 1 ; valeurs importées : 1 ; lignes ignorées : 0" in out

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(ROWS), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_observatory", str(bad), "--format", "long", "--dataset", "orcae")
    message = str(raised.value)
    assert message.startswith("1 ligne est erronée : rien n'a été importé.")
    for (column, value), reason in zip(LINE_3, FRENCH_REASONS, strict=True):
        assert f"ligne 3, colonne {column}, valeur « {value} » : {reason}" in message
    assert ImportBatch.objects.filter(status=BatchStatus.FAILED).count() == 1


def test_the_command_speaks_english_when_english_is_active(commune, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(ROWS), encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_observatory", str(bad), "--format", "long", "--dataset", "orcae")
    message = str(raised.value)
    assert message.startswith("1 row is wrong: nothing was imported.")
    for (column, value), reason in zip(LINE_3, ENGLISH_REASONS, strict=True):
        assert f"line 3, column {column}, value “{value}”: {reason}" in message


# --- the result's sentence ------------------------------------------------------------------------


def result_sentence(client, batch) -> str:
    content = client.get(reverse("observatory:import_detail", args=[batch.pk])).content.decode()
    alert = content.split('id="import-result"', 1)[1].split("</p>", 1)[0]
    return unescape(alert.split(">", 2)[2]).strip()


def test_the_sentence_above_the_errors_reads_in_the_pages_language_whatever_the_import_spoke(commune, login):
    with translation.override("en"):
        batch = import_rows(ROWS)
    assert (batch.message_code, batch.message_params) == ("rows_wrong", {"count": 1})
    client = login(UserFactory(officer_of=TerritoryFactory()))
    assert result_sentence(client, batch) == (
        "1 ligne est erronée : rien n'a été importé. Corrigez-la et importez à nouveau le fichier."
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert result_sentence(client, batch) == (
        "1 row is wrong: nothing was imported. Correct it and import the file again."
    )


def test_the_success_sentence_writes_its_figures_in_the_pages_language(commune, login):
    with translation.override("en"):
        batch = import_rows(ROWS[:1])
    assert (batch.message_code, batch.message_params) == ("imported", {"values": 1, "years": [2020]})
    # As a large import of twenty years records it.
    ImportBatch.objects.filter(pk=batch.pk).update(
        message_params={"values": 40752, "years": list(range(2005, 2025))}
    )
    client = login(UserFactory(officer_of=TerritoryFactory()))
    assert result_sentence(client, batch) == "40\u202f752 valeurs importées pour 2005–2024."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert result_sentence(client, batch) == "40,752 values imported for 2005–2024."


def test_a_refused_file_says_why_in_the_commands_language(commune, tmp_path):
    with translation.override("fr"):
        bad = tmp_path / "bad.csv"
        bad.write_text("insee_code,year\n38421,2020\n", encoding="utf-8")
        with pytest.raises(CommandError) as raised:
            call_command("import_observatory", str(bad), "--format", "long", "--dataset", "orcae")
    assert str(raised.value).startswith("Colonnes manquantes dans le fichier\u00a0: quantity, sector")
    batch = ImportBatch.objects.get()
    assert batch.message_code == "missing_columns"
    with translation.override("en"):
        assert selectors.batch_result_message(batch) == (
            "The file lacks the columns quantity, sector, energy, value, unit, status"
            " (found: insee_code, year). Is it the right format?"
        )


def test_an_import_recorded_before_the_codes_reads_as_it_was_written(refused, login):
    ImportBatch.objects.filter(pk=refused.pk).update(
        message="Ancien message d'une importation.", message_code="", message_params={}
    )
    client = login(UserFactory(officer_of=TerritoryFactory()))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert result_sentence(client, refused) == "Ancien message d'une importation."


def test_the_commands_progress_writes_its_percentage_in_the_commands_language(commune, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(csv_text(ROWS[:1]), encoding="utf-8")
    with translation.override("fr"):
        call_command("import_observatory", str(good), "--format", "long", "--dataset", "orcae")
    assert "100\u00a0%" in capsys.readouterr().err
    with translation.override("en"):
        call_command("import_observatory", str(good), "--format", "long", "--dataset", "orcae")
    err = capsys.readouterr().err
    assert "100%" in err and " %" not in err
