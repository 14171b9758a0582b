"""Document renderers, one per kind of generated document.

A renderer is called by the generation job as `render(document, progress)` and returns a `Rendered`.
`progress(percent, step)` reports how far it got (0–100) and what it is doing, in words for the user.
Renderers read the database (in a bounded number of queries) and never write to it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from ..models import DocumentKind


@dataclass
class Rendered:
    content: bytes
    filename: str
    pages: int | None = None


Progress = Callable[[int, str], None]

RENDERERS = {
    DocumentKind.DELIBERATION: "reporting.documents.deliberation.render_pdf",
    DocumentKind.DELIBERATION_DOCX: "reporting.documents.deliberation_docx.render_docx",
    DocumentKind.COMMUNE_REPORT: "reporting.documents.yearly.render_commune_report",
    DocumentKind.NETWORK_REPORT: "reporting.documents.yearly.render_network_report",
    DocumentKind.LETTER: "reporting.documents.letter.render_pdf",
}


def renderer(kind: str) -> Callable:
    module, _sep, name = RENDERERS[DocumentKind(kind)].rpartition(".")
    return getattr(import_module(module), name)
