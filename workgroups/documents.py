"""The minutes of a meeting as a PDF (WeasyPrint, DejaVu fonts)."""

from django.template.loader import render_to_string
from weasyprint import HTML


def minutes_pdf(*, meeting, request=None) -> bytes:
    html = render_to_string("workgroups/minutes_pdf.html", {"meeting": meeting}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
