"""A row of a chart's table of figures (reporting/includes/chart_with_table.html), written in one go.

    {% load chart_table %}{% for row in table.rows %}{% chart_table_row row %}{% endfor %}

A row starts with its label (a `th`), then its figures; each cell is formatted text or a
reporting.charts.Link. In the template, `{% if cell.url %}` on a text cell failed an attribute lookup,
and Django then lists the string's attributes (`dir`) to tell a missing attribute from a failing
property: a dashboard's tables have hundreds of cells."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(cell) -> str:
    url = getattr(cell, "url", None)
    if url:
        return f'<a href="{conditional_escape(url)}">{conditional_escape(cell.text)}</a>'
    return conditional_escape(cell)


@register.simple_tag
def chart_table_row(row) -> SafeString:
    cells = [
        f'<th scope="row">{_cell(cell)}</th>' if index == 0 else f'<td class="text-end">{_cell(cell)}</td>'
        for index, cell in enumerate(row)
    ]
    return mark_safe(f"<tr>{''.join(cells)}</tr>")
