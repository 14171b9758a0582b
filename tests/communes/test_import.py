"""`manage.py import_communes`: onboarding an EPCI from the national list, all or nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, Epci, Stage

pytestmark = pytest.mark.django_db

GRENOBLE_METROPOLE = "200040715"


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "communes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_imports_the_49_communes_of_grenoble_alpes_metropole_from_the_national_list(capsys):
    call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--name", "Grenoble-Alpes Métropole")
    communes = Commune.objects.filter(epci__siren=GRENOBLE_METROPOLE)
    assert communes.count() == 49
    grenoble = Commune.objects.get(insee_code="38185")
    # The national list's figure for Grenoble (a later INSEE vintage than the metropolitan file's).
    assert (grenoble.name, grenoble.population, grenoble.epci.name) == (
        "Grenoble",
        156140,
        "Grenoble-Alpes Métropole",
    )
    assert "49 communes created" in capsys.readouterr().out


def test_another_agglomeration_can_be_onboarded(capsys):
    # Grenoble's neighbour, the Communauté d'agglomération du Pays Voironnais.
    call_command(
        "import_communes", "--epci", "243800984", "--name", "Pays Voironnais", "--population-year", "2022"
    )
    voiron = Commune.objects.get(insee_code="38563")
    assert (voiron.name, voiron.population, voiron.population_year) == ("Voiron", 21847, 2022)
    assert Commune.objects.filter(epci__siren="243800984").count() > 20


def test_a_second_import_updates_and_keeps_engagement_data():
    call_command("import_communes", "--epci", GRENOBLE_METROPOLE)
    Commune.objects.filter(insee_code="38185").update(
        stage=Stage.PLAN_DELIBERATED, charter_signed_on="2005-06-14", population=1
    )
    call_command("import_communes", "--epci", GRENOBLE_METROPOLE)
    grenoble = Commune.objects.get(insee_code="38185")
    assert (grenoble.population, grenoble.stage) == (156140, Stage.PLAN_DELIBERATED)
    assert Commune.objects.count() == 49


def test_an_unknown_epci_imports_nothing():
    with pytest.raises(CommandError, match="Aucune commune de l'EPCI 200000008"):
        call_command("import_communes", "--epci", "200000008")
    assert not Commune.objects.exists() and not Epci.objects.exists()


def test_an_invalid_siren_is_explained():
    with pytest.raises(CommandError, match="clé de contrôle est erronée"):
        call_command("import_communes", "--epci", "200040716")


def test_a_file_with_bad_rows_lists_each_one_and_imports_nothing(tmp_path):
    path = write_csv(
        tmp_path,
        "insee_code,name,population_municipale,epci_siren\n"
        "38185,Grenoble,156389,200040715\n"
        "3815,Échirolles,36708,200040715\n"
        "38229,,18790,200040715\n"
        "38169,Fontaine,beaucoup,200040715\n"
        "38185,Grenoble bis,1,200040715\n",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--file", str(path))
    message = str(error.value)
    assert "Lignes invalides dans communes.csv\xa0: 4\xa0; rien n'a été importé." in message
    assert "ligne 3, colonne insee_code, valeur '3815'" in message
    assert "ligne 4, colonne name" in message
    assert "ligne 5, colonne population_municipale, valeur 'beaucoup'\xa0: pas un nombre entier" in message
    assert "ligne 6, colonne insee_code, valeur '38185'\xa0: doublon de la ligne 2" in message
    assert not Commune.objects.exists()


def test_a_file_without_the_expected_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, "code;nom;population\n38185;Grenoble;156389\n")
    with pytest.raises(CommandError, match="colonnes manquantes insee_code, name, population_municipale"):
        call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--file", str(path))
    assert not Commune.objects.exists()


def test_a_row_with_missing_fields_is_reported(tmp_path):
    path = write_csv(tmp_path, "insee_code,name,population_municipale\n38185,Grenoble\n")
    with pytest.raises(CommandError, match="ligne 2.*nombre de champs incorrect"):
        call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--file", str(path))


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("insee_code,name,population_municipale\n38151,Échirolles,36708\n".encode("latin-1"))
    with pytest.raises(CommandError, match="pas un fichier CSV UTF-8 valide"):
        call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--file", str(path))
    assert not Commune.objects.exists()


def test_a_missing_file_is_explained(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_communes", "--epci", GRENOBLE_METROPOLE, "--file", str(tmp_path / "nope.csv"))
