"""Editing the working group through the permission matrix, and what the data becomes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AuditAction, AuditEvent
from pcl.formatting import file_size
from tests import samples
from tests.workgroups.helpers import new_action, paris, tr
from tests.workgroups.view_helpers import (
    DECISION_TEXT,
    DENIED,
    EDITORS,
    MINUTES,
    meeting_data,
    member_data,
    messages_of,
    scene_decision,
    url_of,
)
from workgroups import services
from workgroups.models import (
    Decision,
    Function,
    GroupMember,
    Meeting,
    MeetingDocument,
    MeetingHistoryEntry,
    WorkingGroup,
)

# --- editing: the admin, the advisor and the referent --------------------------------------------


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
        assert stored.read() == samples.opendocument()


def _meeting_page(scene, cast):
    return reverse("workgroups:meeting", args=[scene.meeting.pk])


def _decision_edited(scene, cast, user):
    decision = Decision.objects.get(meeting=scene.meeting, text__contains="et de la mairie")
    assert list(decision.actions.all()) == []
    entry = MeetingHistoryEntry.objects.get(meeting=scene.meeting)
    assert (entry.user, entry.summary) == (user, tr("Decision edited"))
    assert [(change["before"], change["after"]) for change in entry.changes] == [
        (DECISION_TEXT, "Commander l'audit énergétique des écoles et de la mairie."),
        (f"{scene.action.title} (v1)", "—"),
    ]


def _decision_untouched(scene, cast):
    decision = scene_decision(scene)
    assert decision.text == DECISION_TEXT and list(decision.actions.all()) == [scene.action]
    assert not MeetingHistoryEntry.objects.exists()


def _decision_deleted(scene, cast, user):
    assert not Decision.objects.filter(text=DECISION_TEXT).exists()
    entry = MeetingHistoryEntry.objects.get(meeting=scene.meeting)
    assert entry.user == user
    assert DECISION_TEXT in entry.summary
    assert entry.changes[0]["before"] == DECISION_TEXT
    event = AuditEvent.objects.get(action=AuditAction.DELETED)
    assert (event.actor, event.details["object"]) == (user, "decision")


def _meeting_decisions(scene, cast):
    return reverse("workgroups:meeting", args=[scene.meeting.pk]) + "#decisions"


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
    "decision_edit": Edit(
        data=lambda scene, cast: {"text": "Commander l'audit énergétique des écoles et de la mairie."},
        stored=_decision_edited,
        untouched=_decision_untouched,
        redirect=_meeting_decisions,
    ),
    "decision_delete": Edit(
        data=lambda scene, cast: {},
        stored=_decision_deleted,
        untouched=_decision_untouched,
        redirect=_meeting_decisions,
    ),
    "document_add": Edit(
        data=lambda scene, cast: {"file": SimpleUploadedFile("budget.ods", samples.opendocument())},
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
        tr(
            "“%(name)s” weighs %(size)s; the limit is %(max)s.",
            name="plans.pdf",
            size=file_size(2**20 + 10),
            max=file_size(2**20),
        )
    ]
    assert list(MeetingDocument.objects.all()) == [scene.document]


def test_a_document_form_without_file_is_refused(login, scene, cast):
    response = login(cast.referent).post(url_of("document_add", scene, cast), {}, follow=True)

    assert messages_of(response) == [tr("Choose a file to attach.")]
