"""The reminders page, the minutes (safe rendering, PDF), the calendar feeds, the query counts."""

from datetime import UTC, date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from communes.models import Role
from tests.factories import CommuneFactory, MembershipFactory
from tests.workgroups.helpers import named_member, new_meeting, paris
from tests.workgroups.view_helpers import (
    MEETING_DAY,
    url_of,
)
from workgroups import calendar, services
from workgroups.models import (
    Decision,
    GroupMember,
    MeetingDocument,
    MeetingHistoryEntry,
    Reminder,
    ReminderReason,
)

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
    shown = {reminder.commune_id for reminder in response.context["page"].object_list}
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


@pytest.mark.parametrize("role", ["staff", "elected"])
def test_a_member_outside_the_group_gets_the_meetings_as_busy_time_only(client, scene, cast, login, role):
    person = getattr(cast, role)
    online = new_meeting(
        scene.group,
        paris(2026, 7, 3, 9, 30),
        video_link="https://visio.example.org/secret-room",
        agenda="Arbitrages budgétaires confidentiels",
    )
    token = calendar.feed_token(user=person, commune=cast.commune)

    events = events_of(client.get(reverse("workgroups:calendar", args=[token])))

    # The meeting's page refuses them its content ...
    assert login(person).get(reverse("workgroups:meeting", args=[online.pk])).status_code == 403
    # ... so their feed shows what the group's list shows them: the time and the place, nothing more.
    assert len(events) == 2
    feed = b"".join(event.to_ical() for event in events).decode()
    assert "secret-room" not in feed and "visio.example.org" not in feed
    assert "Arbitrages" not in feed and "Bilan annuel" not in feed
    assert f"/meetings/{online.pk}/" not in feed and f"/meetings/{scene.meeting.pk}/" not in feed
    by_uid = {str(event["UID"]): event for event in events}
    busy = by_uid[f"meeting-{online.pk}@pcl.example.org"]
    assert busy["DTSTART"].dt == paris(2026, 7, 3, 9, 30).astimezone(UTC)
    assert str(busy["CLASS"]) == "CONFIDENTIAL" and "LOCATION" not in busy and "DESCRIPTION" not in busy
    assert str(busy["URL"]) == f"https://pcl.example.org/communes/{cast.commune.insee_code}/group/"
    held = by_uid[f"meeting-{scene.meeting.pk}@pcl.example.org"]
    assert str(held["LOCATION"]) == "Salle du conseil, 1er étage"  # the group's list shows the place


def test_a_member_of_the_group_reads_the_agenda_and_the_video_link_in_the_feed(client, scene, cast):
    services.member_save(
        member=GroupMember(group=scene.group, user=cast.staff, function="other", joined_on=date(2024, 1, 1))
    )
    online = new_meeting(
        scene.group,
        paris(2026, 7, 3, 9, 30),
        video_link="https://visio.example.org/secret-room",
        agenda="Arbitrages budgétaires",
    )
    token = calendar.feed_token(user=cast.staff, commune=cast.commune)

    events = events_of(client.get(reverse("workgroups:calendar", args=[token])))

    event = {str(event["UID"]): event for event in events}[f"meeting-{online.pk}@pcl.example.org"]
    assert str(event["DESCRIPTION"]) == "Arbitrages budgétaires\n\nhttps://visio.example.org/secret-room"
    assert str(event["LOCATION"]) == "https://visio.example.org/secret-room"
    assert str(event["URL"]) == f"https://pcl.example.org/meetings/{online.pk}/"


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
        MeetingHistoryEntry.objects.create(meeting=scene.meeting, user=cast.advisor, summary=f"Décision {n}")
        MeetingDocument.objects.create(
            meeting=scene.meeting, file=f"workgroups/y/{n}.pdf", name=f"cr-{n}.pdf"
        )
    scene.meeting.attendees.add(*members)
    new_meeting(scene.group, paris(2099, 1, 1))
    Reminder.objects.create(commune=cast.commune, reason=ReminderReason.QUIET, recipients="a@example.org")


GROUP_PAGE_QUERIES = 12
MEETING_PAGE_QUERIES = 11  # the history of its decisions: one query


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


CALENDAR_FEED_QUERIES = 5


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["advisor", "staff"])
def test_the_calendar_feed_costs_a_bounded_number_of_queries(
    client, scene, cast, django_assert_max_num_queries, count, role
):
    for n in range(count):
        new_meeting(scene.group, MEETING_DAY + timedelta(days=30 * (n + 1)), agenda=f"Ordre du jour {n}")
    token = calendar.feed_token(user=getattr(cast, role), commune=cast.commune)

    with django_assert_max_num_queries(CALENDAR_FEED_QUERIES):
        events = events_of(client.get(reverse("workgroups:calendar", args=[token])))

    assert len(events) == count + 1
