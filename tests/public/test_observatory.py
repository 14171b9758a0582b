"""A territory's public observatory: what it shows comes from its open datasets only (never demonstration
data, never a dataset not open), without JavaScript too, in French and English, cached until the data
changes, in a few queries."""

import json

import pytest
from django.urls import reverse

from communes.models import CommuneOutline
from observatory.models import Dataset
from tests.factories import voironnais_territory
from tests.observatory.helpers import import_rows
from tests.public.data_helpers import (
    SECRET_CLOSED_VALUE,
    SECRET_DEMO_VALUE,
    hidden_datasets,
    open_dataset,
    open_dataset_with_values,
    whole_territory_rows,
)

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
# Each commune's consumption, emissions and production in the open dataset: the territory's totals are
# twice these (two communes).
OPEN_2005, OPEN_2021 = 4567.0, 3456.0


def url(territory, **query):
    address = reverse("public:observatory", args=[territory.slug])
    return address + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def with_open_data(cast, **fields) -> Dataset:
    return open_dataset_with_values(
        cast, rows=whole_territory_rows(OPEN_2005, 2005) + whole_territory_rows(OPEN_2021, 2021), **fields
    )


def page_of(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]


def test_the_observatory_shows_the_open_datasets_figures_in_tables(client, cast):
    with_open_data(cast)
    response = client.get(url(cast.territory))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    page = response.content.decode()
    years = table(page, "years-table")
    # The territory's totals (both communes), in French: 9 134 then 6 912 MWh, t CO2e and MWh.
    assert f"9{NNBSP}134" in years and f"6{NNBSP}912" in years and f"20{NNBSP}000" in years
    assert "2005" in years and "2021" in years
    assert f"9{NNBSP}134" in table(page, "consumption-table") and "Résidentiel" in table(
        page, "consumption-table"
    )
    assert "Hydroélectricité" in table(page, "production-table")
    # The emissions against the trajectory of the Métro's 2030 target (−50 % of 9 134: 4 567).
    assert f"4{NNBSP}567" in table(page, "emissions-table")
    assert "2030" in table(page, "targets-table")
    communes = table(page, "comparison-table")
    assert "Saint-Martin-d&#x27;Hères" in communes and "Échirolles" in communes
    # Its source, licence and files.
    assert "Observatoire ouvert de la Métro" in page and "Licence Ouverte / Open Licence version 2.0" in page
    assert reverse("public:dataset_file", args=["metro-ouvert", "csv"]) in page
    # The charts' data, for the script that draws them (CSP: no inline script, data in json_script).
    charts = json.loads(
        page.split('id="observatory-charts" type="application/json">', 1)[1].split("</script>")[0]
    )
    assert charts["consumption"]["data"][0]["y"] == [2 * OPEN_2005, 2 * OPEN_2021]
    assert "<script>" not in page


def test_the_observatory_has_a_title_a_description_and_a_social_preview(client, cast, settings):
    with_open_data(cast)
    page = page_of(client, url(cast.territory))
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Grenoble-Alpes Métropole" in title and title.endswith("· Plan Climat Local")
    description = page.split('<meta name="description" content="', 1)[1].split('"', 1)[0]
    assert "Grenoble-Alpes Métropole" in description
    assert '<meta property="og:title"' in page
    assert f'<meta property="og:url" content="{settings.SITE_URL}{url(cast.territory)}">' in page
    assert f'<meta property="og:image" content="{settings.SITE_URL}/static/img/social-preview.png">' in page
    assert page.count("<h1") == 1


def test_demonstration_and_closed_datasets_never_show(client, cast):
    hidden_datasets(cast)
    secrets = [
        str(int(2 * SECRET_DEMO_VALUE)),
        str(int(2 * SECRET_CLOSED_VALUE)),
        str(int(SECRET_DEMO_VALUE)),
        str(int(SECRET_CLOSED_VALUE)),
    ]
    # With no open dataset, the page says so, whatever dataset the address asks for.
    for address in (
        url(cast.territory),
        url(cast.territory, dataset="demo"),
        url(cast.territory, dataset="orcae"),
    ):
        page = page_of(client, address)
        assert 'id="no-open-data"' in page
        assert not any(secret in page.replace(NNBSP, "") for secret in secrets)
        assert Dataset.objects.get(code="demo").name not in page
    # With an open one, only its values, even when the address names another.
    with_open_data(cast)
    for address in (url(cast.territory, dataset="demo"), url(cast.territory, dataset="orcae")):
        page = page_of(client, address)
        assert f"9{NNBSP}134" in table(page, "years-table")
        assert not any(secret in page.replace(NNBSP, "").replace(",", "") for secret in secrets)
        assert 'value="demo"' not in page and 'value="orcae"' not in page


def test_a_territory_without_open_data_says_so(client, cast):
    open_dataset(cast.territory)  # open, but no value yet
    page = page_of(client, url(cast.territory))
    assert 'id="no-open-data"' in page
    assert 'id="years-table"' not in page and "plotly" not in page
    assert reverse("public:open_data") in page


