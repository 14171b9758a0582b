"""A row of a plan's table of actions, written in one go: the table lists every action of the plan (sixty
and more), and a dozen template tags and filters per row made most of the page's time.

    {% load plan_table %}{% for action in page.actions %}{% plan_action_row action %}{% endfor %}

The action carries `url`, `is_late`, `is_stale`, `forecast_total` and `actual_total` (the plan page's
selector and view set them); the texts come from pcl.formatting, as the template filters write them.
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pcl import formatting

from ..models import Origin

register = template.Library()

_IMPACTS = (("mwh_saved", "MWh"), ("tco2e_avoided", "t CO2e"), ("mwh_renewable", "MWh EnR"))


@register.simple_tag
def plan_action_row(action) -> SafeString:
    badges = [
        (_("already under way"), "text-bg-light border", action.origin == Origin.ALREADY_ENGAGED),
        (_("catalogue"), "text-bg-light border", bool(action.catalogue_action_id)),
        (_("late"), "text-bg-danger", action.is_late),
        (_("no news"), "text-bg-warning", action.is_stale),
    ]
    labels = [format_html('<span class="badge {}">{}</span>', css, text) for text, css, on in badges if on]
    if action.axis:
        labels.append(format_html('<span class="text-body-secondary">{}</span>', action.axis))
    if action.start_date:
        schedule = f"{formatting.short_date(action.start_date)} → {formatting.short_date(action.end_date)}"
    else:
        schedule = formatting.DASH
    spent = ""
    if action.actual_total:
        amount = formatting.money(action.actual_total, 2)
        spent = format_html(
            '<div class="small">{}</div>', mark_safe(_("spent %(amount)s") % {"amount": escape(amount)})
        )
    # Each impact on its line: a line break after the first two, as the table always wrote them.
    impacts = []
    for index, (field, unit) in enumerate(_IMPACTS):
        if value := getattr(action, field):
            text = formatting.quantity(value, unit, formatting.auto_decimals(value))
            impacts.append(format_html("{}<br>", text) if index < 2 else escape(text))
    return format_html(
        '<tr><th scope="row"><a href="{}">{}</a><div class="small">{}</div></th>'
        '<td>{}</td><td>{}</td><td class="small">{}</td>'
        '<td><span class="badge action-{}">{}</span> <span class="small">{}</span></td>'
        '<td class="text-end">{}{}</td><td class="text-end small">{}</td></tr>',
        action.url,
        action.title,
        mark_safe(" ".join(labels)),
        action.theme,
        action.owner_label or formatting.DASH,
        schedule,
        action.status,
        action.get_status_display(),
        formatting.percent(action.progress, 0),
        formatting.money(action.forecast_total, 2),
        spent,
        mark_safe("".join(impacts)),
    )
