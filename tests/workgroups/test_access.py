"""Who reaches which working-group page: anonymous visitors, calendar tokens, readers."""

import pytest
from django.core import signing
from django.urls import reverse

from communes.models import Membership
from tests import samples
from tests.workgroups.helpers import new_meeting, paris
from tests.workgroups.view_helpers import (
    MEETING_DAY,
    OUTSIDERS,
    READERS,
    assert_login_redirect,
    url_of,
)
from workgroups import calendar, services
from workgroups.models import (
    Decision,
    GroupMember,
    Meeting,
)
from workgroups.urls import urlpatterns

# --- anonymous visitors -------------------------------------------------------------------------

LOGIN_ONLY = [
    ("group", "get"),
    ("group_setup", "post"),
    ("group_edit", "get"),
    ("group_edit", "post"),
    ("member_create", "get"),
    ("member_create", "post"),
    ("member_edit", "get"),
    ("member_edit", "post"),
    ("meeting_create", "get"),
    ("meeting_create", "post"),
    ("meeting", "get"),
    ("meeting_edit", "get"),
    ("meeting_edit", "post"),
    ("decision_add", "post"),
    ("decision_edit", "get"),
    ("decision_edit", "post"),
    ("decision_delete", "get"),
    ("decision_delete", "post"),
    ("document_add", "post"),
    ("minutes_pdf", "get"),
    ("document", "get"),
    ("reminders", "get"),
]


def test_every_url_is_covered():
    assert {pattern.name for pattern in urlpatterns} == {name for name, _method in LOGIN_ONLY} | {"calendar"}


@pytest.mark.parametrize("name, method", LOGIN_ONLY)
def test_anonymous_visitors_are_sent_to_login(client, scene, cast, name, method):
    url = url_of(name, scene, cast)
    before = Meeting.objects.count(), GroupMember.objects.count(), Decision.objects.count()

    response = getattr(client, method)(url)

    assert_login_redirect(response)
    assert (Meeting.objects.count(), GroupMember.objects.count(), Decision.objects.count()) == before


def test_the_calendar_feed_needs_no_login_but_a_signed_token(client, scene, cast):
    response = client.get(url_of("calendar", scene, cast))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJjIjpudWxsfQ:1tA:forged"])
def test_an_invalid_calendar_token_is_not_found(client, scene, token):
    assert client.get(reverse("workgroups:calendar", args=[token])).status_code == 404


def test_a_tampered_calendar_token_is_not_found(client, scene, cast):
    token = calendar.feed_token(user=cast.advisor, commune=cast.commune)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert client.get(reverse("workgroups:calendar", args=[tampered])).status_code == 404


def test_a_calendar_token_stops_working_when_its_user_loses_access(client, scene, cast):
    token = calendar.feed_token(user=cast.referent, commune=cast.commune)
    url = reverse("workgroups:calendar", args=[token])
    assert client.get(url).status_code == 200

    Membership.objects.filter(user=cast.referent, commune=cast.commune).delete()

    assert client.get(url).status_code == 404


def test_a_calendar_token_of_a_deactivated_user_is_not_found(client, scene, cast):
    urls = [
        reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.advisor, commune=cast.commune)]),
        reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.advisor)]),
    ]
    cast.advisor.is_active = False
    cast.advisor.save()

    assert [client.get(url).status_code for url in urls] == [404, 404]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_a_calendar_token_for_a_commune_one_cannot_see_is_not_found(client, scene, cast, role):
    token = calendar.feed_token(user=getattr(cast, role), commune=cast.commune)

    assert client.get(reverse("workgroups:calendar", args=[token])).status_code == 404


def test_the_calendar_of_an_advisor_of_another_territory_holds_none_of_the_metros_meetings(
    client, scene, cast
):
    feed = client.get(reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.foreign_advisor)]))

    assert feed.status_code == 200
    assert "BEGIN:VEVENT" not in feed.content.decode()


def test_a_token_of_another_kind_is_not_a_calendar_token(client, scene, cast):
    token = signing.dumps({"u": cast.advisor.pk, "c": cast.commune.pk})  # default salt

    assert client.get(reverse("workgroups:calendar", args=[token])).status_code == 404


# --- reading: members of the commune, the Métro officer, the admin -------------------------------


@pytest.mark.parametrize(
    "role, status", [(role, 200) for role in READERS] + [(role, 404) for role in OUTSIDERS]
)
def test_everyone_in_the_commune_reads_the_group_page(login, scene, cast, role, status):
    assert login(getattr(cast, role)).get(url_of("group", scene, cast)).status_code == status


