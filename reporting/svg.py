"""Plotly figure dicts as static SVG, for print: the same figures the pages draw with plotly.js, drawn
here in pure Python (no browser, no kaleido) as vector graphics that WeasyPrint embeds in the PDFs.

It covers what observatory/charts.py and actions/charts.py produce: bar traces (vertical or horizontal;
barmode stack, relative, group or overlay; `base` for Gantt bars on a date axis), scatter traces (lines,
markers, lines+markers, dashes, diamond/square/circle markers), line shapes, the layout's title, axis
titles, ranges, `autorange: "reversed"`, `dtick`, `rangemode: "tozero"`, `bargap`, `showlegend`, and
category, numeric or date axes. Numbers read the French way (thin spaces between thousands, decimal
comma). Text is measured with DejaVu Sans' own advance widths when the font file is on the machine, so
labels are placed, truncated and wrapped as they will print.
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.ttLib import TTFont

from pcl.formatting import month_text, number

FONT_FAMILY = "DejaVu Sans, sans-serif"
FONT_FILES = {
    False: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"],
    True: [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    ],
}
TICK_FONT = 9.5
TITLE_FONT = 12.5
LEGEND_FONT = 9.5
AXIS_COLOUR = "#444444"
GRID_COLOUR = "#dddddd"
TEXT_COLOUR = "#1a1a1a"
DEFAULT_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
DASHES = {
    "dash": "6,4",
    "dot": "1.5,3",
    "dashdot": "6,3,1.5,3",
    "longdash": "11,4",
    "longdashdot": "11,3,2,3",
}
DAY_MS = 86_400_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


# --- text measurement ---------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths of DejaVu Sans per code point, in em; (empty, fallback) without the font file."""
    for candidate in FONT_FILES[bold]:
        if Path(candidate).exists():
            font = TTFont(candidate, lazy=True)
            units = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
            return widths, widths.get(ord("n"), 0.63)
    return {}, 0.63 if bold else 0.6


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    widths, fallback = _advances(bold)
    return size * sum(widths.get(ord(char), fallback) for char in text)


def truncate(text: str, size: float, max_width: float, *, bold: bool = False) -> str:
    """The text, cut with an ellipsis so that it fits `max_width`."""
    if text_width(text, size, bold=bold) <= max_width:
        return text
    widths, fallback = _advances(bold)
    budget = max_width / size - widths.get(ord("…"), 1.0)
    used = 0.0
    for index, char in enumerate(text):
        used += widths.get(ord(char), fallback)
        if used > budget:
            return text[:index].rstrip() + "…"
    return text


