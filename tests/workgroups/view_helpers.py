"""Role lists, data builders and small helpers of the working-group view tests."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.workgroups.helpers import paris
from workgroups import calendar, services
from workgroups.models import Decision, MeetingHistoryEntry

READERS = ["admin", "metro_officer", "advisor", "referent", "staff", "elected"]
EDITORS = ["admin", "advisor", "referent"]
READ_ONLY = ["staff", "elected", "metro_officer"]
# Everyone with no part in the commune: another commune's advisor, and the other territory's officer and
# advisor (the Pays Voironnais): 404 on everything of the Métro's commune.
OUTSIDERS = ["outsider", "foreign_officer", "foreign_advisor"]
DENIED = [(role, 403) for role in READ_ONLY] + [(role, 404) for role in OUTSIDERS]

DECISION_TEXT = "Commander l'audit énergétique des écoles."
MEETING_DAY = paris(2026, 3, 12, 18)
MINUTES = """Le groupe a fait le point sur le plan d'actions.

- Écoles : relevés de consommation à jour.
- Éclairage public : devis reçus."""


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def scene_decision(scene) -> Decision:
    """The decision of the scene's meeting that the edit and delete views work on (made on first use)."""
    decision = scene.meeting.decisions.filter(text=DECISION_TEXT).first()
    if decision is None:
        decision = services.decision_save(
            decision=Decision(meeting=scene.meeting, text=DECISION_TEXT), actions=[scene.action]
        )
        MeetingHistoryEntry.objects.filter(meeting=scene.meeting).delete()
    return decision


def url_of(name, scene, cast):
    """The address of each view of workgroups/urls.py for the scene's objects."""
    if name in ("decision_edit", "decision_delete"):
        return reverse(f"workgroups:{name}", args=[scene_decision(scene).pk])
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
