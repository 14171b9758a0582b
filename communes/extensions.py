"""What the portfolio and the commune page show beyond the communes themselves.

Apps that build on communes (action plans, working groups...) register portfolio columns, headline
figures and commune-page sections here from their AppConfig.ready(), so that communes can show them
while importing none of those apps. Each callable receives all the portfolio's communes at once (or
the one commune of the page) and must answer in a constant number of queries.
"""

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .models import Commune


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    tone: str = ""  # "", "warning" or "danger": how the value reads in the table


@dataclass(frozen=True)
class HeadlineFigure:
    key: str
    label: Any
    value: Any
    detail: str = ""


@dataclass(frozen=True)
class Extension:
    key: str
    # Column headers (lazy translations), and for each commune id one cell per header.
    labels: tuple[Any, ...] = ()
    cells: Callable[[Sequence[Commune]], dict[int, list[Cell]]] | None = None
    figures: Callable[[Sequence[Commune]], list[HeadlineFigure]] | None = None


_extensions: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    _extensions[extension.key] = extension


@dataclass
class PortfolioExtras:
    labels: list[Any]
    figures: list[HeadlineFigure]


def portfolio_extras(communes: Sequence[Commune]) -> PortfolioExtras:
    """The registered columns and headline figures for these communes; sets `commune.extra_cells`."""
    extras = PortfolioExtras(labels=[], figures=[])
    for commune in communes:
        commune.extra_cells = []
    for extension in _extensions.values():
        if extension.cells:
            cells = extension.cells(communes)
            extras.labels += list(extension.labels)
            blank = [Cell(text="—")] * len(extension.labels)
            for commune in communes:
                commune.extra_cells += cells.get(commune.pk, blank)
        if extension.figures:
            extras.figures += extension.figures(communes)
    return extras


@dataclass(frozen=True)
class CommuneSection:
    key: str
    template: str
    context: Callable[[Commune, Any], dict]  # (commune, user) -> template context


_sections: dict[str, CommuneSection] = {}


def register_commune_section(section: CommuneSection) -> None:
    _sections[section.key] = section


def commune_sections(commune: Commune, user) -> list[tuple[str, dict]]:
    """(template, context) of each registered section of the commune page."""
    return [(section.template, section.context(commune, user)) for section in _sections.values()]


# Demo data of the apps built on communes, loaded by `manage.py load_demo` after the communes'.
_demo_loaders: dict[str, Callable[[], None]] = {}
_demo_loading = ContextVar("demo_loading", default=False)


def demo_loading() -> bool:
    """True while the demo loads: apps may skip costly side effects of the writes it makes
    (e.g. generating the documents of the plans it adopts)."""
    return _demo_loading.get()


def register_demo_loader(key: str, loader: Callable[[], None]) -> None:
    _demo_loaders[key] = loader


def run_demo_loaders() -> None:
    token = _demo_loading.set(True)
    try:
        for loader in _demo_loaders.values():
            loader()
    finally:
        _demo_loading.reset(token)