MEETING_READERS = ["admin", "metro_officer", "advisor", "referent"]


@pytest.mark.parametrize("name", ["meeting", "document", "minutes_pdf"])
@pytest.mark.parametrize(
    "role, status",
    [(role, 200) for role in MEETING_READERS]
    + [("staff", 403), ("elected", 403)]
    + [(role, 404) for role in OUTSIDERS],
)
def test_meeting_contents_are_for_the_group_its_leaders_and_network_roles(
    login, scene, cast, name, role, status
):
    response = login(getattr(cast, role)).get(url_of(name, scene, cast))

    assert response.status_code == status


@pytest.mark.parametrize("name", ["meeting", "document", "minutes_pdf"])
def test_a_commune_member_who_is_in_the_group_reads_its_meetings(login, scene, cast, name):
    GroupMember.objects.create(group=scene.group, user=cast.staff, function="finance")

    assert login(cast.staff).get(url_of(name, scene, cast)).status_code == 200


def test_the_rest_of_the_commune_sees_the_list_of_meetings_without_links(login, scene, cast):
    html = login(cast.elected).get(url_of("group", scene, cast)).content.decode()

    assert scene.meeting.starts_at.strftime("%Y") in html
    assert reverse("workgroups:meeting", args=[scene.meeting.pk]) not in html


def test_the_group_page_shows_members_meetings_and_feed(login, scene, cast):
    planned = new_meeting(scene.group, paris(2099, 1, 14, 18), place="Mairie annexe")

    GroupMember.objects.create(group=scene.group, user=cast.staff, function="finance")  # a member who reads
    response = login(cast.staff).get(url_of("group", scene, cast))

    html = response.content.decode()
    page = response.context["page"]
    assert set(page.current_members) == set(scene.group.members.all())
    assert page.past == [scene.meeting] and page.upcoming == [planned]
    assert "Jeanne Finances" in html and "Claire Conseillère" in html
    assert reverse("workgroups:meeting", args=[scene.meeting.pk]) in html
    assert "/workgroups/calendar/" in response.context["feed_url"]
    assert not response.context["can_edit"]
    assert reverse("workgroups:meeting_create", args=[cast.commune.insee_code]) not in html


def test_the_document_is_downloaded(login, scene, cast):
    response = login(cast.referent).get(url_of("document", scene, cast))

    assert b"".join(response.streaming_content) == b"%PDF-1.4 ordre du jour"
    assert 'filename="ordre-du-jour.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_is_downloaded_under_a_slug_of_its_name_with_its_own_type(login, scene, cast):
    document = services.document_add(
        meeting=scene.meeting,
        upload=samples.upload("../../Budget « prévisionnel » 2026.XLSX", samples.xlsx()),
        user=cast.referent,
    )

    response = login(cast.referent).get(reverse("workgroups:document", args=[document.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="budget-previsionnel-2026.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_minutes_pdf_is_an_attachment_that_is_not_sniffed(login, scene, cast):
    response = login(cast.referent).get(reverse("workgroups:minutes_pdf", args=[scene.meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_objects_of_another_commune_are_not_found_for_the_outsider_but_theirs_are(login, scene, cast):
    other_group = services.group_setup(commune=cast.other_commune, user=cast.outsider)
    theirs = new_meeting(other_group, MEETING_DAY)
    client = login(cast.advisor)

    assert client.get(reverse("workgroups:meeting", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("workgroups:group", args=[cast.other_commune.insee_code])).status_code == 404
    assert login(cast.outsider).get(reverse("workgroups:meeting", args=[theirs.pk])).status_code == 200


@pytest.mark.parametrize(
    "name", ["meeting", "meeting_edit", "minutes_pdf", "document", "decision_add", "document_add"]
)
def test_missing_objects_are_not_found(login, scene, cast, name):
    url = reverse(f"workgroups:{name}", args=[987654])
    client = login(cast.admin)

    response = client.post(url) if name in ("decision_add", "document_add") else client.get(url)

    assert response.status_code == 404


def test_the_administration_lists_meeting_documents_without_an_upload_around_the_checks(login, scene, cast):
    change = login(cast.admin).get(reverse("admin:workgroups_meeting_change", args=[scene.meeting.pk]))

    content = change.content.decode()
    assert change.status_code == 200
    assert scene.document.file.name in content
    assert (
        'type="file"' not in content
    )  # documents are attached on the meeting's page, where they are checked
