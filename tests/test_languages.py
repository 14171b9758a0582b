"""Pages follow the active language: dates (shown and typed) and the names of the managed lists."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from actions.charts import schedule_figure
from actions.models import Theme
from observatory.models import Carrier, Dataset, RenewableSource, Sector
from pcl.formatting import NBSP
from pcl.widgets import DateInput, DateTimeInput
from reporting.dashboards import action_summary
from tests.actions.factories import MilestoneFactory, build_scene
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast):
    return build_scene(cast)


@pytest.fixture
def speak(client):
    def set_language(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return set_language


def date_field():
    return forms.DateField(widget=DateInput())


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("fr", "14/09/2026"),
        ("fr", "2026-09-14"),
        ("en", "2026-09-14"),
        ("en", "14 September 2026"),
        ("en", "14 Sep 2026"),
    ],
)
def test_a_date_field_reads_the_language_s_short_date_and_iso(language, typed):
    with translation.override(language):
        assert date_field().clean(typed) == datetime.date(2026, 9, 14)


@pytest.mark.parametrize("typed", ["09/14/2026", "14/09/2026", "02/03/2026"])
def test_an_english_date_field_refuses_a_day_and_month_that_could_be_swapped(typed):
    with translation.override("en"), pytest.raises(forms.ValidationError, match="Enter a valid date"):
        date_field().clean(typed)


@pytest.mark.parametrize(
    ("language", "value", "placeholder"),
    [("fr", "14/09/2026", "jj/mm/aaaa"), ("en", "2026-09-14", "yyyy-mm-dd")],
)
def test_a_date_field_shows_its_date_and_hint_in_the_language(language, value, placeholder):
    with translation.override(language):
        html = DateInput().render("due", datetime.date(2026, 9, 14))
    assert 'type="text"' in html
    assert f'value="{value}"' in html
    assert f'placeholder="{placeholder}"' in html


@pytest.mark.parametrize(
    ("language", "typed", "shown", "placeholder"),
    [
        ("fr", "14/09/2026 18:30", "14/09/2026 18:30", "jj/mm/aaaa hh:mm"),
        ("fr", "2026-09-14T18:30", "14/09/2026 18:30", "jj/mm/aaaa hh:mm"),
        ("en", "2026-09-14 18:30", "2026-09-14 18:30", "yyyy-mm-dd hh:mm"),
        ("en", "2026-09-14T18:30", "2026-09-14 18:30", "yyyy-mm-dd hh:mm"),
    ],
)
def test_a_date_and_time_field_reads_and_shows_the_language_s_form(language, typed, shown, placeholder):
    field = forms.DateTimeField(widget=DateTimeInput())
    with translation.override(language):
        moment = field.clean(typed)
        html = field.widget.render("starts_at", moment)
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-09-14 18:30"
    assert f'value="{shown}"' in html and f'placeholder="{placeholder}"' in html


def test_an_english_date_and_time_field_refuses_an_american_date():
    with translation.override("en"), pytest.raises(forms.ValidationError):
        forms.DateTimeField(widget=DateTimeInput()).clean("09/14/2026 18:30")


def test_the_action_pages_write_dates_in_french(scene, login, speak):
    MilestoneFactory(action=scene.action, due_date=datetime.date(2026, 9, 14))
    client = login(scene.cast.advisor)
    speak("fr")
    detail = client.get(reverse("actions:action", args=[scene.action.pk])).content.decode()
    assert f"6{NBSP}janvier{NBSP}2025" in detail
    assert "14/09/2026" in detail
    assert "2026-09-14" not in detail
    edit = client.get(reverse("actions:action_edit", args=[scene.action.pk])).content.decode()
    assert 'value="06/01/2025"' in edit
    assert 'placeholder="jj/mm/aaaa"' in edit


def test_the_action_pages_write_dates_in_english(scene, login, speak):
    MilestoneFactory(action=scene.action, due_date=datetime.date(2026, 9, 14))
    client = login(scene.cast.advisor)
    speak("en")
    detail = client.get(reverse("actions:action", args=[scene.action.pk])).content.decode()
    assert f"6{NBSP}January{NBSP}2025" in detail
    assert "2026-09-14" in detail
    assert "14/09/2026" not in detail
    assert "janvier" not in detail
    edit = client.get(reverse("actions:action_edit", args=[scene.action.pk])).content.decode()
    assert 'value="2025-01-06"' in edit
    assert 'placeholder="yyyy-mm-dd"' in edit
    assert "06/01/2025" not in edit


def test_the_schedule_chart_names_its_months_in_the_language(scene):
    with translation.override("fr"):
        french = schedule_figure(plan=scene.plan, actions=[scene.action])["layout"]["xaxis"]["ticktext"]
    with translation.override("en"):
        english = schedule_figure(plan=scene.plan, actions=[scene.action])["layout"]["xaxis"]["ticktext"]
    assert french[:2] == [f"janv.{NBSP}2024", f"janv.{NBSP}2025"]
    assert english[:2] == [f"Jan.{NBSP}2024", f"Jan.{NBSP}2025"]


# --- managed lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "code", "french", "english"),
    [
        (Theme, "municipal_buildings", "Bâtiments communaux", "Municipal buildings"),
        (Sector, "residential", "Résidentiel", "Residential"),
        (Carrier, "natural_gas", "Gaz naturel", "Natural gas"),
        (RenewableSource, "photovoltaic", "Photovoltaïque", "Solar photovoltaics"),
    ],
)
def test_the_reference_lists_have_english_names(model, code, french, english):
    entry = model.objects.get(code=code)
    with translation.override("fr"):
        assert str(entry) == french
    with translation.override("en"):
        assert str(entry) == english


def test_the_datasets_have_english_names():
    orcae = Dataset.objects.get(code="orcae")
    with translation.override("fr"):
        assert str(orcae) == "ORCAE — consommations, émissions et productions par commune"
    with translation.override("en"):
        assert str(orcae) == "ORCAE — consumption, emissions and production by commune"


def test_an_entry_with_no_english_name_keeps_its_french_name_in_english():
    theme = Theme.objects.create(code="heat", name="Réseaux de chaleur", order=99)
    with translation.override("en"):
        assert str(theme) == "Réseaux de chaleur"


def test_the_catalogue_names_its_themes_in_the_page_s_language(cast, login, speak):
    client = login(cast.advisor)
    speak("en")
    english = client.get(reverse("actions:catalogue")).content.decode()
    assert "Municipal buildings" in english
    assert "Bâtiments communaux" not in english
    speak("fr")
    french = client.get(reverse("actions:catalogue")).content.decode()
    assert "Bâtiments communaux" in french
    assert "Municipal buildings" not in french


def test_the_plan_dashboard_names_its_themes_in_the_page_s_language(scene, login, speak):
    with translation.override("en"):
        names = [theme.name for theme in action_summary(scene.plan.actions.all()).themes]
    assert names == [str(Theme.objects.order_by("pk").first().name_en)]


def test_the_observatory_names_sectors_and_sources_in_the_page_s_language(cast, login, speak):
    import_rows(series_rows(["38421"], [2020, 2021, 2022]), user=cast.metro_officer)
    client = login(cast.elected)
    url = reverse("observatory:commune", args=["38421"])
    speak("en")
    english = client.get(url).content.decode()
    assert "Residential" in english and "Road transport" in english and "Solar photovoltaics" in english
    # The charts' data is JSON, where "é" is written "\u00e9".
    assert "sidentiel" not in english and "Transport routier" not in english
    assert "ORCAE — consumption, emissions and production by commune" in english
    speak("fr")
    french = client.get(url).content.decode()
    assert "Transport routier" in french and "Residential" not in french and "Road transport" not in french
