"""Regularity of the groups and the reminders sent when one goes quiet, moving through time."""

from datetime import UTC, date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from communes.models import Role, Stage
from tests.factories import CommuneFactory, MembershipFactory
from tests.workgroups.helpers import new_meeting, paris, sign, tr
from workgroups import selectors, services
from workgroups.models import Reminder, ReminderReason, WorkingGroup
from workgroups.tasks import meeting_reminders_task

pytestmark = pytest.mark.django_db

# The daily run, in the morning: 143 days after the last meeting of the scenario below. In UTC, so
# that adding days means adding 24-hour periods across the change to summer time.
T0 = paris(2025, 6, 2, 6).astimezone(UTC)
LAST_MEETING = paris(2025, 1, 10, 18).astimezone(UTC)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def make_group(commune, created_on=date(2024, 10, 1), **fields):
    return WorkingGroup.objects.create(commune=commune, created_on=created_on, **fields)


@pytest.fixture
def quiet(cast):
    """cast.commune: engaged, its group last met on LAST_MEETING, more than an interval before T0."""
    sign(cast.commune)
    group = services.group_setup(commune=cast.commune, user=cast.advisor)
    WorkingGroup.objects.filter(pk=group.pk).update(created_on=date(2024, 10, 1))
    new_meeting(group, LAST_MEETING, attendees=list(group.members.all()))
    return group


def flag(commune, now=None):
    return selectors.regularity_by_commune(communes=[commune], now=now)[commune.pk]


# --- which communes are flagged -----------------------------------------------------------------


def test_regularity_flags_each_kind_of_quiet_group_and_no_other(cast):
    no_group = sign(CommuneFactory(name="Sans Groupe"))
    never_met = sign(CommuneFactory(name="Jamais Réuni"))
    make_group(never_met, created_on=date(2025, 1, 2))
    quiet = sign(CommuneFactory(name="Endormie"), stage=Stage.PLAN_DELIBERATED)
    new_meeting(make_group(quiet), LAST_MEETING)
    lively = sign(CommuneFactory(name="Active"))
    lively_group = make_group(lively)
    new_meeting(lively_group, LAST_MEETING)
    new_meeting(lively_group, paris(2025, 5, 20))
    not_signatory = CommuneFactory(name="Pas Signataire")  # neither group nor charter
    not_signatory_quiet = CommuneFactory(name="Pas Signataire Mais Groupe")
    new_meeting(make_group(not_signatory_quiet, created_on=date(2020, 1, 1)), paris(2020, 2, 1))
    communes = [no_group, never_met, quiet, lively, not_signatory, not_signatory_quiet]

    with travel(T0):
        regularity = selectors.regularity_by_commune(communes=communes)

    reasons = {commune.name: regularity[commune.pk].reason for commune in communes}
    assert reasons == {
        "Sans Groupe": ReminderReason.NO_GROUP,
        "Jamais Réuni": ReminderReason.NEVER_MET,  # set up 151 days before T0
        "Endormie": ReminderReason.QUIET,  # 143 days without meeting
        "Active": None,  # met 13 days before
        "Pas Signataire": None,
        "Pas Signataire Mais Groupe": None,
    }
    assert regularity[quiet.pk].quiet and not regularity[lively.pk].quiet
    assert regularity[quiet.pk].last_meeting == LAST_MEETING
    assert regularity[lively.pk].last_meeting == paris(2025, 5, 20)
    assert not regularity[no_group.pk].has_group and regularity[never_met.pk].has_group
    assert all(state.interval_days == 122 for state in regularity.values())


def test_a_group_gets_the_whole_interval_for_its_first_meeting(cast):
    sign(cast.commune)
    make_group(cast.commune, created_on=date(2025, 1, 2))

    with travel(paris(2025, 5, 1)):  # 119 days after the set-up
        assert flag(cast.commune).reason is None
    with travel(paris(2025, 5, 5)):  # 123 days
        assert flag(cast.commune).reason == ReminderReason.NEVER_MET


def test_quiet_starts_once_the_interval_has_passed(cast, quiet):
    with travel(LAST_MEETING + timedelta(days=121)):
        assert flag(cast.commune).reason is None
    with travel(LAST_MEETING + timedelta(days=122, hours=1)):
        assert flag(cast.commune).reason == ReminderReason.QUIET
        assert flag(cast.commune).days_since == 122


