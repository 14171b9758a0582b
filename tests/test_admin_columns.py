"""The administration's lists write dates and years as the pages do: "1er", no-break spaces, years never
grouped like figures."""

from datetime import date

import pytest
from django.urls import reverse

from tests.actions.factories import ActionPlanFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_write_the_first_of_the_month_and_years_as_years(login, cast):
    cast.commune.charter_signed_on = date(2009, 3, 1)
    cast.commune.save()
    ActionPlanFactory(
        commune=cast.commune, start_year=2024, end_year=2030, deliberation_date=date(2025, 6, 1)
    )
    client = login(cast.admin)

    communes = client.get(reverse("admin:communes_commune_changelist")).content.decode()
    assert '<td class="field-charter_signed_on">1er\u00a0mars\u00a02009</td>' in communes

    plans = client.get(reverse("admin:actions_actionplan_changelist")).content.decode()
    assert '<td class="field-start_year">2024</td><td class="field-end_year">2030</td>' in plans
    assert '<td class="field-deliberation_date">1er\u00a0juin\u00a02025</td>' in plans
    assert "2\u202f024" not in plans
