"""HTML to PDF with WeasyPrint: one place for the fonts, the base URL and the page count."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of an HTML string and its number of pages. Assets (CSS, images) are read from the
    static files on disk: no network, no web server."""
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).render()
    return document.write_pdf(), len(document.pages)


def template_to_pdf(template: str, context: dict) -> tuple[bytes, int]:
    return html_to_pdf(render_to_string(template, context))