def test_the_group_interval_replaces_the_default_one(cast, quiet):
    WorkingGroup.objects.filter(pk=quiet.pk).update(reminder_interval_days=30)

    with travel(LAST_MEETING + timedelta(days=31)):
        state = flag(cast.commune)

    assert state.reason == ReminderReason.QUIET
    assert state.interval_days == 30


def test_a_planned_meeting_is_not_a_meeting_held(cast, quiet):
    planned = paris(2025, 6, 20, 18)
    new_meeting(quiet, planned)
    never_met = sign(CommuneFactory(name="Jamais Réuni"))
    new_meeting(make_group(never_met, created_on=date(2024, 10, 1)), planned)

    with travel(T0):
        state = flag(cast.commune)
        never = flag(never_met)

    assert state.reason == ReminderReason.QUIET
    assert state.last_meeting == LAST_MEETING
    assert state.next_meeting == planned
    assert never.reason == ReminderReason.NEVER_MET and never.last_meeting is None
    assert never.next_meeting == planned


def test_regularity_takes_an_explicit_now(cast, quiet):
    assert flag(cast.commune, now=T0).reason == ReminderReason.QUIET
    assert flag(cast.commune, now=LAST_MEETING + timedelta(days=1)).reason is None


# --- the reminders themselves -------------------------------------------------------------------


def test_reminders_send_emails_the_advisor_and_referent_and_records_it(cast, quiet):
    with travel(T0):
        sent = services.reminders_send()

    assert len(sent) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # The advisor and the referent: not the staff, the elected officials nor the other commune's advisor.
    assert sorted(message.to) == sorted([cast.advisor.email, cast.referent.email])
    assert cast.commune.name in message.subject
    assert cast.commune.name in message.body
    assert "10\u00a0janvier\u00a02025" in message.body  # the last meeting, in French as the site, unbreakable
    assert f"https://pcl.example.org/communes/{cast.commune.insee_code}/group/" in message.body
    reminder = Reminder.objects.get()
    assert sent == [reminder]
    assert reminder.commune == cast.commune
    assert reminder.reason == ReminderReason.QUIET
    assert str(reminder) == f"{cast.commune.name} — 2\u00a0juin\u00a02025"
    assert reminder.sent_at == T0
    assert reminder.last_meeting_on == date(2025, 1, 10)
    assert set(reminder.recipients.split(", ")) == {cast.advisor.email, cast.referent.email}


def test_reminders_are_not_sent_again_before_the_interval(cast, quiet):
    with travel(T0):
        services.reminders_send()
    for later in (timedelta(days=1), timedelta(days=30), timedelta(days=121, hours=23)):
        with travel(T0 + later):
            assert services.reminders_send() == []

    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


def test_reminders_are_sent_again_once_the_interval_has_passed(cast, quiet):
    with travel(T0):
        services.reminders_send()
    with travel(T0 + timedelta(days=122)):
        sent = services.reminders_send()

    assert len(sent) == 1
    assert len(mail.outbox) == 2
    assert sorted(mail.outbox[1].to) == sorted([cast.advisor.email, cast.referent.email])
    assert Reminder.objects.count() == 2


def test_each_commune_is_reminded_to_its_own_people_for_its_reason(cast, quiet):
    sign(cast.other_commune)  # engaged, no group; advised by the outsider
    other_referent = MembershipFactory(commune=cast.other_commune, role=Role.REFERENT).user
    MembershipFactory(commune=cast.other_commune, role=Role.STAFF)
    not_signatory = CommuneFactory(name="Pas Signataire")
    MembershipFactory(commune=not_signatory, role=Role.ADVISOR)

    with travel(T0):
        services.reminders_send()

    by_subject = {
        next(
            name for name in (cast.commune.name, cast.other_commune.name) if name in message.subject
        ): message
        for message in mail.outbox
    }
    assert len(mail.outbox) == 2
    assert sorted(by_subject[cast.other_commune.name].to) == sorted(
        [cast.outsider.email, other_referent.email]
    )
    assert sorted(by_subject[cast.commune.name].to) == sorted([cast.advisor.email, cast.referent.email])
    reasons = dict(Reminder.objects.values_list("commune__name", "reason"))
    assert reasons == {
        cast.commune.name: ReminderReason.QUIET,
        cast.other_commune.name: ReminderReason.NO_GROUP,
    }


