"""Demonstration working groups: most engaged communes meet regularly, a few have gone quiet."""

import hashlib
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from communes.models import Commune, Stage

from .models import Meeting, WorkingGroup
from .services import group_setup

MINUTES = """Le groupe a fait le point sur l'avancement du plan d'actions.

- Suivi des consommations des écoles : relevés à jour.
- Éclairage public : devis reçus, choix en conseil de novembre.
- Prochaine étape : préparer le bilan annuel avec l'ALE."""


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


@transaction.atomic
def groups_demo_load() -> None:
    engaged = Commune.objects.filter(
        stage__in=[Stage.PLAN_IN_PREPARATION, Stage.PLAN_DELIBERATED, Stage.IN_FOLLOW_UP],
        working_group__isnull=True,
    )
    today = timezone.localdate()
    for commune in engaged:
        seed = _seed(commune.insee_code)
        group = group_setup(commune=commune, user=None)
        set_up = today - timedelta(days=900)
        WorkingGroup.objects.filter(pk=group.pk).update(created_on=set_up)
        group.members.update(joined_on=set_up)
        # One group in four last met long ago: the portfolio flags it.
        last = today - timedelta(days=200 + seed % 90 if seed % 4 == 0 else 20 + seed % 60)
        members = list(group.members.all())
        for index in range(3):
            day = last - timedelta(days=index * 100)
            meeting = Meeting.objects.create(
                group=group,
                starts_at=timezone.make_aware(datetime.combine(day, time(18, 0))),
                place="Mairie, salle du conseil",
                agenda="Avancement du plan d'actions\nPréparation du bilan annuel",
                minutes=MINUTES,
                next_meeting_on=day + timedelta(days=100),
            )
            meeting.attendees.set(members)
        if seed % 4 != 0:
            Meeting.objects.create(
                group=group,
                starts_at=timezone.make_aware(
                    datetime.combine(today + timedelta(days=30 + seed % 30), time(18, 0))
                ),
                place="Mairie, salle du conseil",
                agenda="Bilan annuel du plan d'actions",
            )
