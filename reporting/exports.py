"""The territories compared as CSV (the administrator's view, territories.py): the page's table, every
territory and not only the page shown, in the page's order and language, for a spreadsheet.

French pages give semicolons and decimal commas; figures keep every digit and stay numbers a spreadsheet
adds up (`pcl.formatting.data_number`); texts go through `pcl.spreadsheet.safe_cell` (a territory's or an
agency's name typed as "=…" is no formula)."""

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from communes.selectors import ENGAGED_STAGES
from pcl.formatting import data_number, is_french
from pcl.spreadsheet import safe_cell

from .territories import TerritoryRow


class _Echo:
    """What csv.writer writes to, so that each row is streamed as soon as it is written."""

    def write(self, value: str) -> str:
        return value


def territories_csv(rows: Iterable[TerritoryRow]) -> Iterator[str]:
    """One line per territory, UTF-8 with a BOM."""
    writer = csv.writer(_Echo(), delimiter=";" if is_french() else ",")
    yield "\ufeff"
    yield writer.writerow(
        [
            _("Territory"),
            _("Short name"),
            _("SIREN"),
            _("Climate plan"),
            _("Climate plan adopted in"),
            _("Communes"),
            _("Population"),
            *(stage.label for stage in ENGAGED_STAGES),
            _("Plans deliberated"),
            _("Actions"),
            _("Actions done"),
            _("Share of actions done (%)"),
            _("Forecast budget (€ excl. tax)"),
            _("Energy agencies"),
            _("Officers"),
            _("Datasets"),
            _("Latest year with values"),
            _("Year of the emissions per inhabitant"),
            _("Emissions per inhabitant (t CO2e)"),
        ]
    )
    for row in rows:
        territory, plans, observatory = row.territory, row.plans, row.observatory
        yield writer.writerow(
            [
                safe_cell(territory.name),
                safe_cell(territory.slug),
                territory.siren,
                safe_cell(territory.climate_plan_name),
                territory.climate_plan_year or "",
                territory.commune_count,
                data_number(territory.population),
                *(count for _stage, count in row.stages),
                plans.plans_deliberated,
                plans.actions,
                plans.actions_done,
                data_number(plans.done_share, 1),
                data_number(plans.forecast, 2),
                safe_cell(", ".join(territory.agency_names)),
                territory.officer_count,
                observatory.datasets,
                observatory.latest_year or "",
                observatory.emissions_year or "",
                data_number(observatory.emissions_per_inhabitant, 3),
            ]
        )
