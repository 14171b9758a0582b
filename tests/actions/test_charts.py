"""The plan's schedule chart, as its reader sees its axis."""

from datetime import date
from types import SimpleNamespace

from actions.charts import schedule_figure


def test_a_long_action_title_is_shortened_on_the_axis_with_an_ellipsis():
    title = "Préservation du foncier agricole et installation de maraîchers en régie"
    action = SimpleNamespace(
        title=title,
        status="planned",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 6, 30),
        milestones=SimpleNamespace(all=lambda: []),
        get_status_display=lambda: "À venir",
    )
    plan = SimpleNamespace(start_year=2026, end_year=2030)
    bars = schedule_figure(plan=plan, actions=[action])["data"][0]
    assert bars["y"] == ["1. Préservation du foncier agricole et installation de maraîch…"]
    assert bars["y"][0].removeprefix("1. ").removesuffix("…") in title
