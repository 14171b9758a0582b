"""Every working-group view through the permission matrix, the data each one stores or shows, the
minutes (page and PDF), the calendar feeds and the cost in queries of the pages."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from icalendar import Calendar
from pypdf import PdfReader

from communes.models import Membership, Role
from tests.factories import CommuneFactory, MembershipFactory
from tests.workgroups.helpers import named_member, new_action, new_meeting, paris, tr
from workgroups import calendar, services
from workgroups.models import (
    Decision,
    Function,
    GroupMember,
    Meeting,
    MeetingDocument,
    Reminder,
    ReminderReason,
    WorkingGroup,
)
from workgroups.urls import urlpatterns

pytestmark = pytest.mark.django_db

READERS = ["admin", "metro_officer", "advisor", "referent", "staff", "elected"]
EDITORS = ["admin", "advisor", "referent"]
READ_ONLY = ["staff", "elected", "metro_officer"]
DENIED = [(role, 403) for role in READ_ONLY] + [("outsider", 404)]

MEETING_DAY = paris(2026, 3, 12, 18)
MINUTES = """Le groupe a fait le point sur le plan d'actions.

- Écoles : relevés de consommation à jour.
- Éclairage public : devis reçus."""


@pytest.fixture
def scene(cast, group):
    """cast.commune's group with a meeting held (minutes, attendees, a document) and a plan action."""
    member = named_member(group, "Jeanne Finances", function=Function.FINANCE, joined_on=date(2024, 1, 1))
    meeting = new_meeting(
        group,
        MEETING_DAY,
        ends_at=MEETING_DAY + timedelta(hours=2),
        place="Salle du conseil, 1er étage",
        agenda="Bilan annuel",
        minutes=MINUTES,
        attendees=list(group.members.all()),
        user=cast.advisor,
    )
    document = services.document_add(
        meeting=meeting,
        upload=SimpleUploadedFile("ordre-du-jour.pdf", b"%PDF-1.4 ordre du jour"),
        user=cast.advisor,
    )
    action = new_action(cast.commune, cast.advisor, "Rénovation de l'école Jean-Jaurès")
    return SimpleNamespace(group=group, member=member, meeting=meeting, document=document, action=action)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def url_of(name, scene, cast):
    """The address of each view of workgroups/urls.py for the scene's objects."""
    insee = cast.commune.insee_code
    args = {
        "group": [insee],
        "group_setup": [insee],
        "group_edit": [insee],
        "member_create": [insee],
        "member_edit": [insee, scene.member.pk],
        "meeting_create": [insee],
        "meeting": [scene.meeting.pk],
        "meeting_edit": [scene.meeting.pk],
        "decision_add": [scene.meeting.pk],
        "document_add": [scene.meeting.pk],
        "minutes_pdf": [scene.meeting.pk],
        "document": [scene.document.pk],
        "calendar": [calendar.feed_token(user=cast.advisor, commune=cast.commune)],
        "reminders": [],
    }[name]
    return reverse(f"workgroups:{name}", args=args)


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
    ("document_add", "post"),
    ("minutes_pdf", "get"),
    ("document", "get"),
    ("reminders", "get"),
]


def test_every_url_is_covered():
    assert {pattern.name for pattern in urlpatterns} == {name for name, _method in LOGIN_ONLY} | {"calendar"}


@pytest.mark.parametrize("name, method", LOGIN_ONLY)
def test_anonymous_visitors_are_sent_to_login(client, scene, cast, name, method):
    before = Meeting.objects.count(), GroupMember.objects.count(), Decision.objects.count()

    response = getattr(client, method)(url_of(name, scene, cast))

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


def test_a_calendar_token_for_a_commune_one_cannot_see_is_not_found(client, scene, cast):
    token = calendar.feed_token(user=cast.outsider, commune=cast.commune)

    assert client.get(reverse("workgroups:calendar", args=[token])).status_code == 404


def test_a_token_of_another_kind_is_not_a_calendar_token(client, scene, cast):
    token = signing.dumps({"u": cast.advisor.pk, "c": cast.commune.pk})  # default salt

    assert client.get(reverse("workgroups:calendar", args=[token])).status_code == 404


