"""The observatory's pages are rendered once per version of what they show (observatory/page_cache.py):
a second read costs a cache read instead of the figures, and every change the pages show (an import, a
target, a commune's name, the dataset's wording) shows on the very next read."""

import pytest
from django.urls import reverse

from observatory.models import BatchStatus, Dataset, Target
from tests.observatory.helpers import import_rows
from tests.observatory.test_views import COMMUNE_ROWS, TARGET_DATA, years_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_data(cast):
    batch = import_rows(COMMUNE_ROWS, user=cast.metro_officer, name="orcae-2024.csv")
    assert batch.status == BatchStatus.DONE, batch.errors
    return batch


def pages(cast):
    return [
        reverse("observatory:agglomeration"),
        reverse("observatory:commune", args=[cast.commune.insee_code]),
    ]


def test_a_second_read_is_the_same_page_from_the_cache(
    login, cast, commune_data, django_assert_max_num_queries
):
    client = login(cast.metro_officer)
    for url in pages(cast):
        first = client.get(url)
        # The session, the user, their roles (in communes, over territories), the commune or the
        # territories they may choose, the datasets: no figure is read again.
        with django_assert_max_num_queries(6):
            second = client.get(url)
        assert second.status_code == 200
        assert years_table(second.content.decode()) == years_table(first.content.decode())
        assert 'id="observatory-charts"' in second.content.decode()


def test_another_reader_gets_the_same_figures_with_their_own_header(login, cast, commune_data):
    url = reverse("observatory:commune", args=[cast.commune.insee_code])
    manager = login(cast.metro_officer).get(url).content.decode()
    referent = login(cast.referent).get(url).content.decode()
    assert years_table(referent) == years_table(manager)
    # What depends on the reader stays theirs: only a manager is offered the imports.
    assert reverse("observatory:imports") in manager
    assert reverse("observatory:imports") not in referent


def test_a_new_import_shows_on_the_next_read(login, cast, commune_data):
    client = login(cast.metro_officer)
    for url in pages(cast):
        assert "2023</th>" not in years_table(client.get(url).content.decode())
    batch = import_rows(
        [("38421", 2023, "emissions", "residential", "", "6000", "t CO2e", "")],
        user=cast.metro_officer,
        name="orcae-2025.csv",
    )
    assert batch.status == BatchStatus.DONE, batch.errors
    for url in pages(cast):
        content = client.get(url).content.decode()
        assert "2023</th>" in years_table(content)
        assert "orcae-2025.csv" in content


def test_an_edited_target_shows_on_the_next_read(login, cast, commune_data):
    client = login(cast.metro_officer)
    url = reverse("observatory:agglomeration")
    assert "GES -55" not in client.get(url).content.decode().replace("\u202f", " ").replace("\xa0", " ")
    target = Target.objects.get(commune=None, target_year=2030)
    data = {**TARGET_DATA, "target_year": "2030", "ghg_reduction_pct": "55"}
    assert client.post(reverse("observatory:target_edit", args=[target.pk]), data).status_code == 302
    targets = client.get(url).content.decode().split('id="targets-table"', 1)[1].split("</table>", 1)[0]
    assert "55" in targets and "2030" in targets


def test_a_renamed_commune_and_a_reworded_dataset_show_on_the_next_read(login, cast, commune_data):
    client = login(cast.metro_officer)
    url = reverse("observatory:agglomeration")
    assert "Saint-Égrève-la-Neuve" not in client.get(url).content.decode()
    commune = cast.commune
    commune.name = "Saint-Égrève-la-Neuve"
    commune.save()
    dataset = Dataset.objects.get(code="orcae")
    dataset.name = "Bilan consolidé 2024"
    dataset.save()
    content = client.get(url).content.decode()
    comparison = content.split('id="comparison-table"', 1)[1].split("</table>", 1)[0]
    assert "Saint-Égrève-la-Neuve" in comparison
    assert "Bilan consolidé 2024" in content.split('id="provenance"', 1)[1].split("</p>", 1)[0]


def test_each_language_and_each_choice_has_its_own_page(login, cast, commune_data, settings):
    client = login(cast.metro_officer)
    url = reverse("observatory:agglomeration")
    french = client.get(url).content.decode()
    assert "Année par année" in french
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Year by year" in english and "Année par année" not in english
    # The indicator mapped is part of the page the cache keeps.
    share = client.get(url, {"indicator": "renewable_share"}).content.decode()
    assert "Renewable share" in share.split('id="map-title"', 1)[1].split("</h2>", 1)[0]
    assert "Renewable share" not in english.split('id="map-title"', 1)[1].split("</h2>", 1)[0]
