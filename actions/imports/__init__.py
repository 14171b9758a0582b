"""A list of actions from a spreadsheet (XLSX or CSV) read into rows ready to become actions of a draft
plan, each bad cell named by its line, its column and why, in the reader's language.

The file is either a commune's own table (the import template, or any table whose headers say what
its columns hold) or the plan export itself (actions.exports): the export's headers, in French or in
English, its cells (dd/mm/yyyy or ISO dates, decimal commas or points, the apostrophe that keeps a
text from running as a formula) and its budget columns per year read back to the same actions.
Nothing here writes: actions.services.plan_actions_import creates the rows, after this module has
checked them again against the plan as it is then.
"""

from .columns import IMPORT_TYPES, MAX_ROWS, normalize
from .reading import ImportFileError, read_sheet
from .rows import (
    BudgetEntry,
    CofunderEntry,
    ImportContext,
    ImportPreview,
    ImportRow,
    RowError,
    max_bytes,
    preview_file,
)
from .template import template_response

__all__ = [
    "IMPORT_TYPES",
    "MAX_ROWS",
    "BudgetEntry",
    "CofunderEntry",
    "ImportContext",
    "ImportFileError",
    "ImportPreview",
    "ImportRow",
    "RowError",
    "max_bytes",
    "normalize",
    "preview_file",
    "read_sheet",
    "template_response",
]
