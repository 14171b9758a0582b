"""The communes an advisor follows: one selector for the portfolio, the lists, dashboards and feeds."""

import pytest
from django.core.exceptions import ValidationError

from communes import selectors, services
from communes.models import CommuneGroup, Role
from tests.factories import CommuneFactory, MembershipFactory, SignatoryFactory

pytestmark = pytest.mark.django_db


def test_an_advisor_follows_the_communes_where_they_hold_the_advisor_role(cast):
    MembershipFactory(user=cast.advisor, commune=cast.other_commune, role=Role.ELECTED)
    assert list(selectors.advisor_communes(advisor=cast.advisor)) == [cast.commune]
    assert list(selectors.advisor_communes(advisor=cast.outsider)) == [cast.other_commune]
    assert not selectors.advisor_communes(advisor=cast.referent).exists()


def test_an_advisor_with_two_roles_in_a_commune_follows_it_once(cast):
    MembershipFactory(user=cast.advisor, commune=cast.commune, role=Role.REFERENT)
    assert list(selectors.advisor_communes(advisor=cast.advisor)) == [cast.commune]


def test_the_portfolio_and_the_network_read_the_same_communes(cast):
    extra = CommuneFactory()
    MembershipFactory(user=cast.advisor, commune=extra, role=Role.ADVISOR)
    followed = set(selectors.advisor_communes(advisor=cast.advisor))
    assert set(selectors.portfolio_communes(advisor=cast.advisor)) == followed == {cast.commune, extra}
    assert set(selectors.network_communes(advisor=cast.advisor)) == followed
    group = CommuneGroup.objects.create(name="Sud", territory=cast.territory)
    group.communes.add(extra, cast.other_commune)
    assert list(selectors.network_communes(advisor=cast.advisor, group=group)) == [extra]
    assert set(selectors.network_communes()) == {
        cast.commune,
        cast.other_commune,
        extra,
        cast.foreign_commune,
    }
    metro = selectors.network_communes(territory_id=cast.territory.pk)
    assert set(metro) == {cast.commune, cast.other_commune, extra}
    assert list(selectors.network_communes(territory_id=cast.foreign_territory.pk)) == [cast.foreign_commune]


def test_the_commune_list_filters_on_the_same_answer(cast):
    communes = selectors.commune_list(user=cast.admin, advisor_id=cast.outsider.pk)
    assert list(communes) == [cast.other_commune]


def test_groups_of_communes_and_advisors_are_read_per_territory(cast):
    south = CommuneGroup.objects.create(name="Sud", territory=cast.territory)
    chartreuse = CommuneGroup.objects.create(name="Chartreuse", territory=cast.foreign_territory)
    assert list(selectors.commune_groups_visible(cast.metro_officer)) == [south]
    assert list(selectors.commune_groups_visible(cast.foreign_advisor)) == [chartreuse]
    assert set(selectors.commune_groups_visible(cast.admin)) == {south, chartreuse}
    assert set(selectors.advisors_visible(cast.referent)) == {cast.advisor, cast.outsider}
    assert list(selectors.advisors_visible(cast.foreign_officer)) == [cast.foreign_advisor]


def test_a_group_gathers_communes_of_its_own_territory_only(cast):
    services.commune_group_communes_check(
        territory=cast.territory, communes=[cast.commune, cast.other_commune]
    )
    with pytest.raises(ValidationError, match="Voiron"):
        services.commune_group_communes_check(
            territory=cast.territory, communes=[cast.commune, cast.foreign_commune]
        )


def test_the_network_counts_and_signatories_of_one_territory(cast):
    SignatoryFactory(name="ACTIS", territory=cast.territory)
    SignatoryFactory(name="Pluralis", territory=cast.foreign_territory)
    cast.foreign_commune.charter_signed_on = "2019-04-02"
    cast.foreign_commune.save()
    rows = [
        selectors.signatory_row(values)
        for values in selectors.signatory_rows(territory_ids=cast.foreign_territory.pk)
    ]
    assert [(row.name, row.territory) for row in rows] == [
        ("Voiron", cast.foreign_territory.name),
        ("Pluralis", cast.foreign_territory.name),
    ]
    assert selectors.network_counts(territory_ids={cast.foreign_territory.pk}) == {
        "communes": 1,
        "signed_communes": 1,
        "other_signatories": 1,
    }
    assert selectors.network_emails(territory_id=cast.foreign_territory.pk) == sorted(
        [cast.foreign_officer.email, cast.foreign_advisor.email]
    )
