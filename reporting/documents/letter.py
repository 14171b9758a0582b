"""The Lettre du Plan Climat as a PDF: the same text as the page and the email, laid out for print."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..letters import letter_email_subject, letter_with_sections
from ..pdf import template_to_pdf
from . import Rendered


def render_pdf(document, progress) -> Rendered:
    with translation.override(settings.LANGUAGE_CODE):
        progress(20, _("Reading the letter…"))
        letter = letter_with_sections(letter_id=document.letter_id)
        context = {
            "letter": letter,
            "sections": list(letter.sections.all()),
            "subject": letter_email_subject(letter),
            "generated_at": timezone.localtime(),
        }
        progress(50, _("Laying out the pages…"))
        content, pages = template_to_pdf("reporting/pdf/letter.html", context)
    suffix = "" if letter.is_published else "-brouillon"
    return Rendered(
        content=content,
        filename=f"lettre-plan-climat-{letter.territory.slug}-{letter.number}{suffix}.pdf",
        pages=pages,
    )
