"""The public pages' tests' world: a territory with what the public may read and what it never may, side by
side: a commune's published plan (with a draft version after it), a commune's adopted plan left unpublished,
a working group with its minutes and documents, follow-up notes and history, published and draft letters."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions import services as action_services
from actions.models import ActionPlan, ActionStatus, BudgetKind, FollowUpNote, PlanStatus, PlanTransition
from actions.services.follow_up import FollowUp
from actions.services.history import history_record
from communes.models import Role
from reporting.models import Letter, LetterSection, LetterStatus
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    PlanAxisFactory,
    adopted_plan,
)
from tests.factories import MembershipFactory
from workgroups.models import Decision, Meeting, MeetingDocument, WorkingGroup

# What must never reach a public page, a feed or the sitemap.
NEVER_PUBLIC = {
    "owner": "Théo Titulaire",
    "owner_name": "Service Secret des Bâtiments",
    "note": "NOTE-DE-SUIVI-CONFIDENTIELLE",
    "minutes": "COMPTE-RENDU-CONFIDENTIEL",
    "decision": "DECISION-INTERNE-CONFIDENTIELLE",
    "document": "piece-jointe-confidentielle",
    "agenda": "ORDRE-DU-JOUR-CONFIDENTIEL",
    "guest": "Invité Mystère",
    "draft plan": "Plan brouillon confidentiel",
    "draft action": "Action du brouillon confidentielle",
    "unpublished plan": "Plan adopté non publié",
    "unpublished action": "Action du plan non publié",
    "draft letter": "Lettre brouillon confidentielle",
    "draft letter section": "Section du brouillon confidentielle",
    "partners": "Partenaire-Confidentiel",
    "awareness": "Commentaire de sensibilisation confidentiel",
    "cofunder": "Cofinanceur Confidentiel",
    "history": "HISTORIQUE-CONFIDENTIEL",
    "transition comment": "COMMENTAIRE-DE-TRANSITION-CONFIDENTIEL",
    "late reason": "RAISON-DU-RETARD-CONFIDENTIELLE",
}


@dataclass
class World:
    cast: object
    plan: ActionPlan
    draft: ActionPlan
    unpublished: ActionPlan
    action: object
    other_action: object
    axis: object
    sub_axis: object
    group: WorkingGroup
    letter: Letter
    draft_letter: Letter

    @property
    def territory(self):
        return self.cast.territory

    @property
    def commune(self):
        return self.cast.commune


def build_world(cast) -> World:
    commune = cast.commune
    owner = MembershipFactory(commune=commune, role=Role.STAFF, user__full_name=NEVER_PUBLIC["owner"]).user
    plan = adopted_plan(commune, title="Plan climat de Saint-Martin-d'Hères 2024-2030")
    axis = PlanAxisFactory(plan=plan, title="Bâtiments sobres", order=1)
    sub_axis = PlanAxisFactory(plan=plan, parent=axis, title="Écoles", order=1)
    PlanAxisFactory(plan=plan, title="Axe sans action", order=2)
    action = ActionFactory(
        plan=plan,
        axis=sub_axis,
        owner=owner,
        title="Rénover le groupe scolaire Langevin",
        description="Isolation des murs et des combles.",
        elected_referent="Mme Adèle Adjointe",
        partners=NEVER_PUBLIC["partners"],
        late_override_reason=NEVER_PUBLIC["late reason"],
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2026, 8, 28),
        status=ActionStatus.IN_PROGRESS,
        progress=45,
        mwh_saved=Decimal("120"),
        tco2e_avoided=Decimal("25.5"),
        achieved_mwh_saved=Decimal("40"),
    )
    other_action = ActionFactory(
        plan=plan,
        owner_name=NEVER_PUBLIC["owner_name"],
        title="Extinction nocturne de l'éclairage public",
        status=ActionStatus.DONE,
        progress=100,
    )
    MilestoneFactory(
        action=action,
        name="Appel d'offres travaux",
        due_date=datetime.date(2025, 3, 31),
        done_on=datetime.date(2025, 3, 20),
    )
    MilestoneFactory(action=action, name="Réception des travaux", due_date=datetime.date(2026, 8, 28))
    BudgetLineFactory(action=action, year=2025, forecast=Decimal("150000"), actual=Decimal("62000"))
    BudgetLineFactory(action=action, year=2026, kind=BudgetKind.OPERATING, forecast=Decimal("5000"))
    BudgetLineFactory(action=other_action, year=2024, forecast=Decimal("8000"), actual=Decimal("7500"))
    CoFunderFactory(action=action, name=NEVER_PUBLIC["cofunder"])
    action.awareness_reports.create(date=datetime.date(2025, 5, 1), comment=NEVER_PUBLIC["awareness"])
    # A follow-up with a note: a FollowUpNote and a history entry naming the person who wrote it.
    action_services.action_follow_up(
        action=action,
        user=cast.referent,
        base_revision=action.revision,
        follow_up=FollowUp(
            status=ActionStatus.IN_PROGRESS, progress=45, year=2025, note=NEVER_PUBLIC["note"]
        ),
    )
    assert FollowUpNote.objects.filter(text=NEVER_PUBLIC["note"]).exists()
    history_record(plan=plan, user=cast.advisor, summary=NEVER_PUBLIC["history"], action=action)
    PlanTransition.objects.create(
        plan=plan,
        from_status=PlanStatus.VALIDATED,
        to_status=PlanStatus.DELIBERATED,
        by=cast.advisor,
        comment=NEVER_PUBLIC["transition comment"],
    )
    plan = action_services.plan_publish(plan=plan, user=cast.advisor, published=True)
    # The next version, in preparation: never public.
    draft = ActionPlanFactory(commune=commune, title=NEVER_PUBLIC["draft plan"], previous_version=plan)
    ActionFactory(plan=draft, title=NEVER_PUBLIC["draft action"])
    # Another commune's adopted plan, not published.
    unpublished = adopted_plan(cast.other_commune, title=NEVER_PUBLIC["unpublished plan"])
    ActionFactory(plan=unpublished, title=NEVER_PUBLIC["unpublished action"])

    group = WorkingGroup.objects.create(commune=commune, created_on=datetime.date(2023, 9, 1))
    now = timezone.now()
    held = Meeting.objects.create(
        group=group,
        starts_at=now - datetime.timedelta(days=30),
        minutes=NEVER_PUBLIC["minutes"],
        agenda=NEVER_PUBLIC["agenda"],
        guests=NEVER_PUBLIC["guest"],
    )
    Meeting.objects.create(group=group, starts_at=now - datetime.timedelta(days=120))
    Meeting.objects.create(group=group, starts_at=now + datetime.timedelta(days=20))  # not held yet
    Decision.objects.create(meeting=held, text=NEVER_PUBLIC["decision"])
    MeetingDocument.objects.create(
        meeting=held,
        name=NEVER_PUBLIC["document"],
        file=SimpleUploadedFile(f"{NEVER_PUBLIC['document']}.pdf", b"%PDF-1.4 secret"),
    )

    letter = Letter.objects.create(
        territory=cast.territory,
        number=1,
        title="Un premier semestre d'actions",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        editorial="Les communes avancent.",
        status=LetterStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=10),
    )
    LetterSection.objects.create(
        letter=letter, order=1, heading="Plans délibérés", body="- Saint-Martin-d'Hères"
    )
    draft_letter = Letter.objects.create(
        territory=cast.territory,
        number=2,
        title=NEVER_PUBLIC["draft letter"],
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    LetterSection.objects.create(
        letter=draft_letter, heading="Brouillon", body=NEVER_PUBLIC["draft letter section"]
    )
    return World(
        cast=cast,
        plan=plan,
        draft=draft,
        unpublished=unpublished,
        action=action,
        other_action=other_action,
        axis=axis,
        sub_axis=sub_axis,
        group=group,
        letter=letter,
        draft_letter=draft_letter,
    )


def world_with_files(cast, settings, tmp_path) -> World:
    """The world, its files (documents, deliberations) kept in the test's own folder. Each test module
    declares its `world` fixture with it (a conftest.py here would be shared with the open-data tests)."""
    settings.MEDIA_ROOT = tmp_path
    return build_world(cast)