def test_inactive_people_are_not_reminded(cast, quiet):
    cast.referent.is_active = False
    cast.referent.save()

    with travel(T0):
        services.reminders_send()

    assert mail.outbox[0].to == [cast.advisor.email]


def test_a_planned_future_meeting_does_not_stop_the_reminder(cast, quiet):
    new_meeting(quiet, paris(2025, 6, 20, 18))

    with travel(T0):
        sent = services.reminders_send()

    assert len(sent) == 1 and len(mail.outbox) == 1
    assert sent[0].reason == ReminderReason.QUIET
    assert sent[0].last_meeting_on == date(2025, 1, 10)


def test_the_celery_task_sends_the_reminders(cast, quiet):
    with travel(T0):
        assert meeting_reminders_task.delay().get() == 1
    with travel(T0 + timedelta(days=1)):
        assert meeting_reminders_task.delay().get() == 0
    with travel(T0 + timedelta(days=122)):
        assert meeting_reminders_task.delay().get() == 1

    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_the_management_command_sends_the_reminders(cast, quiet):
    out = StringIO()
    with travel(T0):
        call_command("send_meeting_reminders", stdout=out)
    assert "1 reminders sent." in out.getvalue()
    assert cast.commune.name in out.getvalue()

    out = StringIO()
    with travel(T0 + timedelta(days=1)):
        call_command("send_meeting_reminders", stdout=out)
    assert "0 reminders sent." in out.getvalue()

    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


# --- a meeting held clears the flag -------------------------------------------------------------


def group_cell(response, commune):
    url = reverse("workgroups:group", args=[commune.insee_code])
    row = next(c for c in response.context["communes"] if c.pk == commune.pk)
    return next(cell for cell in row.cells if cell.url == url)


def test_a_meeting_held_clears_the_reminder(cast, quiet, login):
    url = reverse("workgroups:group", args=[cast.commune.insee_code])
    with travel(T0):
        services.reminders_send()
        response = login(cast.advisor).get(reverse("communes:portfolio"))
        cell = group_cell(response, cast.commune)
        assert cell.tone == "warning"
        assert (
            f'<a class="badge text-bg-warning text-decoration-none" href="{url}">'
            in response.content.decode()
        )
        assert 'id="group-flag"' in login(cast.advisor).get(url).content.decode()

    held = paris(2025, 6, 12, 18)
    with travel(held + timedelta(hours=2)):
        new_meeting(quiet, held, attendees=list(quiet.members.all()), minutes="Reprise du groupe.")
        assert flag(cast.commune).reason is None
        response = login(cast.advisor).get(reverse("communes:portfolio"))
        cell = group_cell(response, cast.commune)
        html = response.content.decode()
        assert cell.tone == ""
        met = tr("met on %(date)s", date="12/06/2025")
        assert cell.text == met
        assert f'href="{url}">{met}</a>' in html
        assert f'text-bg-warning text-decoration-none" href="{url}"' not in html
        assert 'id="group-flag"' not in login(cast.advisor).get(url).content.decode()

    # The interval since the reminder has passed, but the group met since: nothing to send.
    with travel(T0 + timedelta(days=123)):
        assert services.reminders_send() == []
    assert len(mail.outbox) == 1


def test_the_portfolio_shows_a_commune_without_group_as_such(cast, login):
    sign(cast.commune)

    with travel(T0):
        response = login(cast.advisor).get(reverse("communes:portfolio"))

    cell = group_cell(response, cast.commune)
    assert cell.tone == "danger"


def test_the_portfolio_does_not_say_never_met_of_a_commune_without_group(cast, login):
    """A commune that has not signed the charter is not flagged, but it still has no group: the
    cell must not read “never met” as if a group existed."""
    with travel(T0):
        response = login(cast.advisor).get(reverse("communes:portfolio"))

    cell = group_cell(response, cast.commune)
    assert cell.tone == ""
    assert cell.text == tr("no group")