# --- reading: members of the commune, the Métro officer, the admin -------------------------------


@pytest.mark.parametrize("role, status", [(role, 200) for role in READERS] + [("outsider", 404)])
def test_everyone_in_the_commune_reads_the_group_page(login, scene, cast, role, status):
    assert login(getattr(cast, role)).get(url_of("group", scene, cast)).status_code == status


MEETING_READERS = ["admin", "metro_officer", "advisor", "referent"]


@pytest.mark.parametrize("name", ["meeting", "document", "minutes_pdf"])
@pytest.mark.parametrize(
    "role, status",
    [(role, 200) for role in MEETING_READERS] + [("staff", 403), ("elected", 403), ("outsider", 404)],
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


# --- editing: the admin, the advisor and the referent --------------------------------------------


def meeting_data(scene, **changes):
    data = {
        "starts_at": "2026-03-12T18:00",
        "ends_at": "2026-03-12T20:00",
        "place": "Salle du conseil, 1er étage",
        "video_link": "",
        "agenda": "Bilan annuel",
        "attendees": [member.pk for member in scene.group.members.all()],
        "guests": "",
        "minutes": MINUTES,
        "next_meeting_on": "",
    }
    return {**data, **changes}


def member_data(**changes):
    data = {"user": "", "name": "", "function": "", "joined_on": "", "left_on": ""}
    return {**data, **changes}


@dataclass
class Edit:
    data: Callable  # (scene, cast) -> POST data
    stored: Callable  # (scene, cast, user) -> asserts the change
    untouched: Callable  # (scene, cast) -> asserts nothing changed
    shows_form: bool = True  # False: POST only (GET is 405)
    redirect: Callable = field(
        default=lambda scene, cast: reverse("workgroups:group", args=[cast.commune.insee_code])
    )


def _group_stored(scene, cast, user):
    scene.group.refresh_from_db()
    assert scene.group.name == "Comité de pilotage PCL"
    assert scene.group.created_on == date(2025, 1, 15)
    assert scene.group.reminder_interval_days == 90


def _group_untouched(scene, cast):
    scene.group.refresh_from_db()
    assert scene.group.reminder_interval_days is None and scene.group.name != "Comité de pilotage PCL"


def _member_created(scene, cast, user):
    member = GroupMember.objects.get(name="Denis Communication")
    assert member.group == scene.group
    assert member.function == Function.COMMUNICATION
    assert member.joined_on == date(2025, 1, 1) and member.left_on is None


def _member_edited(scene, cast, user):
    scene.member.refresh_from_db()
    assert scene.member.left_on == date(2026, 6, 30)
    assert scene.member.function == Function.FINANCE


def _member_untouched(scene, cast):
    scene.member.refresh_from_db()
    assert scene.member.left_on is None


def _meeting_created(scene, cast, user):
    meeting = Meeting.objects.get(place="Mairie annexe")
    assert meeting.group == scene.group
    assert meeting.starts_at == paris(2026, 12, 15, 18)
    assert meeting.ends_at == paris(2026, 12, 15, 20)
    assert meeting.created_by == user
    assert set(meeting.attendees.all()) == {scene.member}


def _meeting_edited(scene, cast, user):
    scene.meeting.refresh_from_db()
    assert scene.meeting.minutes == "Nouveau compte rendu."
    assert scene.meeting.guests == "Bureau d'études Thermia"
    assert set(scene.meeting.attendees.all()) == {scene.member}
    assert scene.meeting.created_by == cast.advisor  # the author stays


def _meeting_untouched(scene, cast):
    scene.meeting.refresh_from_db()
    assert scene.meeting.minutes == MINUTES
    assert scene.meeting.attendees.count() == 3


def _decision_stored(scene, cast, user):
    decision = Decision.objects.get()
    assert decision.meeting == scene.meeting
    assert decision.text == "Lancer l'audit énergétique de l'école."
    assert list(decision.actions.all()) == [scene.action]


def _document_stored(scene, cast, user):
    document = MeetingDocument.objects.get(name="budget.ods")
    assert document.meeting == scene.meeting and document.uploaded_by == user
    with document.file.open("rb") as stored:
        assert stored.read() == b"budget"


def _meeting_page(scene, cast):
    return reverse("workgroups:meeting", args=[scene.meeting.pk])


EDITS = {
    "group_edit": Edit(
        data=lambda scene, cast: {
            "name": "Comité de pilotage PCL",
            "created_on": "2025-01-15",
            "reminder_interval_days": "90",
        },
        stored=_group_stored,
        untouched=_group_untouched,
    ),
    "member_create": Edit(
        data=lambda scene, cast: member_data(
            name="Denis Communication", function="communication", joined_on="2025-01-01"
        ),
        stored=_member_created,
        untouched=lambda scene, cast: not GroupMember.objects.filter(name="Denis Communication").exists(),
    ),
    "member_edit": Edit(
        data=lambda scene, cast: member_data(
            name="Jeanne Finances", function="finance", joined_on="2024-01-01", left_on="2026-06-30"
        ),
        stored=_member_edited,
        untouched=_member_untouched,
    ),
    "meeting_create": Edit(
        data=lambda scene, cast: meeting_data(
            scene,
            starts_at="2026-12-15T18:00",
            ends_at="2026-12-15T20:00",
            place="Mairie annexe",
            attendees=[scene.member.pk],
            minutes="",
        ),
        stored=_meeting_created,
        untouched=lambda scene, cast: not Meeting.objects.filter(place="Mairie annexe").exists(),
        redirect=lambda scene, cast: reverse(
            "workgroups:meeting", args=[Meeting.objects.get(place="Mairie annexe").pk]
        ),
    ),
    "meeting_edit": Edit(
        data=lambda scene, cast: meeting_data(
            scene,
            minutes="Nouveau compte rendu.",
            guests="Bureau d'études Thermia",
            attendees=[scene.member.pk],
        ),
        stored=_meeting_edited,
        untouched=_meeting_untouched,
        redirect=_meeting_page,
    ),
    "decision_add": Edit(
        data=lambda scene, cast: {
            "text": "Lancer l'audit énergétique de l'école.",
            "actions": [scene.action.pk],
        },
        stored=_decision_stored,
        untouched=lambda scene, cast: not Decision.objects.exists(),
        shows_form=False,
        redirect=_meeting_page,
    ),
    "document_add": Edit(
        data=lambda scene, cast: {"file": SimpleUploadedFile("budget.ods", b"budget")},
        stored=_document_stored,
        untouched=lambda scene, cast: list(MeetingDocument.objects.all()) == [scene.document],
        shows_form=False,
        redirect=_meeting_page,
    ),
}


def check_untouched(edit, scene, cast):
    result = edit.untouched(scene, cast)
    assert result is None or result is True


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("role", EDITORS)
def test_editors_edit(login, scene, cast, name, role):
    edit = EDITS[name]
    user = getattr(cast, role)
    client = login(user)
    url = url_of(name, scene, cast)

    assert client.get(url).status_code == (200 if edit.shows_form else 405)
    response = client.post(url, edit.data(scene, cast))

    assert response.status_code == 302, response.context and response.context.get("form").errors
    edit.stored(scene, cast, user)
    assert response.url == edit.redirect(scene, cast)


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("role, status", DENIED)
def test_others_may_not_edit(login, scene, cast, name, role, status):
    edit = EDITS[name]
    client = login(getattr(cast, role))
    url = url_of(name, scene, cast)

    if edit.shows_form:
        assert client.get(url).status_code == status
    assert client.post(url, edit.data(scene, cast)).status_code == status
    check_untouched(edit, scene, cast)


# the set-up, on a commune that has no group yet


@pytest.mark.parametrize("role", EDITORS)
def test_editors_set_up_the_group(login, cast, role):
    client = login(getattr(cast, role))
    url = reverse("workgroups:group_setup", args=[cast.commune.insee_code])

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("workgroups:group", args=[cast.commune.insee_code])
    group = WorkingGroup.objects.get(commune=cast.commune)
    assert {member.user for member in group.members.all()} == {cast.advisor, cast.referent}


@pytest.mark.parametrize("role, status", DENIED)
def test_others_may_not_set_up_the_group(login, cast, role, status):
    response = login(getattr(cast, role)).post(
        reverse("workgroups:group_setup", args=[cast.commune.insee_code])
    )

    assert response.status_code == status
    assert not WorkingGroup.objects.exists()


def test_a_second_set_up_is_refused_with_a_message(login, cast, group):
    response = login(cast.referent).post(
        reverse("workgroups:group_setup", args=[cast.commune.insee_code]), follow=True
    )

    assert WorkingGroup.objects.count() == 1
    assert messages_of(response) == [
        tr("%(commune)s already has a working group.", commune=cast.commune.name)
    ]


@pytest.mark.parametrize("name", ["group_edit", "member_create", "meeting_create"])
def test_group_pages_of_a_commune_without_group_are_not_found(login, cast, name):
    assert (
        login(cast.advisor).get(reverse(f"workgroups:{name}", args=[cast.commune.insee_code])).status_code
        == 404
    )


def test_the_group_page_without_group_offers_the_set_up_to_editors_only(login, cast):
    url = reverse("workgroups:group", args=[cast.commune.insee_code])
    setup = reverse("workgroups:group_setup", args=[cast.commune.insee_code])

    assert setup in login(cast.referent).get(url).content.decode()
    assert setup not in login(cast.staff).get(url).content.decode()


# the forms refuse what the services refuse


def test_a_member_of_another_group_cannot_be_edited_through_this_commune(login, scene, cast):
    other = services.group_setup(commune=cast.other_commune, user=cast.outsider).members.get()

    url = reverse("workgroups:member_edit", args=[cast.commune.insee_code, other.pk])

    assert login(cast.advisor).get(url).status_code == 404


def test_a_member_form_with_neither_account_nor_name_is_refused(login, scene, cast):
    response = login(cast.advisor).post(
        url_of("member_create", scene, cast), member_data(function="other", joined_on="2025-01-01")
    )

    assert response.status_code == 200
    assert escape(tr("Choose an account or give the person's name.")) in response.content.decode()
    assert scene.group.members.count() == 3


def test_a_member_leaving_before_joining_is_refused(login, scene, cast):
    response = login(cast.advisor).post(
        url_of("member_edit", scene, cast),
        member_data(name="Jeanne Finances", function="finance", joined_on="2024-01-01", left_on="2023-12-31"),
    )

    assert response.status_code == 200
    assert escape(tr("A member cannot leave before joining.")) in response.content.decode()
    _member_untouched(scene, cast)


def test_a_meeting_ending_before_it_starts_is_refused(login, scene, cast):
    response = login(cast.referent).post(
        url_of("meeting_create", scene, cast),
        meeting_data(scene, starts_at="2026-12-15T18:00", ends_at="2026-12-15T17:00", place="Mairie annexe"),
    )

    assert response.status_code == 200
    assert escape(tr("A meeting cannot end before it starts.")) in response.content.decode()
    assert not Meeting.objects.filter(place="Mairie annexe").exists()


def test_attendees_of_another_group_are_refused_by_the_meeting_form(login, scene, cast):
    stranger = services.group_setup(commune=cast.other_commune, user=cast.outsider).members.get()

    response = login(cast.referent).post(
        url_of("meeting_edit", scene, cast), meeting_data(scene, attendees=[scene.member.pk, stranger.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    _meeting_untouched(scene, cast)


def test_a_decision_on_another_commune_action_is_refused(login, scene, cast):
    theirs = new_action(cast.other_commune, cast.outsider, "Chaufferie bois")

    response = login(cast.advisor).post(
        url_of("decision_add", scene, cast), {"text": "Tout lancer.", "actions": [theirs.pk]}, follow=True
    )

    assert not Decision.objects.exists()
    assert len(messages_of(response)) == 1


def test_the_refusal_of_a_decision_on_another_commune_action_does_not_blame_the_text(login, scene, cast):
    """The text was given: telling the user that “a decision needs a text” misleads them."""
    theirs = new_action(cast.other_commune, cast.outsider, "Chaufferie bois")

    response = login(cast.advisor).post(
        url_of("decision_add", scene, cast), {"text": "Tout lancer.", "actions": [theirs.pk]}, follow=True
    )

    assert messages_of(response) != [tr("A decision needs a text.")]


def test_a_decision_without_text_is_refused(login, scene, cast):
    response = login(cast.advisor).post(url_of("decision_add", scene, cast), {"text": ""}, follow=True)

    assert not Decision.objects.exists()
    assert messages_of(response) == [tr("A decision needs a text.")]


def test_a_document_of_a_wrong_type_is_refused_with_its_reason(login, scene, cast):
    response = login(cast.referent).post(
        url_of("document_add", scene, cast), {"file": SimpleUploadedFile("script.exe", b"MZ")}, follow=True
    )

    assert messages_of(response) == [
        tr(
            "“%(name)s” is not an accepted type (%(types)s).",
            name="script.exe",
            types="pdf, odt, ods, odp, docx, xlsx, pptx, png, jpg, jpeg, txt",
        )
    ]
    assert list(MeetingDocument.objects.all()) == [scene.document]


def test_a_too_large_document_is_refused_with_its_reason(login, scene, cast, settings):
    settings.MEETING_DOCUMENT_MAX_BYTES = 2**20

    response = login(cast.referent).post(
        url_of("document_add", scene, cast),
        {"file": SimpleUploadedFile("plans.pdf", b"x" * (2**20 + 10))},
        follow=True,
    )

    assert messages_of(response) == [
        tr("“%(name)s” weighs %(size)d MB; at most %(max)d MB are accepted.", name="plans.pdf", size=2, max=1)
    ]
    assert list(MeetingDocument.objects.all()) == [scene.document]


def test_a_document_form_without_file_is_refused(login, scene, cast):
    response = login(cast.referent).post(url_of("document_add", scene, cast), {}, follow=True)

    assert messages_of(response) == [tr("Choose a file to attach.")]


# --- reminders page -----------------------------------------------------------------------------


@pytest.fixture
def reminders(cast):
    return {
        commune.pk: Reminder.objects.create(
            commune=commune,
            reason=ReminderReason.NO_GROUP,
            recipients=f"someone@{commune.insee_code}.example.org",
        )
        for commune in (cast.commune, cast.other_commune)
    }


@pytest.mark.parametrize(
    "role, sees",
    [("advisor", ["commune"]), ("outsider", ["other_commune"]), ("admin", ["commune", "other_commune"])],
)
def test_the_reminders_page_lists_the_reminders_of_ones_communes(login, cast, reminders, role, sees):
    response = login(getattr(cast, role)).get(reverse("workgroups:reminders"))

    assert response.status_code == 200
    shown = {reminder.commune_id for reminder in response.context["reminders"]}
    assert shown == {getattr(cast, name).pk for name in sees}
    html = response.content.decode()
    for commune in (cast.commune, cast.other_commune):
        assert (reminders[commune.pk].recipients in html) == (commune.pk in shown)
    assert "/workgroups/calendar/" in response.context["feed_url"]


@pytest.mark.parametrize("role", ["referent", "staff", "elected", "metro_officer"])
def test_the_reminders_page_is_for_advisors_and_the_admin(login, cast, reminders, role):
    assert login(getattr(cast, role)).get(reverse("workgroups:reminders")).status_code == 403


# --- minutes ------------------------------------------------------------------------------------


def test_the_minutes_are_rendered_safely(login, scene, cast):
    scene.meeting.minutes = (
        'Ouverture <script>alert("pcl")</script> de la séance.\n\n'
        "- Point <b>gras</b> & budget\n"
        "- Deuxième point\n\n"
        "Fin."
    )
    scene.meeting.save()

    html = login(cast.referent).get(url_of("meeting", scene, cast)).content.decode()

    minutes = html.split('<div id="minutes">', 1)[1].split("</div>", 1)[0]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;pcl&quot;)&lt;/script&gt;" in minutes
    assert "<ul><li>Point &lt;b&gt;gras&lt;/b&gt; &amp; budget</li><li>Deuxième point</li></ul>" in minutes
    assert "<p>Fin.</p>" in minutes
    assert "<b>" not in minutes


def test_list_lines_after_a_line_of_text_become_a_list(login, scene, cast):
    """“Lines starting with “- ” make a list”, also right under an introductory line."""
    scene.meeting.minutes = "Points abordés :\n- Écoles\n- Éclairage public"
    scene.meeting.save()

    html = login(cast.referent).get(url_of("meeting", scene, cast)).content.decode()

    minutes = html.split('<div id="minutes">', 1)[1].split("</div>", 1)[0]
    assert "<li>Écoles</li><li>Éclairage public</li>" in minutes


def squeeze(text: str) -> str:
    """Without spaces nor line breaks (the PDF wraps lines where it likes), typographic apostrophes plain."""
    return "".join(text.replace("’", "'").split())


def pdf_text(response) -> str:
    return squeeze(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages))


def test_the_minutes_pdf_holds_the_commune_the_attendees_and_the_minutes(login, scene, cast):
    response = login(cast.referent).get(url_of("minutes_pdf", scene, cast))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="compte-rendu-saint-martin-dheres-2026-03-12.pdf"'
    )
    text = pdf_text(response)
    for expected in (
        "Saint-Martin-d'Hères",
        "Claire Conseillère",  # the attendees
        "Romain Référent",
        "Jeanne Finances",
        "Le groupe a fait le point sur le plan d'actions.",  # the minutes
        "Écoles : relevés de consommation à jour.",
        "Salle du conseil, 1er étage",
    ):
        assert squeeze(expected) in text


def test_the_minutes_pdf_is_named_after_the_local_day_of_the_meeting(login, scene, cast):
    """A meeting at 00:30 in Grenoble on 13 March is 12 March in UTC: the file name must say the 13th."""
    late = new_meeting(scene.group, paris(2026, 3, 13, 0, 30), minutes="Séance de nuit.")

    response = login(cast.referent).get(reverse("workgroups:minutes_pdf", args=[late.pk]))

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="compte-rendu-saint-martin-dheres-2026-03-13.pdf"'
    )


