"""Target percentages read as figures of the page's language, never a raw value before "%": "−50,0 %"
(no-break space) in French, "−50.0%" in English, on the targets list and in the territory's targets table."""

import pytest
from django.conf import settings

from tests.observatory.test_sparse_data import communes, complete_then_partial, page, table_rows

__all__ = ["communes", "complete_then_partial"]  # fixtures shared with the sparse-data tests

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_territory_targets_table_writes_percentages_in_french(client, complete_then_partial):
    content = page(client, "observatory:agglomeration").content.decode()
    labels = [row[0] for row in table_rows(content, "targets-table")[1:]]
    assert f"GES −50,0{NBSP}% au total d'ici 2030" in labels
    assert any(label.startswith(f"EnR à 30,0{NBSP}% de la consommation d'ici") for label in labels), labels
    assert not any(" %" in label or "−−" in label for label in labels), labels


def test_the_territory_targets_table_writes_percentages_in_english(client, complete_then_partial):
    english(client)
    content = page(client, "observatory:agglomeration").content.decode()
    labels = [row[0] for row in table_rows(content, "targets-table")[1:]]
    assert "GHG −50.0% in total by 2030" in labels
    assert any(label.startswith("Renewables at 30.0% of consumption by") for label in labels), labels
    assert not any(" %" in label or NBSP in label for label in labels), labels


def test_the_targets_list_writes_percentages_in_the_page_language(client, complete_then_partial):
    french = table_rows(page(client, "observatory:targets").content.decode(), "targets-list")
    assert f"−50,0{NBSP}% au total" in [cell for row in french for cell in row]
    assert f"30,0{NBSP}%" in [cell for row in french for cell in row]
    english(client)
    rows = table_rows(page(client, "observatory:targets").content.decode(), "targets-list")
    cells = [cell for row in rows for cell in row]
    assert "−50.0% in total" in cells and "30.0%" in cells
    assert not any(cell.endswith(" %") or " % " in cell for cell in cells), cells
