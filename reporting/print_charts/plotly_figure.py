"""Reading a plotly figure dict: its values (numbers, dates, categories), its axes and what kind each
is, and where each pair of axes sits (`domain`, or a cell of `layout.grid`)."""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from matplotlib import dates as mdates

DAY_MS = 86_400_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def text_of(value) -> str:
    """A title (plotly writes a string or {"text": ...}) as text."""
    if isinstance(value, dict):
        value = value.get("text", "")
    return "" if value is None else str(value)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number_of(value) -> float | None:
    if is_number(value):
        return float(value)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # Decimal, numeric strings
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def date_number(value) -> float | None:
    """A date (ISO string, date or datetime) as matplotlib's date number (days)."""
    if isinstance(value, datetime):
        return float(mdates.date2num(value.replace(tzinfo=None)))
    if isinstance(value, date):
        return float(mdates.date2num(datetime(value.year, value.month, value.day)))
    if isinstance(value, str) and _DATE.match(value.strip()):
        return date_number(datetime.fromisoformat(value.strip()))
    if is_number(value):  # milliseconds since the epoch, as plotly reads numbers on a date axis
        return float(value) / DAY_MS
    return None


def is_date(value) -> bool:
    return isinstance(value, date) or (isinstance(value, str) and bool(_DATE.match(value.strip())))


def axis_key(reference: str) -> str:
    """ "x", "x1" → "xaxis"; "x2" → "xaxis2" (the layout's key for a trace's axis reference)."""
    letter, number = reference[0], reference[1:]
    return f"{letter}axis{'' if number in ('', '1') else number}"


@dataclass
class Axis:
    key: str  # "xaxis", "yaxis2"...
    spec: dict
    kind: str = "linear"  # linear, category or date
    categories: list[str] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return self.key[0]

    def position(self, value) -> float | None:
        if value is None:
            return None
        if self.kind == "category":
            try:
                return float(self.categories.index(str(value)))
            except ValueError:
                return None
        if self.kind == "date":
            return date_number(value)
        return number_of(value)


def _is_lengthread_axis(trace: dict, letter: str) -> bool:
    """Whether the trace's values along `letter` are bar lengths (not positions)."""
    if trace.get("type") != "bar":
        return False
    return (letter == "x") == (trace.get("orientation") == "h")


def axis_positions(traces: list[dict], letter: str) -> list:
    values = []
    for trace in traces:
        if _is_lengthread_axis(trace, letter):
            base = trace.get("base")
            values.extend(base if isinstance(base, list) else [base])
        else:
            values.extend(trace.get(letter) or [])
    return [value for value in values if value is not None]


def read_axis(key: str, spec: dict, traces: list[dict]) -> Axis:
    axis = Axis(key, spec)
    letter = axis.letter
    positions = axis_positions(traces, letter)
    declared = spec.get("type")
    if declared in ("category", "date", "linear", "log"):
        axis.kind = "linear" if declared == "log" else declared
    elif positions and all(is_number(value) for value in positions):
        axis.kind = "linear"
    elif positions and all(is_date(value) for value in positions):
        axis.kind = "date"
    elif positions:
        axis.kind = "category"
    if axis.kind == "category":
        seen: dict[str, None] = {str(value): None for value in spec.get("categoryarray") or []}
        for value in positions:
            seen.setdefault(str(value), None)
        axis.categories = list(seen)
    return axis


def domain_of(spec: dict) -> tuple[float, float]:
    low, high = spec.get("domain") or (0.0, 1.0)
    return float(low), float(high)


def grid_domains(layout: dict, panels: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """Each panel's (x domain, y domain): the axes' own `domain`, else its cell of `layout.grid`."""
    grid = layout.get("grid") or {}
    rows, columns = int(grid.get("rows", 1)), int(grid.get("columns", 1))
    domains = {}
    for index, (x_key, y_key) in enumerate(panels):
        x_spec, y_spec = layout.get(x_key) or {}, layout.get(y_key) or {}
        if grid and "domain" not in x_spec and "domain" not in y_spec and len(panels) > 1:
            row, column = divmod(index, columns)
            x_domain = (column / columns, (column + 1) / columns)
            y_domain = (1 - (row + 1) / rows, 1 - row / rows)
        else:
            x_domain, y_domain = domain_of(x_spec), domain_of(y_spec)
        domains[(x_key, y_key)] = (x_domain, y_domain)
    return domains
