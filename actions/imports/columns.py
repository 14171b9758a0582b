"""What the columns of an imported file hold: the export's headers (actions.exports) in French and
English, the words communes use, and how a header or a name is compared."""

import functools
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext_lazy

from pcl.uploads import CSV, XLSX

from ..exports import COFUNDER_HEADERS, HEADERS, YEAR_HEADERS, year_header
from ..models import ActionStatus

IMPORT_TYPES = (XLSX, CSV)
MAX_ROWS = 500  # actions per file: more is no commune's list, rather a wrong file
MAX_LINES = 20_000  # lines read at most, empty ones included (a sheet formatted down to row 1 048 576)
HEADER_SEARCH_LINES = 10  # a commune's table may have a title or notes above its header

# What each column of the import holds: the export's own keys (actions.exports.HEADERS) that come back
# as a field of the action, plus a description the export does not carry.
TEXT, DATE, QUANTITY, PERCENT = "text", "date", "quantity", "percent"
FIELD_KINDS = {
    "title": TEXT,
    "description": TEXT,
    "axis": TEXT,
    "theme": TEXT,
    "origin": TEXT,
    "catalogue_action": TEXT,
    "owner": TEXT,
    "elected_referent": TEXT,
    "partners": TEXT,
    "start_date": DATE,
    "end_date": DATE,
    "status": TEXT,
    "progress": PERCENT,
    "mwh_saved": QUANTITY,
    "tco2e_avoided": QUANTITY,
    "mwh_renewable": QUANTITY,
    "achieved_mwh_saved": QUANTITY,
    "achieved_tco2e_avoided": QUANTITY,
    "achieved_mwh_renewable": QUANTITY,
}
LABELS = {**HEADERS, "description": gettext_lazy("Description")}
# Columns of the export the platform computes (totals, lateness, co-funding sums): known, not read.
COMPUTED = (
    "late",
    "forecast_total",
    "actual_total",
    "cofunding_requested",
    "cofunding_granted",
    "cofunding_received",
)
# Known, read for another purpose: the number ties the co-funders' sheet to its action; the co-funders'
# text column is read from that sheet instead (only the XLSX has it).
NOT_FIELDS = ("number", "cofunders", "computed")
# Headers communes write in their own tables (compared without case nor accents), besides the export's.
SYNONYMS = {
    "title": (
        "titre",
        "intitule",
        "intitule de l'action",
        "action",
        "nom de l'action",
        "name",
        "action title",
    ),
    "description": ("descriptif", "detail"),
    "axis": ("axe", "axe strategique", "strategic axis"),
    "theme": ("theme", "thematique", "domaine"),
    "owner": ("porteur", "pilote", "service pilote", "responsible person", "owner"),
    "start_date": ("date de debut", "debut", "start date"),
    "end_date": ("date de fin", "fin", "echeance", "end date"),
    "status": ("etat", "statut"),
    "progress": ("avancement", "avancement (%)", "progress"),
}
# Statuses as communes write them (the feminine of "action", common words), besides the labels.
STATUS_SYNONYMS = {
    "realisee": ActionStatus.DONE,
    "terminee": ActionStatus.DONE,
    "termine": ActionStatus.DONE,
    "finished": ActionStatus.DONE,
    "prevue": ActionStatus.PLANNED,
    "prevu": ActionStatus.PLANNED,
    "a lancer": ActionStatus.PLANNED,
    "suspendue": ActionStatus.SUSPENDED,
    "abandonnee": ActionStatus.ABANDONED,
    "engagee": ActionStatus.IN_PROGRESS,
}


def normalize(text) -> str:
    """A header or a name as compared: no accent, no case, one space between words, straight
    apostrophes."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.casefold().split())


@functools.cache
def _header_aliases() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """{normalized header: key} and [(pattern of a year's header, budget key)], in French and English."""
    aliases: dict[str, str] = {}
    patterns = []
    for language in ("fr", "en"):
        with translation.override(language):
            for key, label in LABELS.items():
                aliases[normalize(label)] = key
            for key in YEAR_HEADERS:
                text = re.escape(normalize(year_header(key, 1111))).replace("1111", r"(\d{4})")
                patterns.append((re.compile(f"^{text}$"), key))
    for key, names in SYNONYMS.items():
        for name in names:
            aliases.setdefault(normalize(name), key)
    return aliases, patterns


def column_keys(header: list[str]) -> dict[int, object]:
    """{column index: key} for the known headers: a field's key, ("investment"|"operating"|"actual",
    year) for a year's budget, or "computed". The first column with a key wins."""
    aliases, patterns = _header_aliases()
    keys: dict[int, object] = {}
    seen = set()
    for index, text in enumerate(header):
        name = normalize(text)
        if not name:
            continue
        key = aliases.get(name)
        if key is None:
            for pattern, budget_key in patterns:
                match = pattern.match(name)
                if match:
                    key = (budget_key, int(match.group(1)))
                    break
        if key in COMPUTED:
            key = "computed"
        if key is None or (key in seen and key != "computed"):
            continue
        seen.add(key)
        keys[index] = key
    return keys


@functools.cache
def _cofunder_aliases() -> dict[str, str]:
    aliases = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for key, label in COFUNDER_HEADERS.items():
                aliases[normalize(label)] = key
    return aliases


def cofunder_keys(header: list[str]) -> dict[int, str]:
    """{column index: key} of the co-funders' sheet of a plan export (COFUNDER_HEADERS)."""
    aliases = _cofunder_aliases()
    keys: dict[int, str] = {}
    for index, text in enumerate(header):
        key = aliases.get(normalize(text))
        if key and key not in keys.values():
            keys[index] = key
    return keys