def test_an_unknown_territory_is_404(client, cast):
    assert client.get(reverse("public:observatory", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("public:observatory_outlines", args=["nulle-part"])).status_code == 404


def test_another_territorys_dataset_never_shows(client, cast):
    voironnais = voironnais_territory()
    other = open_dataset(voironnais, code="voironnais-ouvert", name="Observatoire du Voironnais")
    import_rows(
        [("38563", 2021, "emissions", "residential", "", 55555, "t CO2e", "consolidated")],
        dataset_code=other.code,
        user=cast.foreign_officer,
    )
    with_open_data(cast)
    page = page_of(client, url(cast.territory, dataset="voironnais-ouvert"))
    assert "Observatoire du Voironnais" not in page and "55555" not in page.replace(NNBSP, "")
    assert "Observatoire du Voironnais" in page_of(client, url(voironnais))


def test_the_dataset_picker_offers_the_open_datasets_and_shows_the_chosen_one(client, cast):
    with_open_data(cast)
    second = open_dataset(cast.territory, code="second", name="Deuxième série", priority=50)
    import_rows(
        [
            (code, 2021, "emissions", "residential", "", 2222, "t CO2e", "consolidated")
            for code in ("38421", "38151")
        ],
        dataset_code=second.code,
        user=cast.metro_officer,
    )
    hidden_datasets(cast)
    page = page_of(client, url(cast.territory))
    picker = page.split('id="dataset-picker"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in page.split('id="dataset-picker"', 1)[0].rsplit("<form", 1)[1]
    assert '<option value="metro-ouvert" selected>' in picker and '<option value="second">' in picker
    assert 'value="demo"' not in picker and 'value="orcae"' not in picker
    chosen = page_of(client, url(cast.territory, dataset="second"))
    assert "Deuxième série" in chosen.split('id="dataset-name"', 1)[1].split("</dd>", 1)[0]
    assert f"4{NNBSP}444" in table(chosen, "years-table")
    assert f"9{NNBSP}134" not in table(chosen, "years-table")


def test_the_page_is_cached_until_the_data_or_a_dataset_changes(client, cast, django_assert_max_num_queries):
    dataset = with_open_data(cast)
    assert f"6{NNBSP}912" in table(page_of(client, url(cast.territory)), "years-table")
    with django_assert_max_num_queries(2):  # the territory and its open datasets; the page from the cache
        page_of(client, url(cast.territory))
    # A new import shows at once.
    import_rows(whole_territory_rows(1111.0, 2022), dataset_code=dataset.code, user=cast.metro_officer)
    assert f"2{NNBSP}222" in table(page_of(client, url(cast.territory)), "years-table")
    # So does a change of the dataset: renamed, then no longer open.
    dataset.name = "Observatoire renommé"
    dataset.save()
    assert "Observatoire renommé" in page_of(client, url(cast.territory))
    dataset.is_open = False
    dataset.save()
    page = page_of(client, url(cast.territory))
    assert 'id="no-open-data"' in page and "Observatoire renommé" not in page


def test_the_observatory_in_french_and_in_english(client, cast, settings):
    with_open_data(cast)
    french = page_of(client, url(cast.territory))
    assert '<html lang="fr">' in french and "Année par année" in french and f"9{NNBSP}134" in french
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page_of(client, url(cast.territory))
    assert '<html lang="en">' in english and "Year by year" in english and "9,134" in english
    assert "The Métro&#x27;s open observatory" in english
    assert '<meta property="og:locale" content="en_GB">' in english


def test_the_map_draws_the_communes_from_their_public_outlines(client, cast):
    with_open_data(cast)
    CommuneOutline.objects.create(commune=cast.commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}')
    page = page_of(client, url(cast.territory, indicator="renewable_share"))
    map_data = json.loads(
        page.split('id="observatory-map" type="application/json">', 1)[1].split("</script>")[0]
    )
    outlines_url = reverse("public:observatory_outlines", args=[cast.territory.slug])
    assert map_data["geojson_url"].startswith(outlines_url + "?v=")
    assert map_data["data"][0]["locations"] == ["38421"]
    assert "vendor/plotly/plotly.min.js" in page
    response = client.get(outlines_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    assert json.loads(response.content)["features"][0]["properties"]["code"] == "38421"
    assert client.get(outlines_url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_observatory_costs_a_few_queries_whatever_the_number_of_years(
    client, cast, django_assert_max_num_queries
):
    rows = []
    for year in range(2005, 2023):
        rows += whole_territory_rows(1000.0 + year, year)
    open_dataset_with_values(cast, rows=rows)
    # The territory, its open datasets, then the internal observatory's reads (figures, targets, imports,
    # years, a page of communes and their comparison, the map's outlines and counts): 17 at most.
    with django_assert_max_num_queries(17):
        page = page_of(client, url(cast.territory))
    assert table(page, "years-table").count('<th scope="row">') == 18
