"""The deliberation file of a commune's action plan (PDF): what elected officials put on the council's
table. A cover, a table of contents, the draft deliberation in the French administrative form
(deliberation_text.py), then the annex (deliberation_annex.py): the territory in figures, the actions
by axis or theme, the budget summary, the schedule and the working group.

`deliberation_context(plan)` reads everything in a fixed number of queries whatever the number of
actions; the editable .docx and the benchmark reuse it. The PDF is laid out once, and its page count
comes from that same layout.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.document import Document as WeasyDocument

from actions import selectors as actions_selectors
from actions.models import ActionPlan, PlanStatus
from pcl.formatting import NBSP, date_text, number, quantity, typography, typography_html
from workgroups import selectors as workgroups_selectors
from workgroups.models import Function, WorkingGroup

from . import Progress, Rendered
from .deliberation_annex import (
    ActionGroup,
    ActionRow,
    action_groups,
    budget_summary,
    plan_impacts,
    schedule,
    territory,
)
from .deliberation_text import DeliberationText, deliberation_text, group_noun, names_itself

TEMPLATE = "reporting/pdf/deliberation.html"
FUNCTION_ORDER = {value: index for index, value in enumerate(Function.values)}


def plan_for_deliberation(*, plan_id: int) -> ActionPlan:
    """The plan with everything the file shows: six queries whatever the number of actions."""
    return actions_selectors.plan_with_actions(plan_id=plan_id)


def working_group_for(commune, *, day: date, meetings_until: datetime) -> WorkingGroup | None:
    """The commune's group with its members on `day` and its meetings held up to `meetings_until`."""
    return workgroups_selectors.working_group_on(commune=commune, day=day, meetings_until=meetings_until)


@dataclass(frozen=True)
class Snapshot:
    """The day the file describes. An adopted plan's file is the council's vote: its day, the status
    the version had then ("Deliberated"), the meetings held before the vote and the members of that
    day, whenever the file is generated or downloaded. A draft describes today."""

    day: date
    status: str
    meetings_until: datetime

    @classmethod
    def of(cls, plan: ActionPlan) -> "Snapshot":
        if plan.is_adopted:
            vote = plan.deliberation_date
            vote_day_starts = timezone.make_aware(datetime.combine(vote, time.min))
            before_the_vote_day = vote_day_starts - timedelta(microseconds=1)
            return cls(day=vote, status=str(PlanStatus.DELIBERATED.label), meetings_until=before_the_vote_day)
        return cls(day=timezone.localdate(), status=plan.get_status_display(), meetings_until=timezone.now())


@dataclass
class Parts:
    groups: list[ActionGroup]
    rows: list[ActionRow]
    budget: dict
    working_group: WorkingGroup | None
    territory: dict
    text: DeliberationText
    snapshot: Snapshot


def _parts(plan: ActionPlan, *, with_charts: bool, council: dict | None = None) -> Parts:
    snapshot = Snapshot.of(plan)
    groups = action_groups(plan, list(plan.actions.all()))
    rows = [row for group in groups for row in group.rows]
    budget = budget_summary(plan, rows)
    working_group = working_group_for(plan.commune, day=snapshot.day, meetings_until=snapshot.meetings_until)
    figures = territory(plan.commune, with_charts=with_charts, day=snapshot.day)
    text = deliberation_text(
        plan=plan,
        working_group=working_group,
        territory=figures,
        budget=budget,
        rows=rows,
        day=snapshot.day,
        council=council or {},
    )
    return Parts(groups, rows, budget, working_group, figures, text, snapshot)


def deliberation_text_for(plan: ActionPlan, *, council: dict | None = None) -> DeliberationText:
    """The deliberation alone (for the .docx): no chart is drawn."""
    return _parts(plan, with_charts=False, council=council).text


def deliberation_context(plan: ActionPlan, *, council: dict | None = None) -> dict:
    """Everything the deliberation file shows, formatted. `plan` should come from
    `plan_for_deliberation`; otherwise every action costs its own queries. `council` holds the
    blanks the advisor filled in before generating (see DeliberationCouncilForm)."""
    commune = plan.commune
    parts = _parts(plan, with_charts=True, council=council)
    snapshot = parts.snapshot
    groups, rows, budget, working_group = parts.groups, parts.rows, parts.budget, parts.working_group
    members = []
    if working_group is not None:
        ordered = sorted(
            working_group.current_members,
            key=lambda member: (FUNCTION_ORDER.get(member.function, 99), member.label.casefold()),
        )
        members = [
            {
                "name": typography(member.label),
                "function": member.get_function_display(),
                "since": date_text(member.joined_on),
            }
            for member in ordered
        ]
    impacts = plan_impacts(rows)
    per_year = _("MWh/yr")
    return {
        "plan": plan,
        "commune": commune,
        "title": typography(plan.title),
        "commune_name": typography(commune.name),
        "is_adopted": plan.is_adopted,
        "status": snapshot.status,
        "period": f"{plan.start_year}–{plan.end_year}",
        "generated_on": date_text(snapshot.day),
        "deliberation_date": date_text(plan.deliberation_date, empty=""),
        "population": number(commune.population, empty=""),
        "charter_signed_on": date_text(commune.charter_signed_on, empty=""),
        "text": parts.text,
        "groups": groups,
        "action_count": len(rows),
        "impacts": {
            "mwh_saved": quantity(impacts["mwh_saved"], per_year),
            "tco2e_avoided": quantity(impacts["tco2e_avoided"], _("t CO2e/yr")),
            "mwh_renewable": quantity(impacts["mwh_renewable"], per_year),
        },
        "budget": budget,
        "schedule": schedule(plan, groups, day=snapshot.day),
        "observatory": parts.territory,
        "working_group": working_group,
        "working_group_since": date_text(working_group.created_on) if working_group else "",
        "working_group_name": _group_name(working_group) if working_group else "",
        "members": members,
        "nbsp": NBSP,
        "colon": typography("x:")[1:],  # " :" with its no-break space in French, ":" otherwise
    }


def _group_name(group: WorkingGroup) -> str:
    """ "The Groupe de travail interne PCL", or "The group “Copil énergie”" (never its kind twice)."""
    if names_itself(group.name):
        return typography(_("The %(name)s") % {"name": group_noun(group.name)})
    return typography(_("The group “%(name)s”") % {"name": group.name})


def deliberation_filename(plan: ActionPlan, extension: str) -> str:
    return f"deliberation-{slugify(plan.commune.name)}-v{plan.version}.{extension}"


def deliberation_html(plan: ActionPlan, *, council: dict | None = None) -> str:
    return typography_html(render_to_string(TEMPLATE, deliberation_context(plan, council=council)))


def layout(html: str) -> WeasyDocument:
    """The PDF laid out, once: the pages are counted and written from this same layout. Assets are
    read from the static files on disk (no network), as in reporting/pdf.py."""
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).render()


def render_pdf(document, progress: Progress) -> Rendered:
    progress(5, _("Reading the plan…"))
    plan = plan_for_deliberation(plan_id=document.plan_id)
    progress(15, _("Computing the figures and drawing the charts…"))
    context = deliberation_context(plan, council=document.council)
    progress(30, _("Writing the pages…"))
    html = typography_html(render_to_string(TEMPLATE, context))
    progress(40, _("Laying out the pages…"))
    laid_out = layout(html)
    progress(85, _("Writing the PDF…"))
    return Rendered(
        content=laid_out.write_pdf(), filename=deliberation_filename(plan, "pdf"), pages=len(laid_out.pages)
    )
