"""A row of a plan's table of actions, written in one go: the table lists every action of the plan (sixty
and more), and a dozen template tags and filters per row made most of the page's time.

    {% load plan_table %}{% plan_action_rows page.actions %}

`plan_action_rows` writes them all, each once per version of the actions (actions/cache.py), language
and flags: the same list with the same late and stale actions reads its rows from the cache.

The action carries `url`, `is_late`, `is_stale`, `forecast_total` and `actual_total` (the plan page's
selector and view set them); the texts come from pcl.formatting, as the template filters write them.
"""

import hashlib
from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pcl import formatting

from ..cache import cached_actions
from ..models import ActionStatus, Origin

register = template.Library()

_IMPACTS = (("mwh_saved", "MWh"), ("tco2e_avoided", "t CO2e"), ("mwh_renewable", "MWh EnR"))


@lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """The row's fixed texts in a language, escaped once (the table writes them sixty times and more)."""
    return {
        "engaged": escape(_("already under way")),
        "catalogue": escape(_("catalogue")),
        "late": escape(_("late")),
        "stale": escape(_("no news")),
        "spent": _("spent %(amount)s"),
        "statuses": {status.value: escape(str(status.label)) for status in ActionStatus},
    }


@register.simple_tag
def plan_action_row(action) -> SafeString:
    texts = _texts(get_language() or "")
    labels = []
    if action.origin == Origin.ALREADY_ENGAGED:
        labels.append(f'<span class="badge text-bg-light border">{texts["engaged"]}</span>')
    if action.catalogue_action_id:
        labels.append(f'<span class="badge text-bg-light border">{texts["catalogue"]}</span>')
    if action.is_late:
        labels.append(f'<span class="badge text-bg-danger">{texts["late"]}</span>')
    if action.is_stale:
        labels.append(f'<span class="badge text-bg-warning">{texts["stale"]}</span>')
    if action.axis:
        labels.append(f'<span class="text-body-secondary">{escape(str(action.axis))}</span>')
    if action.start_date:
        schedule = f"{formatting.short_date(action.start_date)} → {formatting.short_date(action.end_date)}"
    else:
        schedule = formatting.DASH
    spent = ""
    if action.actual_total:
        amount = escape(formatting.money(action.actual_total, 2))
        spent = f'<div class="small">{escape(texts["spent"]) % {"amount": amount}}</div>'
    # Each impact on its line: a line break after the first two, as the table always wrote them.
    impacts = []
    for index, (field, unit) in enumerate(_IMPACTS):
        if value := getattr(action, field):
            text = escape(formatting.quantity(value, unit, formatting.auto_decimals(value)))
            impacts.append(f"{text}<br>" if index < 2 else text)
    status = escape(action.status)
    status_label = texts["statuses"].get(action.status, status)
    return mark_safe(
        f'<tr><th scope="row"><a href="{escape(action.url)}">{escape(action.title)}</a>'
        f'<div class="small">{" ".join(labels)}</div></th>'
        f"<td>{escape(str(action.theme))}</td><td>{escape(action.owner_label or formatting.DASH)}</td>"
        f'<td class="small">{escape(schedule)}</td>'
        f'<td><span class="badge action-{status}">{status_label}</span> '
        f'<span class="small">{escape(formatting.percent(action.progress, 0))}</span></td>'
        f'<td class="text-end">{escape(formatting.money(action.forecast_total, 2))}{spent}</td>'
        f'<td class="text-end small">{"".join(impacts)}</td></tr>'
    )


@register.simple_tag
def plan_action_rows(actions) -> SafeString:
    """The rows of these actions, in their order, each followed by the line break the template's loop
    wrote. Keyed by the language and each action's id and flags (set on every read), under the version
    of the actions: any change to what a row shows draws a new one."""
    flags = "|".join(f"{action.pk}:{action.is_late:d}{action.is_stale:d}" for action in actions)
    key = hashlib.sha1(flags.encode()).hexdigest()
    rows = cached_actions(
        "plan-rows",
        (get_language() or "", key),
        lambda: "".join(f"{plan_action_row(action)}\n  " for action in actions),
    )
    return mark_safe(rows)
