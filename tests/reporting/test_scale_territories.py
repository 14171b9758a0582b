"""The bench data's territories (reporting/scale, `load_scale`): one territory per EPCI through the commune
import, the communes of no EPCI in one of their own, the officer of the Métro and the advisors' agency.
On SQLite too: these steps need no PostgreSQL (test_load_scale.py runs the whole command there)."""

import pytest
from django.contrib.auth import get_user_model

from communes.models import Agency, Commune, Territory, TerritoryRole
from reporting.scale.communes import NO_EPCI_TERRITORY, communes_load, national_rows
from reporting.scale.people import BENCH_AGENCY, people_load

pytestmark = pytest.mark.django_db

User = get_user_model()
METRO, DOMBES = "200040715", "200069193"


@pytest.fixture
def rows() -> list[dict]:
    everyone = national_rows()
    metro = [row for row in everyone if row["epci_siren"] == METRO]
    other = [row for row in everyone if row["epci_siren"] == DOMBES][:3]
    alone = [row for row in everyone if row["insee_code"] == "29155"]  # Ouessant, of no EPCI
    return metro + other + alone


def test_each_epci_gets_its_territory_and_the_communes_of_no_epci_one_of_their_own(rows):
    epcis, created = communes_load(rows)

    assert (epcis, created) == (2, 49 + 3 + 1)
    metro = Territory.objects.get(siren=METRO)
    assert metro.name == "Grenoble-Alpes Métropole"
    assert Commune.objects.get(insee_code="38185").territory == metro
    assert Commune.objects.filter(territory=metro).count() == 49
    other = Territory.objects.get(siren=DOMBES)
    assert other.name == f"EPCI {DOMBES}" and Commune.objects.filter(territory=other).count() == 3
    ouessant = Commune.objects.get(insee_code="29155")
    assert (ouessant.territory.name, ouessant.territory.slug, ouessant.epci) == (
        NO_EPCI_TERRITORY["name"],
        NO_EPCI_TERRITORY["slug"],
        None,
    )


def test_the_officer_is_the_metros_and_the_advisors_agency_serves_their_communes_territories(rows):
    communes_load(rows)
    everyone = list(Commune.objects.order_by("insee_code"))
    dombes = Commune.objects.filter(territory__siren=DOMBES).first()
    plan_communes = [dombes, *Commune.objects.filter(insee_code__in=("38185", "38151"))]

    people_load(plan_communes=plan_communes, communes=everyone, password="s3cret")

    officer = User.objects.get(email="officer-001@bench.example")
    assert list(TerritoryRole.objects.filter(user=officer).values_list("territory__siren", flat=True)) == [
        METRO
    ]
    agency = Agency.objects.get(name=BENCH_AGENCY)
    advisors = User.objects.filter(email__startswith="advisor-")
    assert advisors.count() == 2 and set(advisors.values_list("agency", flat=True)) == {agency.pk}
    followed = set(
        Commune.objects.filter(memberships__user__in=advisors).values_list("territory", flat=True).distinct()
    )
    assert set(agency.territories.values_list("pk", flat=True)) == followed
    assert len(followed) == 3  # the Métro, the Dombes and the communes of no EPCI (in the portfolio)
