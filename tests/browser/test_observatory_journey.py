"""End to end: the Métro officer imports observatory files from the browser and reads the result."""

import pytest

from observatory.models import BatchStatus, ImportBatch, Observation
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, TerritoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = """insee_code,year,quantity,sector,energy,value,unit,status
38382,2005,population,,,15000,hab,consolidated
38382,2005,consumption,residential,natural_gas,"120000,5",MWh,consolidated
38382,2005,emissions,residential,,27,kt CO2e,consolidated
38382,2023,population,,,16000,hab,estimated
38382,2023,consumption,residential,natural_gas,90000,MWh,estimated
38382,2023,emissions,residential,,19500,t CO2e,estimated
38382,2023,production,,photovoltaic,4,GWh,estimated
"""
BAD = """insee_code,year,quantity,sector,energy,value,unit,status
38382,2024,population,,,16100,hab,estimated
99999,2024,population,,,10,hab,estimated
38382,2024,emissions,residential,,beaucoup,t CO2e,estimated
"""


def upload(page, base, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.goto(f"{base}/observatory/imports/new/")
    page.locator("#id_dataset").select_option(
        label="ORCAE — consommations, émissions et productions par commune"
    )
    page.locator("#id_format").select_option("long")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()


def test_metro_officer_imports_a_file_and_sees_the_commune_against_its_targets(
    live_server, new_page, tmp_path
):
    CommuneFactory(name="Saint-Égrève", insee_code="38382", population=16000)
    UserFactory(email="marc@example.org", full_name="Marc Métro", officer_of=TerritoryFactory())
    page = new_page()
    sign_in(page, live_server.url, "marc@example.org", PASSWORD)

    upload(page, live_server.url, tmp_path, "saint-egreve.csv", GOOD)
    page.locator("#import-result").wait_for()
    assert "7" in page.locator("#import-result").inner_text()
    assert ImportBatch.objects.get().status == BatchStatus.DONE
    assert Observation.objects.count() == 7

    # A wrong file imports nothing and lists every wrong row.
    upload(page, live_server.url, tmp_path, "wrong.csv", BAD)
    page.locator("#import-errors").wait_for()
    errors = page.locator("#import-errors").inner_text()
    assert "99999" in errors and "beaucoup" in errors
    assert Observation.objects.count() == 7
    assert ImportBatch.objects.filter(status=BatchStatus.FAILED).count() == 1

    # The commune's observatory shows the figures, the estimated year and the trajectory.
    page.goto(f"{live_server.url}/observatory/communes/38382/")
    years = page.locator("#years-table").inner_text()
    assert "2005" in years and "2023 (e)" in years
    assert page.locator("#chart-emissions .main-svg").count() >= 1
    assert "ORCAE" in page.locator("#provenance").inner_text()
    # Years are categories: the estimated year keeps its bar and its "(e)", no "2 014,5" between.
    consumption = page.locator("#chart-consumption")
    consumption.locator(".main-svg").first.wait_for()
    assert consumption.locator(".xtick text").all_text_contents() == ["2005", "2023 (e)"]
    assert consumption.locator(".bars .point").count() == 2
