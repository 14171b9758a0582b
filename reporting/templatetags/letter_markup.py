"""The letter's plain text (the editorial, the news) rendered safely as HTML. Figures and dates are
formatted by the `pcl_format` library."""

from itertools import groupby

from django import template
from django.utils.safestring import mark_safe

from communes.templatetags.pcl_format import typo

register = template.Library()


def _is_item(line: str) -> bool:
    return line.lstrip().startswith("- ")


def letter_html(text: str) -> str:
    """Plain text as HTML: blank lines separate paragraphs, lines starting with “- ” make a list,
    other line breaks are kept. Every piece of text is escaped; nothing else is interpreted."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for is_list, run in groupby(lines, key=_is_item):
            if is_list:
                items = "".join(f"<li>{typo(line[2:].strip())}</li>" for line in run)
                blocks.append(f"<ul>{items}</ul>")
            else:
                blocks.append("<p>" + "<br>".join(typo(line) for line in run) + "</p>")
    return mark_safe("\n".join(blocks))  # every piece of text above went through typo(), which escapes


@register.filter
def letter_text(value):
    return letter_html(str(value or ""))
