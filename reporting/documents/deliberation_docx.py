"""The draft deliberation as an editable Word file (.docx): council secretariats rework the text before
the meeting. The same paragraphs as the PDF (deliberation_text.py), laid out with named paragraph styles
rather than direct formatting, so that the secretariat restyles the whole text in one place (or pastes
it into its own template, where the style names map over)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pcl.formatting import is_french

from . import Progress, Rendered
from .deliberation import deliberation_filename, deliberation_text_for, plan_for_deliberation

FONT = "Arial"
# Style names (as Word shows them) and how each looks: (base, size, bold, alignment, space before, after,
# left indent, keep with next).
STYLES = {
    "letterhead": ("Normal", 10, True, WD_ALIGN_PARAGRAPH.LEFT, 0, 2, 0, False),
    "meeting": ("Normal", 11, False, WD_ALIGN_PARAGRAPH.CENTER, 0, 10, 0, False),
    "attendance": ("Normal", 10, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 0, 0, False),
    "subject": ("Normal", 11, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 10, 12, 0, True),
    "visa": ("Normal", 11, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, 6, 0, False),
    "recital": ("Normal", 11, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, 6, 0, False),
    "decision": ("Normal", 11, True, WD_ALIGN_PARAGRAPH.LEFT, 12, 8, 0, True),
    "article": ("Normal", 11, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, 8, 0, False),
    "signature": ("Normal", 11, False, WD_ALIGN_PARAGRAPH.LEFT, 0, 2, 9, True),
    "mention": ("Normal", 8.5, False, WD_ALIGN_PARAGRAPH.LEFT, 24, 0, 0, False),
}


def _style_names() -> dict[str, str]:
    return {
        "letterhead": _("Deliberation: letterhead"),
        "meeting": _("Deliberation: meeting"),
        "attendance": _("Deliberation: attendance"),
        "subject": _("Deliberation: subject"),
        "visa": _("Deliberation: visa"),
        "recital": _("Deliberation: recital"),
        "decision": _("Deliberation: decision"),
        "article": _("Deliberation: article"),
        "signature": _("Deliberation: signature"),
        "mention": _("Deliberation: mention"),
    }


def _set_language(style, language: str) -> None:
    """Spelling and hyphenation in the document's language (Word reads it from the style)."""
    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    properties.append(lang)


def _styles(document, language: str) -> dict[str, str]:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    _set_language(normal, language)
    title = document.styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(18)
    title.font.color.rgb = RGBColor(0x1E, 0x56, 0x31)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    names = _style_names()
    for key, (base, size, bold, alignment, before, after, indent, keep) in STYLES.items():
        style = document.styles.add_style(names[key], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.alignment = alignment
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = keep
        if indent:
            style.paragraph_format.left_indent = Cm(indent)
    strong = document.styles["Strong"]
    strong.font.bold = True
    return names


def deliberation_docx(text, *, commune_name: str, language: str) -> bytes:
    """The .docx of a `DeliberationText`."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    styles = _styles(document, language)
    header = section.header.paragraphs[0]
    draft = pgettext("deliberation file", "Draft")
    header.text = commune_name if text.is_adopted else f"{commune_name} — {draft}"
    header.style = document.styles["Header"]

    document.add_paragraph(text.commune_line.upper(), style=styles["letterhead"])
    document.add_paragraph(_("Municipal council"), style=styles["letterhead"])
    document.add_paragraph(text.heading, style="Title")
    document.add_paragraph(text.meeting_line, style=styles["meeting"])
    for label, value in text.attendance:
        document.add_paragraph(f"{label}{text.colon} {value}", style=styles["attendance"])
    document.add_paragraph(text.subject, style=styles["subject"])
    document.add_paragraph(text.preamble, style=styles["visa"])
    for visa in text.visas:
        document.add_paragraph(visa, style=styles["visa"])
    for consideration in text.considerations:
        document.add_paragraph(consideration, style=styles["recital"])
    document.add_paragraph(text.report_line, style=styles["recital"])
    document.add_paragraph(text.decision, style=styles["decision"])
    for label, article in text.articles:
        paragraph = document.add_paragraph(style=styles["article"])
        paragraph.add_run(f"{label}\u00a0— ", style="Strong")
        paragraph.add_run(article)
    if text.vote:
        document.add_paragraph(
            "   ".join(f"{label}{text.colon} {value}" for label, value in text.vote), style=styles["decision"]
        )
    if text.adoption:
        document.add_paragraph(text.adoption, style=styles["decision"])
    document.add_paragraph(text.closing, style=styles["recital"])
    for line in text.signature:
        document.add_paragraph(line, style=styles["signature"])
    if not text.is_adopted:
        document.add_paragraph(text.enforceability, style=styles["mention"])

    properties = document.core_properties
    properties.title = text.subject
    properties.subject = text.heading
    properties.author = _("Plan Climat Local platform")
    properties.language = language
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_docx(document, progress: Progress) -> Rendered:
    progress(10, _("Reading the plan…"))
    plan = plan_for_deliberation(plan_id=document.plan_id)
    progress(40, _("Writing the deliberation…"))
    text = deliberation_text_for(plan, council=document.council)
    language = "fr-FR" if is_french() else "en-GB"
    content = deliberation_docx(text, commune_name=plan.commune.name, language=language)
    return Rendered(content=content, filename=deliberation_filename(plan, "docx"), pages=None)