def test_the_minutes_pdf_escapes_the_minutes(login, scene, cast):
    scene.meeting.minutes = 'Avant <img src="http://evil.example/x.png"> après'
    scene.meeting.save()

    response = login(cast.referent).get(url_of("minutes_pdf", scene, cast))

    assert squeeze('<img src="http://evil.example/x.png">') in pdf_text(response)


# --- calendar feeds -----------------------------------------------------------------------------


def events_of(response):
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_commune_feed_has_one_event_per_meeting(client, scene, cast):
    online = new_meeting(
        scene.group,
        paris(2026, 7, 3, 9, 30),
        video_link="https://visio.example.org/pcl-smh",
        agenda="Préparation du bilan annuel avec l'ALE; points divers, questions des élus et calendrier "
        "des prochains chantiers de rénovation énergétique des écoles élémentaires.",
    )
    other_group = services.group_setup(commune=cast.other_commune, user=cast.outsider)
    new_meeting(other_group, MEETING_DAY, place="Mairie d'Échirolles")
    token = calendar.feed_token(user=cast.referent, commune=cast.commune)

    events = events_of(client.get(reverse("workgroups:calendar", args=[token])))

    assert len(events) == 2
    by_uid = {str(event["UID"]): event for event in events}
    first = by_uid[f"meeting-{scene.meeting.pk}@pcl.example.org"]
    assert first["DTSTART"].dt == MEETING_DAY.astimezone(UTC)
    assert first["DTSTART"].dt.utcoffset() == timedelta(0)
    assert first["DTEND"].dt == (MEETING_DAY + timedelta(hours=2)).astimezone(UTC)
    assert cast.commune.name in str(first["SUMMARY"])
    assert str(first["LOCATION"]) == "Salle du conseil, 1er étage"
    assert str(first["URL"]) == f"https://pcl.example.org/meetings/{scene.meeting.pk}/"
    second = by_uid[f"meeting-{online.pk}@pcl.example.org"]
    assert second["DTSTART"].dt == paris(2026, 7, 3, 9, 30).astimezone(UTC)
    assert second["DTSTART"].dt.utcoffset() == timedelta(0)
    assert str(second["LOCATION"]) == "https://visio.example.org/pcl-smh"  # no place: the video link
    assert str(second["DESCRIPTION"]).startswith(online.agenda)
    assert second["DTEND"].dt - second["DTSTART"].dt == timedelta(hours=2)  # no end: two hours


