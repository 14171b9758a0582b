"""Every list that grows with the network shows one page of it, with the shared pager: page 1 holds a
full page and a link to the next, page 2 the rest, the filters stay in the pager's links, and a page
past the end shows the last one (Paginator.get_page, as the communes list always did)."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from actions.models import CatalogueAction, HistoryEntry
from communes.models import Commune, Role, Signatory, SignatoryType, sort_key
from observatory.models import BatchStatus, Dataset, ImportBatch, ImportFormat, Target
from pcl.pagination import PAGE_SIZE
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument, Letter, LetterStatus
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.factories import EpciFactory, MembershipFactory, UserFactory
from workgroups.models import Reminder, ReminderReason

pytestmark = pytest.mark.django_db

EXTRA = 7  # rows on page 2


def communes(count, **fields) -> list[Commune]:
    epci = EpciFactory()
    return Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"{60000 + index:05d}",
                name=f"Ville {index:03d}",
                sort_name=sort_key(f"Ville {index:03d}"),
                epci=epci,
                **fields,
            )
            for index in range(count)
        ]
    )


def assert_paginated(client, path, *, total, params=None, size=PAGE_SIZE):
    """`total` rows at `path`: a full first page, the rest on the last, the filters kept, past the end
    the last page."""
    params = params or {}
    first = client.get(path, params)
    assert first.status_code == 200
    page = first.context["page"]
    assert (page.paginator.count, len(page.object_list), page.number) == (total, size, 1)
    html = first.content.decode()
    pages = page.paginator.num_pages
    assert f"Page 1 of {pages}" in html or f"Page 1 sur {pages}" in html
    assert re.search(r'<nav aria-label="[^"]+">\s*<ul class="pagination">', html)
    assert 'aria-current="page"><span class="page-link">' in html
    kept = urlencode(params).replace("&", "&amp;")
    assert f'href="?{kept + "&amp;" if kept else ""}page=2"' in html
    last = client.get(path, {**params, "page": pages}).context["page"]
    assert len(last.object_list) == total - size * (pages - 1)
    assert (
        f'href="?{kept + "&amp;" if kept else ""}page={pages - 1}"'
        in client.get(path, {**params, "page": pages}).content.decode()
    )
    beyond = client.get(path, {**params, "page": pages + 5})
    assert beyond.status_code == 200 and beyond.context["page"].number == pages
    return first


@pytest.fixture
def admin_client(login):
    return login(UserFactory(is_superuser=True, is_staff=True))


def test_the_communes_list_keeps_its_search_in_the_pager(admin_client):
    communes(PAGE_SIZE + EXTRA)
    assert_paginated(admin_client, reverse("communes:list"), total=PAGE_SIZE + EXTRA, params={"q": "Ville"})


def test_the_documents_are_listed_by_page_with_the_commune_filter_kept(admin_client):
    towns = communes(2)
    GeneratedDocument.objects.bulk_create(
        [
            GeneratedDocument(
                kind=DocumentKind.COMMUNE_REPORT,
                commune=towns[index % 2],
                year=2024,
                status=DocumentStatus.DONE,
            )
            for index in range(2 * (PAGE_SIZE + EXTRA))
        ]
    )
    response = assert_paginated(
        admin_client,
        reverse("reporting:documents"),
        total=PAGE_SIZE + EXTRA,
        params={"commune": towns[0].insee_code},
    )
    assert {document.commune_id for document in response.context["page"].object_list} == {towns[0].pk}


def test_a_commune_lists_its_documents_by_page_its_adopted_file_still_offered(login, cast):
    plan = ActionPlanFactory(commune=cast.commune)
    GeneratedDocument.objects.bulk_create(
        [
            GeneratedDocument(
                kind=DocumentKind.DELIBERATION,
                commune=cast.commune,
                plan=plan,
                plan_version=1,
                status=DocumentStatus.DONE,
                file=f"documents/{index}.pdf",
                is_frozen=index == 0,
            )
            for index in range(PAGE_SIZE + EXTRA)
        ]
    )
    path = reverse("reporting:commune_documents", args=[cast.commune.insee_code])
    response = assert_paginated(login(cast.referent), path, total=PAGE_SIZE + EXTRA)
    assert f'id="adopted-file-{plan.pk}"' in response.content.decode()
    assert f'id="adopted-file-{plan.pk}"' in login(cast.referent).get(path, {"page": 2}).content.decode()


def test_the_catalogue_is_listed_by_page_with_its_search_kept(login):
    theme_id = CatalogueAction.objects.values_list("theme_id", flat=True).first()
    CatalogueAction.objects.bulk_create(
        [CatalogueAction(title=f"Zèbre {index:03d}", theme_id=theme_id) for index in range(PAGE_SIZE + EXTRA)]
    )
    assert_paginated(
        login(UserFactory()), reverse("actions:catalogue"), total=PAGE_SIZE + EXTRA, params={"q": "Zèbre"}
    )


def test_a_catalogue_action_lists_its_uses_by_page_and_a_commune_only_its_own(login):
    entry = CatalogueAction.objects.order_by("pk").first()
    towns = communes(PAGE_SIZE + EXTRA)
    advisor = UserFactory(full_name="Claire Conseillère")
    for town in towns:
        ActionFactory(plan=ActionPlanFactory(commune=town), catalogue_action=entry)
    MembershipFactory(user=advisor, commune=towns[0], role=Role.ADVISOR)
    path = reverse("actions:catalogue_detail", args=[entry.pk])
    assert_paginated(login(UserFactory(is_superuser=True, is_staff=True)), path, total=PAGE_SIZE + EXTRA)
    referent = MembershipFactory(commune=towns[3], role=Role.REFERENT).user
    uses = login(referent).get(path).context["uses"]
    assert [action.plan.commune for action in uses] == [towns[3]]


def test_the_observatory_imports_are_listed_by_page(login):
    officer = UserFactory(is_metro_officer=True)
    dataset = Dataset.objects.order_by("pk").first()
    ImportBatch.objects.bulk_create(
        [
            ImportBatch(
                dataset=dataset,
                format=ImportFormat.LONG,
                file=f"imports/f{index}.csv",
                original_name=f"f{index}.csv",
                status=BatchStatus.DONE,
            )
            for index in range(PAGE_SIZE + EXTRA)
        ]
    )
    assert_paginated(login(officer), reverse("observatory:imports"), total=PAGE_SIZE + EXTRA)


def test_the_targets_are_listed_by_page_the_agglomeration_first(login):
    Target.objects.bulk_create(
        [Target(commune=town, target_year=2030) for town in communes(PAGE_SIZE + EXTRA)]
    )
    total = Target.objects.count()  # with the agglomeration's, which the data migration writes
    response = assert_paginated(
        login(UserFactory(is_metro_officer=True)), reverse("observatory:targets"), total=total
    )
    assert response.context["page"].object_list[0].commune is None


def test_the_plan_history_is_listed_by_page_and_by_action(login, cast):
    plan = ActionPlanFactory(commune=cast.commune)
    action, other = ActionFactory(plan=plan), ActionFactory(plan=plan)
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                plan=plan,
                action=action if index % 2 else other,
                user=cast.referent,
                summary=f"Change {index}",
            )
            for index in range(2 * (PAGE_SIZE + EXTRA))
        ]
    )
    client = login(cast.elected)
    path = reverse("actions:plan_history", args=[plan.pk])
    assert_paginated(client, path, total=2 * (PAGE_SIZE + EXTRA))
    response = assert_paginated(client, path, total=PAGE_SIZE + EXTRA, params={"action": action.pk})
    assert {entry.action_id for entry in response.context["page"].object_list} == {action.pk}
    assert "history-one-action" in response.content.decode()


def test_the_action_page_shows_its_last_changes_and_links_to_the_rest(login, cast):
    plan = ActionPlanFactory(commune=cast.commune)
    action = ActionFactory(plan=plan)
    HistoryEntry.objects.bulk_create(
        [HistoryEntry(plan=plan, action=action, summary=f"Change {index:02d}") for index in range(25)]
    )
    response = login(cast.elected).get(reverse("actions:action", args=[action.pk]))
    html = response.content.decode()
    assert html.count('class="border-start border-3 ps-3 mb-3"') == 20
    assert "Change 24" in html and "Change 04" not in html
    assert f'href="{reverse("actions:plan_history", args=[plan.pk])}?action={action.pk}"' in html
    HistoryEntry.objects.filter(summary__lt="Change 10").delete()
    assert (
        "action-full-history"
        not in login(cast.elected).get(reverse("actions:action", args=[action.pk])).content.decode()
    )


def test_the_signatories_are_listed_by_page_with_the_type_kept(login, cast):
    communes(PAGE_SIZE, charter_signed_on=datetime.date(2010, 1, 1))
    Signatory.objects.bulk_create(
        [
            Signatory(name=f"Bailleur {index:03d}", type=SignatoryType.SOCIAL_LANDLORD, signed_on=None)
            for index in range(PAGE_SIZE + EXTRA)
        ]
    )
    client = login(cast.referent)
    path = reverse("communes:signatories")
    response = assert_paginated(client, path, total=2 * PAGE_SIZE + EXTRA)
    assert [row.name for row in response.context["rows"]][:2] == ["Ville 000", "Ville 001"]
    response = assert_paginated(
        client, path, total=PAGE_SIZE + EXTRA, params={"type": SignatoryType.SOCIAL_LANDLORD.value}
    )
    assert {row.type_label for row in response.context["rows"]} == {str(SignatoryType.SOCIAL_LANDLORD.label)}


def test_the_letters_are_listed_by_page(login, cast):
    Letter.objects.bulk_create(
        [
            Letter(
                territory=cast.territory,
                number=index + 1,
                title=f"Lettre {index + 1}",
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2024, 3, 31),
                status=LetterStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for index in range(PAGE_SIZE + EXTRA)
        ]
    )
    response = assert_paginated(login(cast.elected), reverse("reporting:letters"), total=PAGE_SIZE + EXTRA)
    assert response.context["page"].object_list[0].number == PAGE_SIZE + EXTRA


def test_the_reminders_are_listed_by_page(login, cast):
    Reminder.objects.bulk_create(
        [
            Reminder(commune=cast.commune, reason=ReminderReason.choices[0][0], recipients="a@example.org")
            for _ in range(PAGE_SIZE + EXTRA)
        ]
    )
    assert_paginated(login(cast.advisor), reverse("workgroups:reminders"), total=PAGE_SIZE + EXTRA)


def test_the_audit_log_keeps_its_filter_in_the_pager(admin_client):
    action = AuditAction.choices[0][0]
    AuditEvent.objects.bulk_create(
        [AuditEvent(action=action, target=f"Event {index}") for index in range(PAGE_SIZE + EXTRA)]
    )
    total = AuditEvent.objects.filter(action=action).count()  # with those of the test's own sign-in
    assert_paginated(admin_client, reverse("communes:audit_log"), total=total, params={"action": action})