def wrap(text: str, size: float, max_width: float, *, max_lines: int = 2) -> list[str]:
    """Words on lines of at most `max_width`; the last line is truncated when the text needs more."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [truncate(line, size, max_width) for line in lines]


# --- values -------------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _to_ms(value) -> float | None:
    """A date (ISO string, date, datetime or milliseconds since the epoch) as UTC milliseconds."""
    if value is None:
        return None
    if _is_number(value):
        return float(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp() * 1000
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000
    if isinstance(value, str) and _DATE.match(value.strip()):
        return _to_ms(datetime.fromisoformat(value.strip()))
    return None


def _from_ms(value: float) -> date:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=value)).date()


def _number(value) -> float | None:
    if _is_number(value):
        return float(value)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # Decimal, numeric strings
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    return "" if value is None else str(value)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def nice_step(span: float, target_ticks: int) -> float:
    """The 1, 2, 2.5 or 5 × 10ⁿ step that cuts `span` into about `target_ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / max(target_ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude * 1.0000001:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(low: float, high: float, target_ticks: int = 5, *, dtick: float | None = None) -> list[float]:
    """Tick values on round numbers between `low` and `high`, inclusive."""
    if high < low:
        low, high = high, low
    step = dtick or nice_step(high - low, target_ticks)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9 and len(ticks) < 200:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value = first + len(ticks) * step
    return ticks


def _decimals(step: float) -> int:
    for decimals in range(0, 7):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-6:
            return decimals
    return 6


# --- axes ---------------------------------------------------------------------------------------


@dataclass
class Axis:
    letter: str  # "x" or "y"
    spec: dict
    kind: str = "linear"  # linear, category or date
    categories: list[str] = field(default_factory=list)
    low: float = 0.0
    high: float = 1.0
    reversed: bool = False
    ticks: list[tuple[float, str]] = field(default_factory=list)
    start: float = 0.0  # pixel of `low`
    end: float = 1.0  # pixel of `high`

    @property
    def title(self) -> str:
        return _text(self.spec.get("title"))

    def position(self, value) -> float | None:
        """Where a raw value (category, number or date) sits on the axis, in axis units."""
        if self.kind == "category":
            try:
                return float(self.categories.index(str(value)))
            except ValueError:
                return None
        if self.kind == "date":
            return _to_ms(value)
        return _number(value)

    def pixel(self, value: float) -> float:
        fraction = (value - self.low) / (self.high - self.low) if self.high != self.low else 0.5
        if self.reversed:
            fraction = 1 - fraction
        return self.start + fraction * (self.end - self.start)

    def clamp(self, value: float) -> float:
        return min(max(value, self.low), self.high)


def _raw_positions(traces: list[dict], letter: str) -> list:
    """The values traces place along an axis as positions (not bar lengths)."""
    values = []
    for trace in traces:
        horizontal = trace.get("type") == "bar" and trace.get("orientation") == "h"
        is_length = trace.get("type") == "bar" and ((letter == "x") == horizontal)
        if is_length:
            base = trace.get("base")
            if isinstance(base, list):
                values.extend(base)
            elif base is not None:
                values.append(base)
        else:
            values.extend(trace.get(letter) or [])
    return [value for value in values if value is not None]


def _axis_kind(spec: dict, traces: list[dict], letter: str) -> str:
    declared = spec.get("type")
    if declared in ("linear", "log", "category", "date"):
        return "linear" if declared == "log" else declared
    positions = _raw_positions(traces, letter)
    value_axis = all(
        trace.get("type") == "bar" and ((letter == "x") == (trace.get("orientation") == "h"))
        for trace in traces
    )
    if value_axis and not positions:
        return "linear"
    if positions and all(_is_number(value) for value in positions):
        return "linear"
    if positions and all(isinstance(value, str) and _DATE.match(value.strip()) for value in positions):
        return "date"
    if positions and all(isinstance(value, date) for value in positions):
        return "date"
    return "category"


# --- the chart ----------------------------------------------------------------------------------


@dataclass
class Bar:
    trace: int
    category_position: float
    start: float
    end: float
    colour: str
    half_width: float = 0.4


class Chart:
    def __init__(self, figure: dict, width: int, height: int | None):
        self.layout = figure.get("layout") or {}
        self.traces = [trace for trace in figure.get("data") or [] if trace.get("visible", True) is not False]
        self.width = float(width)
        self.height = float(height or self.layout.get("height") or 400)
        self.title = _text(self.layout.get("title"))
        self.x = Axis("x", self.layout.get("xaxis") or {})
        self.y = Axis("y", self.layout.get("yaxis") or {})
        self.x.kind = _axis_kind(self.x.spec, self.traces, "x")
        self.y.kind = _axis_kind(self.y.spec, self.traces, "y")
        self.bars: list[Bar] = []
        self.parts: list[str] = []

    # -- data ranges ---------------------------------------------------------------------------

    def _categories(self, axis: Axis) -> None:
        seen: dict[str, None] = {}
        for value in _raw_positions(self.traces, axis.letter):
            seen.setdefault(str(value), None)
        axis.categories = list(seen)

    def _colour(self, index: int, trace: dict, point: int | None = None) -> str:
        marker = trace.get("marker") or {}
        colour = marker.get("color")
        if isinstance(colour, list):
            colour = colour[point] if point is not None and point < len(colour) else None
        if not colour and trace.get("type") == "scatter":
            colour = (trace.get("line") or {}).get("color")
        return str(colour or DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)])

    def _build_bars(self) -> None:
        """Bars in axis units: their slot on the category axis, their extent on the value axis."""
        bar_traces = [index for index, trace in enumerate(self.traces) if trace.get("type") == "bar"]
        mode = self.layout.get("barmode", "group")
        gap = float(self.layout.get("bargap", 0.2))
        group_gap = float(self.layout.get("bargroupgap", 0.0))
        grouped = mode == "group" and len(bar_traces) > 1
        stacks: dict[tuple, float] = defaultdict(float)
        for order, index in enumerate(bar_traces):
            trace = self.traces[index]
            horizontal = trace.get("orientation") == "h"
            category_axis, value_axis = (self.y, self.x) if horizontal else (self.x, self.y)
            positions = trace.get("y" if horizontal else "x") or []
            lengths = trace.get("x" if horizontal else "y") or []
            base = trace.get("base")
            for point, (raw_position, raw_length) in enumerate(zip(positions, lengths, strict=False)):
                position = category_axis.position(raw_position)
                length = _number(raw_length)
                if position is None or length is None:
                    continue
                if isinstance(base, list):
                    raw_base = base[point] if point < len(base) else None
                else:
                    raw_base = base
                if raw_base is not None:
                    start = value_axis.position(raw_base)
                    if start is None:
                        continue
                elif mode in ("stack", "relative"):
                    key = (horizontal, position, length >= 0)
                    start = stacks[key]
                    stacks[key] += length
                else:
                    start = 0.0
                slot = self._slot_width(category_axis)
                width = slot * (1 - gap)
                centre = position
                if grouped:
                    width = width / len(bar_traces)
                    centre = position - slot * (1 - gap) / 2 + width * (order + 0.5)
                    width *= 1 - group_gap
                self.bars.append(
                    Bar(
                        trace=index,
                        category_position=centre,
                        start=start,
                        end=start + length,
                        colour=self._colour(index, trace, point),
                        half_width=width / 2,
                    )
                )

    def _slot_width(self, axis: Axis) -> float:
        if axis.kind == "category":
            return 1.0
        values = sorted({axis.position(value) for value in _raw_positions(self.traces, axis.letter)} - {None})
        gaps = [b - a for a, b in zip(values, values[1:], strict=False) if b > a]
        if gaps:
            return min(gaps)
        return DAY_MS if axis.kind == "date" else 1.0

    def _range(self, axis: Axis) -> None:
        if axis.kind == "category":
            self._categories(axis)
            axis.low, axis.high = -0.5, max(len(axis.categories), 1) - 0.5
            axis.reversed = axis.spec.get("autorange") == "reversed"
            return
        declared = axis.spec.get("range")
        values: list[float] = []
        padded = False
        for trace in self.traces:
            if trace.get("type") == "scatter":
                values += [
                    v for v in (axis.position(raw) for raw in trace.get(axis.letter) or []) if v is not None
                ]
                padded = True
        for bar in self.bars:
            horizontal = self.traces[bar.trace].get("orientation") == "h"
            if (axis.letter == "x") == horizontal:
                values += [bar.start, bar.end]
            else:
                values += [bar.category_position - bar.half_width, bar.category_position + bar.half_width]
        for shape in self.layout.get("shapes") or []:
            if shape.get(f"{axis.letter}ref", axis.letter) == axis.letter:
                values += [
                    v
                    for v in (axis.position(shape.get(f"{axis.letter}{i}")) for i in (0, 1))
                    if v is not None
                ]
        if declared and len(declared) == 2:
            low, high = axis.position(declared[0]), axis.position(declared[1])
            if low is not None and high is not None:
                axis.low, axis.high = low, high
                axis.reversed = axis.spec.get("autorange") == "reversed"
                return
        if not values:
            values = [0.0, 1.0]
        low, high = min(values), max(values)
        has_value_bars = any(
            (axis.letter == "x") == (self.traces[bar.trace].get("orientation") == "h") for bar in self.bars
        )
        if axis.spec.get("rangemode") == "tozero" or (has_value_bars and axis.kind == "linear"):
            low, high = min(low, 0.0), max(high, 0.0)
        if high == low:
            high = low + (abs(low) or 1.0)
            low = low - (abs(low) or 1.0) * (0 if low == 0 else 1)
        span = high - low
        if padded or has_value_bars:
            pad = span * 0.05
            if low != 0 or not (axis.spec.get("rangemode") == "tozero" or has_value_bars):
                low -= pad
            if high != 0:
                high += pad
        axis.low, axis.high = low, high
        axis.reversed = axis.spec.get("autorange") == "reversed"

    # -- ticks ---------------------------------------------------------------------------------

    def _ticks(self, axis: Axis, length: float) -> None:
        if axis.kind == "category":
            axis.ticks = [(float(index), label) for index, label in enumerate(axis.categories)]
            return
        if axis.kind == "date":
            axis.ticks = self._date_ticks(axis, length)
            return
        target = max(2, int(length / (90 if axis.letter == "x" else 45)))
        dtick = _number(axis.spec.get("dtick"))
        values = nice_ticks(axis.low, axis.high, target, dtick=dtick)
        step = values[1] - values[0] if len(values) > 1 else (dtick or 1.0)
        decimals = _decimals(step)
        group = bool(axis.spec.get("separatethousands")) or any(abs(value) >= 10_000 for value in values)
        axis.ticks = [(value, number(value, decimals, group=group)) for value in values]

    def _date_ticks(self, axis: Axis, length: float) -> list[tuple[float, str]]:
        first, last = _from_ms(axis.low), _from_ms(axis.high)
        months = (last.year - first.year) * 12 + last.month - first.month
        room = max(2, int(length / 55))
        if months > 24:
            years = list(
                range(first.year if first.month == 1 and first.day == 1 else first.year + 1, last.year + 1)
            )
            step = max(1, math.ceil(len(years) / room))
            return [(_to_ms(date(year, 1, 1)), str(year)) for year in years[::step]]
        step = next((s for s in (1, 2, 3, 6, 12) if months / s <= room), 12)
        ticks = []
        cursor = date(first.year, first.month, 1)
        if cursor < first:
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        while cursor <= last:
            if (cursor.month - 1) % step == 0:
                ticks.append((_to_ms(cursor), month_text(cursor, short=True)))
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        return ticks

    # -- legend --------------------------------------------------------------------------------

    def _legend_items(self) -> list[tuple[int, str]]:
        named = [
            (index, _text(trace.get("name")))
            for index, trace in enumerate(self.traces)
            if trace.get("showlegend", True) and _text(trace.get("name"))
        ]
        show = self.layout.get("showlegend")
        if show is None:
            show = len(named) > 1
        return named if show else []

    def _legend_rows(
        self, items: list[tuple[int, str]], available: float
    ) -> list[list[tuple[int, str, float]]]:
        rows: list[list[tuple[int, str, float]]] = [[]]
        used = 0.0
        for index, name in items:
            label = truncate(name, LEGEND_FONT, available - 22)
            item_width = 18 + text_width(label, LEGEND_FONT) + 14
            if rows[-1] and used + item_width > available:
                rows.append([])
                used = 0.0
            rows[-1].append((index, label, item_width))
            used += item_width
        return rows if rows[0] else []

    # -- layout --------------------------------------------------------------------------------

    def render(self) -> str:
        for axis in (self.x, self.y):
            if axis.kind == "category":
                self._categories(axis)
        self._build_bars()
        self._range(self.x)
        self._range(self.y)

        top = 8.0 + (TITLE_FONT * 1.8 if self.title else 0.0)
        # y tick labels decide the left margin; long category labels are cut to at most 45 % of the width.
        self._ticks(self.y, max(self.height - top - 40, 40))
        label_room = self.width * 0.45
        y_labels = [(value, truncate(label, TICK_FONT, label_room)) for value, label in self.y.ticks]
        self.y.ticks = y_labels
        left = max((text_width(label, TICK_FONT) for _v, label in y_labels), default=0) + 10
        if self.y.title:
            left += TICK_FONT * 1.8
        left = max(left, 30.0)
        right = 14.0
        self.x.start, self.x.end = left, self.width - right
        self._ticks(self.x, self.x.end - self.x.start)
        x_labels, rotated = self._x_labels()
        tick_height = TICK_FONT * 1.6
        if rotated:
            tick_height = max(text_width(label, TICK_FONT) for _v, label in x_labels) * 0.72 + TICK_FONT + 4
        legend = self._legend_rows(self._legend_items(), self.width - 8)
        bottom = 6 + tick_height + (TICK_FONT * 1.8 if self.x.title else 0) + len(legend) * LEGEND_FONT * 1.7
        bottom += 6 if legend else 0
        if self.height - top - bottom < 60:  # never squash the plot: the figure grows instead
            self.height = top + bottom + 60
        self.y.start, self.y.end = self.height - bottom, top
        plot = (left, top, self.width - right, self.height - bottom)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_fmt(self.width)}" '
            f'height="{_fmt(self.height)}" viewBox="0 0 {_fmt(self.width)} {_fmt(self.height)}" '
            f'font-family="{FONT_FAMILY}" font-size="{TICK_FONT}" fill="{TEXT_COLOUR}" role="img"'
            + (f' aria-label="{_attr(self.title)}"' if self.title else "")
            + ">"
        ]
        if self.title:
            parts.append(f"<title>{escape(self.title)}</title>")
        parts += self._grid(plot)
        parts += self._draw_bars()
        parts += self._draw_shapes(plot)
        parts += self._draw_scatter()
        parts += self._axes(plot, x_labels, rotated)
        if self.title:
            parts.append(
                f'<text x="{_fmt(left)}" y="{_fmt(8 + TITLE_FONT)}" '
                f'font-size="{TITLE_FONT}" font-weight="bold">'
                f"{escape(truncate(self.title, TITLE_FONT, self.width - left, bold=True))}</text>"
            )
        parts += self._draw_legend(legend, self.height - 6 - len(legend) * LEGEND_FONT * 1.7)
        parts.append("</svg>")
        return "".join(parts)

    def _x_labels(self) -> tuple[list[tuple[float, str]], bool]:
        labels = self.x.ticks
        if not labels:
            return [], False
        pixels = [self.x.pixel(value) for value, _label in labels]
        slot = (self.x.end - self.x.start) / max(len(labels), 1)
        if len(pixels) > 1:
            slot = min(abs(b - a) for a, b in zip(pixels, pixels[1:], strict=False)) or slot
        widest = max(text_width(label, TICK_FONT) for _value, label in labels)
        if widest + 6 <= slot:
            return labels, False
        if self.x.kind != "category":
            # numbers and dates: keep every other tick until they fit
            step = math.ceil((widest + 6) / slot)
            return labels[::step], False
        labels = [(value, truncate(label, TICK_FONT, 120)) for value, label in labels]
        if TICK_FONT * 1.3 > slot:
            step = math.ceil(TICK_FONT * 1.3 / slot)
            labels = labels[::step]
        return labels, True

    # -- drawing -------------------------------------------------------------------------------

    def _value_axis(self) -> Axis:
        horizontal = any(t.get("type") == "bar" and t.get("orientation") == "h" for t in self.traces)
        if horizontal or (self.y.kind == "category" and self.x.kind != "category"):
            return self.x
        return self.y

    def _grid(self, plot) -> list[str]:
        left, top, right, bottom = plot
        parts = ['<g stroke-width="0.6" fill="none">']
        value_axis = self._value_axis()
        for value, _label in value_axis.ticks:
            if not value_axis.low - 1e-9 <= value <= value_axis.high + 1e-9:
                continue
            pixel = value_axis.pixel(value)
            colour = AXIS_COLOUR if value == 0 and value_axis.kind == "linear" else GRID_COLOUR
            if value_axis is self.y:
                parts.append(_line(left, pixel, right, pixel, colour))
            else:
                parts.append(_line(pixel, top, pixel, bottom, colour))
        parts.append("</g>")
        return parts

    def _draw_bars(self) -> list[str]:
        if not self.bars:
            return []
        parts = ['<g class="bars" stroke="#ffffff" stroke-width="0.4">']
        for bar in self.bars:
            horizontal = self.traces[bar.trace].get("orientation") == "h"
            category_axis, value_axis = (self.y, self.x) if horizontal else (self.x, self.y)
            low, high = sorted((bar.start, bar.end))
            if high < value_axis.low or low > value_axis.high:
                continue
            v1, v2 = value_axis.pixel(value_axis.clamp(low)), value_axis.pixel(value_axis.clamp(high))
            c1 = category_axis.pixel(bar.category_position - bar.half_width)
            c2 = category_axis.pixel(bar.category_position + bar.half_width)
            if horizontal:
                x, width, y, height = min(v1, v2), abs(v2 - v1), min(c1, c2), abs(c2 - c1)
            else:
                x, width, y, height = min(c1, c2), abs(c2 - c1), min(v1, v2), abs(v2 - v1)
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(max(width, 0.5))}" '
                f'height="{_fmt(max(height, 0.01))}" fill="{_attr(bar.colour)}"/>'
            )
        parts.append("</g>")
        return parts

    def _draw_shapes(self, plot) -> list[str]:
        left, top, right, bottom = plot
        parts = []
        for shape in self.layout.get("shapes") or []:
            if shape.get("type", "line") != "line":
                continue
            points = []
            for end in (0, 1):
                coordinates = []
                for axis, low_pixel, high_pixel in ((self.x, left, right), (self.y, bottom, top)):
                    raw = shape.get(f"{axis.letter}{end}")
                    if shape.get(f"{axis.letter}ref") == "paper":
                        value = _number(raw)
                        coordinates.append(
                            None if value is None else low_pixel + value * (high_pixel - low_pixel)
                        )
                    else:
                        value = axis.position(raw)
                        inside = value is not None and axis.low <= value <= axis.high
                        coordinates.append(axis.pixel(value) if inside else None)
                points.append(coordinates)
            if any(coordinate is None for point in points for coordinate in point):
                continue
            line = shape.get("line") or {}
            dash = DASHES.get(line.get("dash", ""), "")
            parts.append(
                f'<line x1="{_fmt(points[0][0])}" y1="{_fmt(points[0][1])}" x2="{_fmt(points[1][0])}" '
                f'y2="{_fmt(points[1][1])}" stroke="{_attr(line.get("color", AXIS_COLOUR))}" '
                f'stroke-width="{_fmt(float(line.get("width", 1.2)))}"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        return parts

    def _scatter_points(self, trace: dict) -> list[tuple[float, float] | None]:
        points = []
        for raw_x, raw_y in zip(trace.get("x") or [], trace.get("y") or [], strict=False):
            x, y = self.x.position(raw_x), self.y.position(raw_y)
            if (
                x is None
                or y is None
                or not (self.x.low <= x <= self.x.high and self.y.low <= y <= self.y.high)
            ):
                points.append(None)
            else:
                points.append((self.x.pixel(x), self.y.pixel(y)))
        return points

    def _draw_scatter(self) -> list[str]:
        parts = []
        for index, trace in enumerate(self.traces):
            if trace.get("type") != "scatter":
                continue
            mode = trace.get("mode") or ("lines+markers" if len(trace.get("x") or []) < 20 else "lines")
            points = self._scatter_points(trace)
            line = trace.get("line") or {}
            colour = str(line.get("color") or self._colour(index, trace))
            if "lines" in mode:
                width = float(line.get("width", 2))
                dash = DASHES.get(line.get("dash", ""), "")
                segments: list[list[tuple[float, float]]] = [[]]
                for point in points:
                    if point is None:
                        segments.append([])
                    else:
                        segments[-1].append(point)
                for segment in segments:
                    if len(segment) < 2:
                        continue
                    path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in segment)
                    parts.append(
                        f'<polyline points="{path}" fill="none" stroke="{_attr(colour)}" '
                        f'stroke-width="{_fmt(width)}" stroke-linejoin="round"'
                        + (f' stroke-dasharray="{dash}"' if dash else "")
                        + "/>"
                    )
            if "markers" in mode:
                marker = trace.get("marker") or {}
                size = float(marker.get("size", 6)) * 0.8
                symbol = marker.get("symbol", "circle")
                parts.append('<g stroke="#ffffff" stroke-width="0.5">')
                for point_index, point in enumerate(points):
                    if point is None:
                        continue
                    fill = (
                        self._colour(index, trace, point_index)
                        if isinstance(marker.get("color"), list)
                        else (marker.get("color") or colour)
                    )
                    parts.append(_marker(symbol, point, size, str(fill)))
                parts.append("</g>")
        return parts

    def _axes(self, plot, x_labels, rotated: bool) -> list[str]:
        left, top, right, bottom = plot
        parts = [
            f'<g stroke="{AXIS_COLOUR}" stroke-width="0.8">'
            f'<line x1="{_fmt(left)}" y1="{_fmt(bottom)}" x2="{_fmt(right)}" y2="{_fmt(bottom)}"/>'
            f'<line x1="{_fmt(left)}" y1="{_fmt(top)}" x2="{_fmt(left)}" y2="{_fmt(bottom)}"/></g>'
        ]
        parts.append(f'<g font-size="{TICK_FONT}" fill="{TEXT_COLOUR}">')
        for value, label in self.y.ticks:
            if not self.y.low - 1e-9 <= value <= self.y.high + 1e-9:
                continue
            pixel = self.y.pixel(value)
            parts.append(
                f'<text x="{_fmt(left - 5)}" y="{_fmt(pixel + TICK_FONT * 0.35)}" text-anchor="end">'
                f"{escape(label)}</text>"
            )
        baseline = bottom + TICK_FONT + 3
        for value, label in x_labels:
            if not self.x.low - 1e-9 <= value <= self.x.high + 1e-9:
                continue
            pixel = self.x.pixel(value)
            if rotated:
                parts.append(
                    f'<text x="{_fmt(pixel)}" y="{_fmt(bottom + 6)}" text-anchor="end" '
                    f'transform="rotate(-45 {_fmt(pixel)} {_fmt(bottom + 6)})">{escape(label)}</text>'
                )
            else:
                anchor = "middle"
                half = text_width(label, TICK_FONT) / 2
                if pixel + half > self.width:
                    anchor = "end"
                elif pixel - half < 0:
                    anchor = "start"
                parts.append(
                    f'<text x="{_fmt(pixel)}" y="{_fmt(baseline)}" text-anchor="{anchor}">'
                    f"{escape(label)}</text>"
                )
            parts.append(_line(pixel, bottom, pixel, bottom + 3, AXIS_COLOUR, width=0.8))
        parts.append("</g>")
        if self.y.title:
            middle = (top + bottom) / 2
            parts.append(
                f'<text x="{_fmt(TICK_FONT + 2)}" y="{_fmt(middle)}" text-anchor="middle" '
                f'transform="rotate(-90 {_fmt(TICK_FONT + 2)} {_fmt(middle)})">'
                f"{escape(truncate(self.y.title, TICK_FONT, bottom - top))}</text>"
            )
        if self.x.title:
            rotated_height = 0.0
            if rotated and x_labels:
                rotated_height = max(text_width(label, TICK_FONT) for _v, label in x_labels) * 0.72
            y = bottom + TICK_FONT * 1.6 + rotated_height + TICK_FONT + 4
            parts.append(
                f'<text x="{_fmt((left + right) / 2)}" y="{_fmt(y)}" text-anchor="middle">'
                f"{escape(truncate(self.x.title, TICK_FONT, right - left))}</text>"
            )
        return parts

    def _draw_legend(self, rows, top: float) -> list[str]:
        if not rows:
            return []
        parts = [f'<g class="legend" font-size="{LEGEND_FONT}">']
        row_height = LEGEND_FONT * 1.7
        for row_index, row in enumerate(rows):
            total = sum(width for _i, _label, width in row)
            x = max((self.width - total) / 2, 4)
            y = top + row_index * row_height + LEGEND_FONT
            for index, label, width in row:
                trace = self.traces[index]
                colour = (
                    self._colour(index, trace)
                    if not isinstance((trace.get("marker") or {}).get("color"), list)
                    else AXIS_COLOUR
                )
                line = trace.get("line") or {}
                if trace.get("type") == "scatter":
                    colour = str(line.get("color") or colour)
                    mode = trace.get("mode") or "lines"
                    if "lines" in mode:
                        dash = DASHES.get(line.get("dash", ""), "")
                        parts.append(
                            f'<line x1="{_fmt(x)}" y1="{_fmt(y - LEGEND_FONT * 0.35)}" x2="{_fmt(x + 14)}" '
                            f'y2="{_fmt(y - LEGEND_FONT * 0.35)}" stroke="{_attr(colour)}" stroke-width="2"'
                            + (f' stroke-dasharray="{dash}"' if dash else "")
                            + "/>"
                        )
                    if "markers" in mode:
                        symbol = (trace.get("marker") or {}).get("symbol", "circle")
                        parts.append(_marker(symbol, (x + 7, y - LEGEND_FONT * 0.35), 5.5, colour))
                else:
                    parts.append(
                        f'<rect x="{_fmt(x)}" y="{_fmt(y - LEGEND_FONT * 0.85)}" width="12" '
                        f'height="{_fmt(LEGEND_FONT * 0.9)}" fill="{_attr(colour)}"/>'
                    )
                parts.append(f'<text x="{_fmt(x + 18)}" y="{_fmt(y)}">{escape(label)}</text>')
                x += width
        parts.append("</g>")
        return parts


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, *, width: float | None = None) -> str:
    stroke_width = f' stroke-width="{_fmt(width)}"' if width is not None else ""
    return (
        f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
        f'stroke="{_attr(colour)}"{stroke_width}/>'
    )


def _marker(symbol: str, point: tuple[float, float], size: float, colour: str) -> str:
    x, y = point
    half = size / 2
    if str(symbol).startswith("diamond"):
        h = half * 1.25
        return (
            f'<polygon points="{_fmt(x)},{_fmt(y - h)} {_fmt(x + h)},{_fmt(y)} {_fmt(x)},{_fmt(y + h)} '
            f'{_fmt(x - h)},{_fmt(y)}" fill="{_attr(colour)}"/>'
        )
    if str(symbol).startswith("square"):
        return (
            f'<rect x="{_fmt(x - half)}" y="{_fmt(y - half)}" width="{_fmt(size)}" height="{_fmt(size)}" '
            f'fill="{_attr(colour)}"/>'
        )
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(half)}" fill="{_attr(colour)}"/>'


def figure_svg(figure: dict, *, width: int = 640, height: int | None = None) -> str:
    """The plotly figure as a standalone inline SVG string (`width` × `height` user units; the height
    defaults to the layout's, and grows when the legend and labels would leave the plot too small)."""
    return Chart(figure, width, height).render()
