"""The reporting app's models: generated documents and the network's letters."""

from .documents import AUDIENCES, COMMUNE_KINDS, PLAN_KINDS, DocumentKind, DocumentStatus, GeneratedDocument
from .letters import Letter, LetterSection, LetterStatus

__all__ = [
    "AUDIENCES",
    "COMMUNE_KINDS",
    "PLAN_KINDS",
    "DocumentKind",
    "DocumentStatus",
    "GeneratedDocument",
    "Letter",
    "LetterSection",
    "LetterStatus",
]
