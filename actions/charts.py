"""Plotly figures of the action plans, built as plain data for plotly.js (served from our static files)."""

from datetime import date, datetime, time

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from pcl.formatting import month_text, plotly_date, short_date

from .models import ActionStatus

STATUS_COLOURS = {
    ActionStatus.PLANNED: "#6c757d",
    ActionStatus.IN_PROGRESS: "#0b5ed7",
    ActionStatus.DONE: "#146c43",
    ActionStatus.SUSPENDED: "#8a5300",
    ActionStatus.ABANDONED: "#842029",
}


def _ms(day: date) -> int:
    return int(datetime.combine(day, time.min).timestamp() * 1000)


def schedule_figure(*, plan, actions) -> dict:
    """A Gantt-like chart: one bar per dated action, coloured by status, milestones as diamonds."""
    # A long title is shortened for the axis, with "…" so that it reads as shortened (the table has it whole).
    labels = [
        f"{index}. {Truncator(action.title).chars(60)}" for index, action in enumerate(actions, start=1)
    ]
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "base": [action.start_date.isoformat() for action in actions],
        "x": [_ms(action.end_date) - _ms(action.start_date) + 86_400_000 for action in actions],
        "marker": {"color": [STATUS_COLOURS[ActionStatus(action.status)] for action in actions]},
        "customdata": [
            [
                action.get_status_display(),
                short_date(action.start_date),
                short_date(action.end_date),
            ]
            for action in actions
        ],
        "hovertemplate": "%{y}<br>%{customdata[1]} → %{customdata[2]}<br>%{customdata[0]}<extra></extra>",
        "name": _("Actions"),
    }
    milestone_x, milestone_y, milestone_text = [], [], []
    for label, action in zip(labels, actions, strict=True):
        for milestone in action.milestones.all():
            milestone_x.append(milestone.due_date.isoformat())
            milestone_y.append(label)
            milestone_text.append(milestone.name + (" ✓" if milestone.done_on else ""))
    milestones = {
        "type": "scatter",
        "mode": "markers",
        "x": milestone_x,
        "y": milestone_y,
        "text": milestone_text,
        "marker": {"symbol": "diamond", "size": 11, "color": "#212529"},
        "hovertemplate": "%{text}<br>" + plotly_date("x") + "<extra></extra>",
        "name": _("Milestones"),
    }
    # A tick each January and July of the plan, each January only for a plan of more than six years.
    months = (1, 7) if plan.end_year - plan.start_year < 6 else (1,)
    ticks = [date(year, month, 1) for year in range(plan.start_year, plan.end_year + 1) for month in months]
    layout = {
        "height": 120 + 32 * max(len(actions), 3),
        "margin": {"l": 340, "r": 20, "t": 20, "b": 40},
        "xaxis": {
            "type": "date",
            "range": [f"{plan.start_year}-01-01", f"{plan.end_year}-12-31"],
            # Ticks named by pcl.formatting, not by plotly (whose month names are English in every language).
            "tickmode": "array",
            "tickvals": [day.isoformat() for day in ticks],
            "ticktext": [month_text(day, short=True) for day in ticks],
        },
        "yaxis": {"autorange": "reversed", "automargin": True},
        "showlegend": False,
        "bargap": 0.35,
        "shapes": [
            {
                "type": "line",
                "x0": date.today().isoformat(),
                "x1": date.today().isoformat(),
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#b02a37", "dash": "dot"},
            }
        ],
    }
    return {"data": [bars, milestones], "layout": layout}
