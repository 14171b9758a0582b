"""The starter catalogue is the shared national catalogue: nothing in it names one territory (issue 15), and
the migration rewrites the entries an older installation holds."""

import importlib

import pytest
from django.apps import apps

from actions import catalogue_data
from actions.models import CatalogueAction, Theme

LOCAL_NAMES = ("Grenoble", "grenobl", "Métro", "Isère", "TE38", "SMMAG", "AGEDEN", "Rhône")

migration = importlib.import_module("actions.migrations.0008_national_catalogue_texts")


def test_no_starter_entry_names_the_grenoble_area():
    texts = [(entry["title"], entry["description"], entry["sources"]) for entry in catalogue_data.CATALOGUE]
    found = [(title, name) for title, *fields in texts for name in LOCAL_NAMES if name in " ".join(fields)]
    assert found == []


@pytest.mark.django_db
def test_the_shared_catalogue_of_a_new_installation_names_no_territory():
    shared = CatalogueAction.objects.filter(territory__isnull=True)
    assert shared.count() == len(catalogue_data.CATALOGUE)
    for name in LOCAL_NAMES:
        assert not shared.filter(description__contains=name).exists()
        assert not shared.filter(sources__contains=name).exists()


@pytest.mark.django_db
def test_the_migration_rewrites_the_old_phrases_and_keeps_the_rest_of_an_edited_entry():
    entry = CatalogueAction.objects.create(
        title="Chaufferie bois (édition locale)",
        theme=Theme.objects.first(),
        description=(
            "Notre commune l'a fait en 2019. Points de vigilance : filtre performant indispensable en vallée "
            "grenobloise). Dans Grenoble-Alpes Métropole, le PLU est intercommunal : la commune agit ici."
        ),
        sources="ADEME, ALEC de la grande région grenobloise, AGEDEN",
    )
    migration.nationalize(apps, None)
    entry.refresh_from_db()
    assert entry.description == (
        "Notre commune l'a fait en 2019. Points de vigilance : filtre performant indispensable en fond "
        "de vallée et en zone de plan de protection de l'atmosphère). Là où le PLU est intercommunal "
        "(PLUi), la commune agit ici."
    )
    assert entry.sources == "ADEME, ALEC du territoire"
