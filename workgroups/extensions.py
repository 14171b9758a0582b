"""What working groups add to the portfolio and the commune page (see communes.extensions)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.extensions import (
    Cell,
    CommuneSection,
    Extension,
    register,
    register_commune_section,
    register_demo_loader,
)
from pcl.formatting import short_date

from . import selectors
from .demo import groups_demo_load
from .models import ReminderReason


def _cell(commune, state) -> Cell:
    url = reverse("workgroups:group", args=[commune.insee_code])
    if not state.has_group:
        return Cell(
            text=_("no group"), url=url, tone="danger" if state.reason == ReminderReason.NO_GROUP else ""
        )
    if state.last_meeting is None:
        text = _("never met")
    else:
        text = _("met on %(date)s") % {"date": short_date(state.last_meeting)}
    return Cell(text=text, url=url, tone="warning" if state.quiet else "")


def group_cells(communes):
    regularity = selectors.regularity_by_commune(communes=communes)
    return {commune.pk: [_cell(commune, regularity[commune.pk])] for commune in communes}


register(Extension(key="working_groups", labels=(gettext_lazy("Working group"),), cells=group_cells))


def commune_group_section(commune, user) -> dict:
    return {"commune": commune, "regularity": selectors.regularity_by_commune(communes=[commune])[commune.pk]}


register_commune_section(
    CommuneSection("working_group", "workgroups/commune_section.html", commune_group_section)
)

register_demo_loader("working_groups", groups_demo_load)
