"""The administration's “Onboard a territory” page: the same as `territory_create`, for administrators."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from communes.models import Agency, Commune, CommuneOutline, Territory
from observatory.models import Target
from observatory.national_targets import NATIONAL_SOURCE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:communes_territory_onboard")
VOIRONNAIS = "243800984"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(content: str, name="voironnais.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="application/geo+json")


def voiron_outline() -> str:
    square = [[[5.59, 45.36], [5.6, 45.36], [5.6, 45.37], [5.59, 45.36]]]
    feature = {
        "type": "Feature",
        "properties": {"code": "38563"},
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


def test_the_territory_list_links_to_the_page_for_administrators(client, cast):
    client.force_login(cast.admin)
    page = client.get(reverse("admin:communes_territory_changelist"))
    assert page.status_code == 200 and URL in page.content.decode()


def test_only_an_administrator_opens_it(client, cast):
    assert client.get(URL).status_code == 302  # to the sign-in page
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"siren": VOIRONNAIS}).status_code == 403
    assert Commune.objects.filter(territory__siren=VOIRONNAIS).count() == 1  # the cast's Voiron only
    client.force_login(cast.admin)
    assert client.get(URL).status_code == 200


def test_it_onboards_a_territory_and_says_what_was_done(client, cast):
    client.force_login(cast.admin)

    response = client.post(
        URL,
        {
            "siren": VOIRONNAIS,
            "name": "",
            "slug": "pays-voironnais",
            "outlines": upload(voiron_outline()),
            "outlines_source": "IGN Admin Express 2024",
            "agency": "Agence de l'énergie du Voironnais",
        },
    )

    territory = Territory.objects.get(siren=VOIRONNAIS)
    assert response.status_code == 302
    assert response.url == reverse("admin:communes_territory_change", args=[territory.pk])
    assert territory.slug == "pays-voironnais"
    assert Commune.objects.filter(territory=territory).count() == 31  # the cast's Voiron among them
    assert CommuneOutline.objects.get(commune__territory=territory).source == "IGN Admin Express 2024"
    assert list(Agency.objects.get(name="Agence de l'énergie du Voironnais").territories.all()) == [territory]
    assert set(Target.objects.filter(territory=territory).values_list("source", flat=True)) == {
        NATIONAL_SOURCE
    }
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert shown[0].startswith(
        "Territory Communauté d'agglomération du Pays Voironnais (SIREN 243800984) updated"
    )
    assert "Outlines: 1 commune outlined from IGN Admin Express 2024." in shown[2]
    assert "30 communes have no outline" in shown[2]
    assert any(line.startswith("Targets: the national strategy's by default (SNBC)") for line in shown)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"siren": "243800985"}, "243800985 is not a valid SIREN number (its check digit is wrong)."),
        ({"siren": "200069193"}, "The platform does not know the name of EPCI 200069193"),
        ({"siren": VOIRONNAIS, "outlines": "not json"}, "voironnais.geojson is not a GeoJSON file"),
    ],
)
def test_an_error_is_shown_on_the_form_and_nothing_is_written(client, cast, data, message):
    client.force_login(cast.admin)
    territories = Territory.objects.count()
    if "outlines" in data:
        data = {**data, "outlines": upload(data["outlines"])}

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Territory.objects.count() == territories
    assert not Commune.objects.filter(insee_code__startswith="01").exists()
    assert Commune.objects.filter(territory__siren=VOIRONNAIS).count() == 1  # the cast's Voiron only
