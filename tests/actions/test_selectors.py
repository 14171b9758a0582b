"""Which plan is current, adopted and followed: one answer for one commune and for many at once."""

import datetime

import pytest

from actions import selectors, services
from actions.models import ActionStatus, PlanStatus
from tests.actions.factories import ActionFactory, ActionPlanFactory, MilestoneFactory, adopted_plan
from tests.actions.helpers import territory_catalogue_entry
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(cast):
    """The commune's v1 adopted and in follow-up, and v2 started from it, in draft."""
    v1 = adopted_plan(cast.commune)
    ActionFactory(plan=v1, title="Chaufferie bois")
    ActionFactory(plan=v1, title="Isolation de la mairie")
    v2 = services.plan_new_version(plan=v1, user=cast.advisor)
    return v1, v2


def test_a_new_version_in_draft_is_current_while_the_adopted_one_is_followed(cast, versions):
    v1, v2 = versions
    assert selectors.current_plan(commune=cast.commune) == v2
    assert selectors.adopted_plan(commune=cast.commune) == v1
    assert selectors.followed_plan(commune=cast.commune) == v1


def test_the_new_version_is_followed_once_the_council_adopts_it(cast, versions):
    _v1, v2 = versions
    for status in (PlanStatus.SUBMITTED, PlanStatus.VALIDATED):
        services.plan_transition(plan=v2, to_status=status, user=cast.advisor)
    services.plan_transition(
        plan=v2,
        to_status=PlanStatus.DELIBERATED,
        user=cast.advisor,
        deliberation_date=datetime.date(2026, 1, 15),
        deliberation_number="2026-002",
        announce=False,
    )
    assert selectors.current_plan(commune=cast.commune) == v2
    assert selectors.adopted_plan(commune=cast.commune) == v2
    assert selectors.followed_plan(commune=cast.commune) == v2


def test_a_plan_in_preparation_is_followed_until_one_is_adopted(cast):
    draft = ActionPlanFactory(commune=cast.commune)
    assert selectors.current_plan(commune=cast.commune) == draft
    assert selectors.adopted_plan(commune=cast.commune) is None
    assert selectors.followed_plan(commune=cast.commune) == draft


def test_a_commune_without_plan_has_none(cast):
    assert selectors.current_plan(commune=cast.commune) is None
    assert selectors.adopted_plan(commune=cast.commune) is None
    assert selectors.followed_plan(commune=cast.commune) is None


def test_a_plan_created_anew_after_an_adopted_one_is_current_by_its_version(cast):
    """`plan_create` after an adopted plan links no `previous_version`: the version number decides."""
    v1 = adopted_plan(cast.commune)
    v2 = services.plan_create(
        commune=cast.commune, title="Nouveau plan", start_year=2027, end_year=2032, user=cast.advisor
    )
    assert v2.previous_version is None
    assert selectors.current_plan(commune=cast.commune) == v2
    assert selectors.followed_plan(commune=cast.commune) == v1


def test_many_communes_are_answered_in_one_query_each(cast, versions, django_assert_num_queries):
    v1, v2 = versions
    draft_only = ActionPlanFactory(commune=cast.other_commune)
    communes = [CommuneFactory() for _ in range(20)]
    for commune in communes:
        adopted_plan(commune)
    ids = [cast.commune.pk, cast.other_commune.pk, *(commune.pk for commune in communes)]
    with django_assert_num_queries(1):
        current = selectors.current_plans(commune_ids=ids)
    with django_assert_num_queries(1):
        adopted = selectors.adopted_plans(commune_ids=ids)
    with django_assert_num_queries(1):
        followed = selectors.followed_plans(commune_ids=ids)
    assert current[cast.commune.pk] == v2 and current[cast.other_commune.pk] == draft_only
    assert adopted[cast.commune.pk] == v1 and cast.other_commune.pk not in adopted
    assert followed[cast.commune.pk] == v1 and followed[cast.other_commune.pk] == draft_only
    assert len(current) == len(followed) == 22 and len(adopted) == 21


def test_the_portfolio_counts_late_actions_of_the_followed_plan_in_one_query(
    cast, versions, django_assert_num_queries
):
    v1, v2 = versions
    late = v1.actions.get(title="Chaufferie bois")
    late.status = ActionStatus.IN_PROGRESS
    late.save()
    MilestoneFactory(action=late, due_date=datetime.date(2020, 1, 1))
    # Both copies in the draft are late: the draft is not followed yet, so they do not count.
    for copy in v2.actions.all():
        copy.status = ActionStatus.IN_PROGRESS
        copy.save()
        MilestoneFactory(action=copy, due_date=datetime.date(2020, 1, 1))
    with django_assert_num_queries(1):
        line = selectors.portfolio_plans(commune_ids=[cast.commune.pk])[cast.commune.pk]
    assert (line.current, line.followed, line.late) == (v2, v1, 1)


def test_a_plan_imports_from_the_shared_catalogue_and_its_territorys_only(cast):

    metro = territory_catalogue_entry(cast.territory)
    voiron = territory_catalogue_entry(cast.foreign_territory, title="Chaufferie bois du Voironnais")
    references = selectors.plan_import_references(plan=ActionPlanFactory(commune=cast.commune))
    assert metro in references.catalogue and voiron not in references.catalogue
    assert any(entry.territory_id is None for entry in references.catalogue)
    assert list(
        selectors.catalogue_entries_for(commune=cast.foreign_commune).filter(territory__isnull=False)
    ) == [voiron]
