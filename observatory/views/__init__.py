from .imports import import_detail, import_errors, import_list, import_new, import_retry
from .targets import target_edit, target_list
from .territory import (
    agglomeration,
    agglomeration_data,
    agglomeration_export,
    commune_data,
    commune_export,
    commune_observatory,
    territory_outlines,
)

__all__ = [
    "agglomeration",
    "agglomeration_data",
    "agglomeration_export",
    "commune_data",
    "commune_export",
    "commune_observatory",
    "import_detail",
    "import_errors",
    "import_list",
    "import_new",
    "import_retry",
    "target_edit",
    "target_list",
    "territory_outlines",
]
