"""The communes an advisor follows: one selector for the portfolio, the lists, dashboards and feeds."""

import pytest

from communes import selectors
from communes.models import CommuneGroup, Role
from tests.factories import CommuneFactory, MembershipFactory

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
