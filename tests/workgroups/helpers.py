"""Small builders shared by the working-group tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from actions import services as action_services
from actions.models import Theme
from communes.models import Stage
from workgroups import services
from workgroups.models import GroupMember, Meeting

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=18, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def sign(commune, on=date(2020, 1, 15), stage=Stage.SIGNATORY):
    """Makes the commune an engaged one (past the 'not a signatory' stage)."""
    commune.charter_signed_on = on
    commune.stage = stage
    commune.save()
    return commune


def new_meeting(group, starts_at, *, attendees=None, user=None, **fields) -> Meeting:
    return services.meeting_save(
        meeting=Meeting(group=group, starts_at=starts_at, **fields), attendees=attendees, user=user
    )


def named_member(group, name, function="other", **fields) -> GroupMember:
    return services.member_save(member=GroupMember(group=group, name=name, function=function, **fields))


def new_action(commune, user, title="Rénovation de l'école Jean-Jaurès"):
    """An action of a (new, or the commune's current draft) plan of the commune."""
    plan = commune.action_plans.first() or action_services.plan_create(
        commune=commune, title=f"Plan climat {commune.name}", start_year=2024, end_year=2030, user=user
    )
    return action_services.action_create(
        plan=plan, data={"title": title, "theme": Theme.objects.first()}, user=user
    )


def tr(msgid, **params) -> str:
    """A message of the app as the site shows it (French once translated, English until then)."""
    text = gettext(msgid)
    return text % params if params else text
