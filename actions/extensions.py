"""What action plans add to the portfolio and the commune page (see communes.extensions)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes import permissions
from communes.extensions import (
    Cell,
    CommuneSection,
    Extension,
    HeadlineFigure,
    register,
    register_commune_section,
    register_demo_loader,
)

from . import selectors
from .demo import plans_demo_load


def _count_cell(count: int, tone: str) -> Cell:
    return Cell(text=str(count), tone=tone) if count else Cell(text="0")


def plan_cells(communes) -> dict[int, list[Cell]]:
    plans = selectors.current_plans_by_commune(commune_ids=[commune.pk for commune in communes])
    cells = {}
    for commune in communes:
        plan = plans.get(commune.pk)
        if plan is None:
            cells[commune.pk] = [Cell(text=_("no plan yet")), Cell(text="—"), Cell(text="—")]
            continue
        cells[commune.pk] = [
            Cell(
                text=f"v{plan.version} · {plan.get_status_display()}",
                url=reverse("actions:plan", args=[plan.pk]),
            ),
            _count_cell(plan.late_count, "danger"),
            _count_cell(plan.stale_count, "warning"),
        ]
    return cells


def plan_figures(communes) -> list[HeadlineFigure]:
    deliberated = selectors.deliberated_plans(commune_ids=[commune.pk for commune in communes])
    detail = ", ".join(
        _("%(year)s: %(count)d") % {"year": year, "count": count}
        for year, count in deliberated["by_year"].items()
    )
    return [
        HeadlineFigure(
            key="deliberated_plans",
            label=gettext_lazy("action plans deliberated"),
            value=deliberated["total"],
            detail=detail,
        )
    ]


register(
    Extension(
        key="action_plans",
        labels=(gettext_lazy("Action plan"), gettext_lazy("Late actions"), gettext_lazy("Stale actions")),
        cells=plan_cells,
        figures=plan_figures,
    )
)


def commune_plans_section(commune, user) -> dict:
    return {
        "commune": commune,
        "plans": selectors.commune_plans(commune=commune),
        "can_create": permissions.can_create_plan(user, commune),
    }


register_commune_section(
    CommuneSection("action_plans", "actions/commune_plans_section.html", commune_plans_section)
)

register_demo_loader("action_plans", plans_demo_load)
