"""Minutes are typed as plain text and rendered safely: paragraphs and simple lists, nothing else."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _is_item(line: str) -> bool:
    return line.lstrip().startswith(("- ", "* "))


@register.filter
def minutes_html(text: str) -> str:
    """Blank lines separate paragraphs; consecutive lines starting with “- ” make a list."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        run: list[str] = []
        items: list[str] = []
        for line in [*lines, None]:
            if line is not None and _is_item(line):
                if run:
                    blocks.append("<p>" + "<br>".join(escape(text_line) for text_line in run) + "</p>")
                    run = []
                items.append(line.lstrip()[2:])
                continue
            if items:
                blocks.append(f"<ul>{format_html_join('', '<li>{}</li>', ((item,) for item in items))}</ul>")
                items = []
            if line is not None:
                run.append(line)
        if run:
            blocks.append("<p>" + "<br>".join(escape(text_line) for text_line in run) + "</p>")
    return mark_safe("\n".join(blocks))  # every piece of text above is escaped
