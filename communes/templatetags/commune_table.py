"""A row of the communes list, written in one go: a page lists fifty communes, each with its advisors
and referents, and the template's tags and loops per row made most of the page's time.

    {% load commune_table %}{% for commune in page.object_list %}{% commune_row commune %}{% endfor %}

Each commune carries its `url` (the view sets it, with pcl.links) and its `key_memberships`, advisors'
and referents' (selectors.commune_list prefetches them)."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from pcl import formatting

from ..models import Role

register = template.Library()


def _names(memberships, role: str) -> str:
    names = ", ".join(
        membership.user.get_full_name() for membership in memberships if membership.role == role
    )
    return escape(names) or formatting.DASH


def commune_cells(commune) -> str:
    """The cells every table of communes starts a row with: its name (a link to `commune.url`), INSEE
    code, population and stage (the portfolio's rows start with them too)."""
    return (
        f'<th scope="row"><a href="{escape(commune.url)}">{escape(commune.name)}</a></th>'
        f"<td>{escape(commune.insee_code)}</td>"
        f'<td class="text-end">{escape(formatting.quantity(commune.population))}</td>'
        f'<td><span class="badge stage-{escape(commune.stage)}">{escape(str(commune.get_stage_display()))}'
        "</span></td>"
    )


@register.simple_tag
def commune_row(commune) -> SafeString:
    return mark_safe(
        f"<tr>{commune_cells(commune)}"
        f"<td>{_names(commune.key_memberships, Role.ADVISOR)}</td>"
        f"<td>{_names(commune.key_memberships, Role.REFERENT)}</td></tr>"
    )
