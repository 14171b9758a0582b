"""Reads of the two pages that show every app's part of a commune: the advisor's portfolio and the
commune page. They live in reporting because reporting is the app that reads all the others
(communes ← actions, observatory, workgroups ← reporting): each part below is a plain call to the
owning app's selector, in a constant number of queries whatever the number of communes.
"""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import selectors as actions_selectors
from communes import permissions
from communes import selectors as communes_selectors
from communes.models import Commune
from pcl.formatting import short_date
from pcl.links import link_maker
from workgroups import selectors as workgroups_selectors
from workgroups.models import ReminderReason

from .selectors import latest_deliberation


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    tone: str = ""  # "", "warning" or "danger": how the value reads in the table


@dataclass(frozen=True)
class HeadlineFigure:
    key: str
    label: Any
    value: Any
    detail: str = ""


# --- the portfolio ------------------------------------------------------------------------------

PORTFOLIO_LABELS = (
    gettext_lazy("Action plan"),
    gettext_lazy("Late actions"),
    gettext_lazy("Stale actions"),
    gettext_lazy("Working group"),
)


# A page of the portfolio's table: an advisor may follow hundreds of communes.
PORTFOLIO_PER_PAGE = 50


@dataclass
class PortfolioPage:
    communes: Page  # a page of communes, each with `cells`, one per label
    count: int  # every commune the advisor follows
    labels: tuple[Any, ...]
    figures: list[HeadlineFigure]
    stage_counts: list[tuple[str, str, int]]


def _count_cell(count: int, tone: str) -> Cell:
    return Cell(text=str(count), tone=tone) if count else Cell(text="0")


def _plan_cells(line: actions_selectors.PortfolioPlan | None, plan_link) -> list[Cell]:
    if line is None:
        return [Cell(text=_("no plan yet")), Cell(text="—"), Cell(text="—")]
    plan = line.current
    text = f"v{plan.version} · {plan.get_status_display()}"
    if line.followed != plan:  # the late and stale counts are the followed version's
        text += " · " + _("followed: v%(version)d") % {"version": line.followed.version}
    return [
        Cell(text=text, url=plan_link(plan.pk)),
        _count_cell(line.late, "danger"),
        _count_cell(line.stale, "warning"),
    ]


def _group_cell(commune: Commune, state: workgroups_selectors.Regularity, group_link) -> Cell:
    url = group_link(commune.insee_code)
    if not state.has_group:
        return Cell(
            text=_("no group"), url=url, tone="danger" if state.reason == ReminderReason.NO_GROUP else ""
        )
    if state.last_meeting is None:
        text = _("never met")
    else:
        text = _("met on %(date)s") % {"date": short_date(state.last_meeting)}
    return Cell(text=text, url=url, tone="warning" if state.quiet else "")


def _deliberated_figure(communes) -> HeadlineFigure:
    deliberated = actions_selectors.deliberated_plans(commune_ids=communes.values("pk"))
    detail = ", ".join(
        _("%(year)s: %(count)d") % {"year": year, "count": count}
        for year, count in deliberated["by_year"].items()
    )
    return HeadlineFigure(
        key="deliberated_plans",
        label=gettext_lazy("action plans deliberated"),
        value=deliberated["total"],
        detail=detail,
    )


def portfolio_page(*, advisor, page_number: int | str | None = 1) -> PortfolioPage:
    """A page of the communes the advisor follows, each with its plan (current version; late and stale
    actions of its followed plan, as the dashboards count them) and its working group, read for that
    page only; the figures of all of them aggregated in SQL: six queries, whatever their number."""
    stage_counts = communes_selectors.portfolio_summary(advisor=advisor)
    paginator = Paginator(communes_selectors.portfolio_communes(advisor=advisor), PORTFOLIO_PER_PAGE)
    paginator.count = sum(count for _stage, _label, count in stage_counts)  # no second count
    page = paginator.get_page(page_number)
    communes = list(page.object_list)
    plans = actions_selectors.portfolio_plans(commune_ids=[commune.pk for commune in communes])
    regularity = workgroups_selectors.regularity_by_commune(communes=communes)
    commune_link, plan_link, group_link = map(
        link_maker, ("communes:detail", "actions:plan", "workgroups:group")
    )
    for commune in communes:
        commune.url = commune_link(commune.insee_code)
        commune.cells = [
            *_plan_cells(plans.get(commune.pk), plan_link),
            _group_cell(commune, regularity[commune.pk], group_link),
        ]
    page.object_list = communes
    return PortfolioPage(
        communes=page,
        count=page.paginator.count,
        labels=PORTFOLIO_LABELS,
        figures=[_deliberated_figure(communes_selectors.advisor_communes(advisor=advisor))],
        stage_counts=stage_counts,
    )


# --- the commune page ---------------------------------------------------------------------------


@dataclass
class CommuneSections:
    """What the other apps add to the commune page, one attribute per section template."""

    plans: list
    can_create_plan: bool
    regularity: workgroups_selectors.Regularity
    latest_deliberation: Any


def commune_sections(*, commune: Commune, user) -> CommuneSections:
    """The commune page's sections: its plans, its working group, its observatory link, its
    evaluation and documents (three queries)."""
    return CommuneSections(
        plans=actions_selectors.commune_plans(commune=commune),
        can_create_plan=permissions.can_create_plan(user, commune),
        regularity=workgroups_selectors.regularity_by_commune(communes=[commune])[commune.pk],
        latest_deliberation=latest_deliberation(commune=commune),
    )