def test_the_advisor_feed_holds_the_meetings_of_all_their_communes_only(client, scene, cast):
    other_group = services.group_setup(commune=cast.other_commune, user=cast.outsider)
    theirs = new_meeting(other_group, MEETING_DAY, place="Mairie d'Échirolles")
    second = sign_up_second_commune(cast)
    mine_too = new_meeting(services.group_setup(commune=second, user=cast.advisor), paris(2026, 5, 4))

    mine = events_of(
        client.get(reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.advisor)]))
    )
    their = events_of(
        client.get(reverse("workgroups:calendar", args=[calendar.feed_token(user=cast.outsider)]))
    )

    assert {str(event["UID"]).split("@")[0] for event in mine} == {
        f"meeting-{scene.meeting.pk}",
        f"meeting-{mine_too.pk}",
    }
    assert {str(event["UID"]).split("@")[0] for event in their} == {f"meeting-{theirs.pk}"}
    assert any("Seyssins" in str(event["SUMMARY"]) for event in mine)


def sign_up_second_commune(cast):
    second = CommuneFactory(name="Seyssins")
    MembershipFactory(commune=second, user=cast.advisor, role=Role.ADVISOR)
    return second


# --- cost in queries ----------------------------------------------------------------------------


def fill(scene, cast, count):
    """`count` meetings in the group, and as many attendees, decisions and documents on the scene's."""
    members = [named_member(scene.group, f"Membre {n}", joined_on=date(2024, 1, 1)) for n in range(count)]
    for n in range(count):
        meeting = new_meeting(scene.group, MEETING_DAY - timedelta(days=30 * (n + 1)), minutes="CR")
        Decision.objects.create(meeting=meeting, text=f"Décision {n}")
        MeetingDocument.objects.create(meeting=meeting, file=f"workgroups/x/{n}.pdf", name=f"doc-{n}.pdf")
        decision = Decision.objects.create(meeting=scene.meeting, text=f"Décision du jour {n}")
        decision.actions.add(scene.action)
        MeetingDocument.objects.create(
            meeting=scene.meeting, file=f"workgroups/y/{n}.pdf", name=f"cr-{n}.pdf"
        )
    scene.meeting.attendees.add(*members)
    new_meeting(scene.group, paris(2099, 1, 1))
    Reminder.objects.create(commune=cast.commune, reason=ReminderReason.QUIET, recipients="a@example.org")


GROUP_PAGE_QUERIES = 12
MEETING_PAGE_QUERIES = 10


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["advisor", "staff"])
def test_the_group_page_costs_a_bounded_number_of_queries(
    login, scene, cast, django_assert_max_num_queries, count, role
):
    fill(scene, cast, count)
    client = login(getattr(cast, role))

    with django_assert_max_num_queries(GROUP_PAGE_QUERIES):
        response = client.get(url_of("group", scene, cast))

    assert response.status_code == 200
    assert len(response.context["page"].past) == count + 1


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["advisor", "referent"])
def test_the_meeting_page_costs_a_bounded_number_of_queries(
    login, scene, cast, django_assert_max_num_queries, count, role
):
    fill(scene, cast, count)
    client = login(getattr(cast, role))

    with django_assert_max_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(url_of("meeting", scene, cast))

    assert response.status_code == 200
    assert response.content.decode().count("Décision du jour") == count
