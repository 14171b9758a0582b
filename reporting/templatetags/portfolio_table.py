"""A row of the advisor's portfolio, written in one go: a page lists fifty communes, each with its
referents and four cells of the other apps (plan, late and stale actions, working group), and the
template's tags, filters and loops per row made most of the page's time.

    {% load portfolio_table %}{% for commune in communes %}{% portfolio_row commune %}{% endfor %}

Each commune carries its `url` and its `cells` (reporting.commune_pages.portfolio_page sets them, with
pcl.links) and its `referent_memberships` (communes.selectors.portfolio_communes prefetches them)."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communes.templatetags.commune_table import commune_cells
from pcl import formatting

register = template.Library()


def _cell(cell) -> str:
    text = escape(str(cell.text))
    if cell.url and cell.tone:
        return (
            f'<td><a class="badge text-bg-{escape(cell.tone)} text-decoration-none" '
            f'href="{escape(cell.url)}">{text}</a></td>'
        )
    if cell.url:
        return f'<td><a href="{escape(cell.url)}">{text}</a></td>'
    if cell.tone:
        return f'<td><span class="badge text-bg-{escape(cell.tone)}">{text}</span></td>'
    return f"<td>{text}</td>"


@register.simple_tag
def portfolio_row(commune) -> SafeString:
    referents = escape(
        ", ".join(membership.user.get_full_name() for membership in commune.referent_memberships)
    )
    if not referents:
        referents = f'<span class="text-body-secondary">{escape(_("none yet"))}</span>'
    return mark_safe(
        f"<tr>{commune_cells(commune)}"
        f"<td>{escape(formatting.short_date(commune.charter_signed_on or None))}</td>"
        f"<td>{referents}</td>{''.join(_cell(cell) for cell in commune.cells)}</tr>"
    )
