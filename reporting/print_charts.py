"""The pages' plotly figures, drawn for print by matplotlib: the same figure dicts that plotly.js draws on
the pages (observatory/charts.py, reporting/charts.py, actions/charts.py) become the vector SVG that
WeasyPrint embeds in the PDFs, so that a page and its PDF show the same series, colours and labels.

Why matplotlib: it draws in-process with no browser (plotly's own static export, kaleido, drives a
Chromium that every worker would need), its default font is the DejaVu Sans the PDFs are set in, and it
writes SVG. Text is written as SVG text (`svg.fonttype: none`), so chart labels stay selectable and
searchable in the PDF; WeasyPrint sets it in DejaVu Sans. Output is deterministic (fixed hash salt, no
date), so that the same figure always prints the same bytes.

Only the figure-level API is used (`matplotlib.figure.Figure` with the SVG canvas): no pyplot, no state
shared between threads. What is read from a figure dict: bar traces (vertical or horizontal; barmode
group, stack, relative or overlay; `base`, for the schedule's bars on a date axis), scatter traces
(lines, markers, dashes, symbols), several axes (`xaxis2`/`yaxis2` with their `domain`, or
`layout.grid`), category axes (with `categoryarray`), date and numeric axes, `autorange: "reversed"`,
`dtick`, `tickformat: "d"`, ranges, axis titles, the title, line shapes, annotations and the legend.
Numbers and dates on the axes are written by pcl.formatting, in the active language.
"""

import hashlib
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import matplotlib
from matplotlib import dates as mdates
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, MultipleLocator

from pcl import formatting

# Set once, to constant values: the SVG canvas reads them when it writes.
matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "pcl-print-charts",
        "font.family": "DejaVu Sans",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "axes.labelcolor": "#1a1a1a",
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "xtick.labelcolor": "#1a1a1a",
        "ytick.labelcolor": "#1a1a1a",
    }
)

FONT_SIZE = 9.5
TITLE_SIZE = 12.5
GRID_COLOUR = "#dddddd"
# plotly.js's own default colours, for a trace that names none.
DEFAULT_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
DASHES = {
    "solid": "-",
    "dash": (0, (6, 4)),
    "dot": (0, (1.5, 3)),
    "dashdot": (0, (6, 3, 1.5, 3)),
    "longdash": (0, (11, 4)),
    "longdashdot": (0, (11, 3, 2, 3)),
}
MARKERS = {"circle": "o", "diamond": "D", "square": "s", "triangle-up": "^", "x": "x", "cross": "P"}
DAY_MS = 86_400_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_FONT = FontProperties(family="DejaVu Sans")
_YEAR = re.compile(r"^(\d{4})\b")


# --- text ---------------------------------------------------------------------------------------


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of `text` in DejaVu Sans at `size` points, as matplotlib will lay it out."""
    font = get_font(findfont(_FONT))
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64


def fit_label(text: str, max_width: float, *, size: float = FONT_SIZE, max_lines: int = 2) -> str:
    """`text` on at most `max_lines` lines of `max_width` points, cut with an ellipsis beyond."""
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
    fitted = []
    for line in lines:
        if text_width(line, size) > max_width:
            words = line.split(" ")
            while len(words) > 1 and text_width(" ".join(words) + "…", size) > max_width:
                words.pop()
            line = " ".join(words)
            while line and text_width(line + "…", size) > max_width:  # one word longer than the line
                line = line[:-1]
            line = line.rstrip(" ,;:") + "…"
        fitted.append(line)
    return "\n".join(fitted)


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    return "" if value is None else str(value)


# --- values -------------------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


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


def _date_number(value) -> float | None:
    """A date (ISO string, date or datetime) as matplotlib's date number (days)."""
    if isinstance(value, datetime):
        return float(mdates.date2num(value.replace(tzinfo=None)))
    if isinstance(value, date):
        return float(mdates.date2num(datetime(value.year, value.month, value.day)))
    if isinstance(value, str) and _DATE.match(value.strip()):
        return _date_number(datetime.fromisoformat(value.strip()))
    if _is_number(value):  # milliseconds since the epoch, as plotly reads numbers on a date axis
        return float(value) / DAY_MS
    return None


def _is_date(value) -> bool:
    return isinstance(value, date) or (isinstance(value, str) and bool(_DATE.match(value.strip())))


# --- axes ---------------------------------------------------------------------------------------


def _axis_key(reference: str) -> str:
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
            return _date_number(value)
        return _number(value)


def _is_length_axis(trace: dict, letter: str) -> bool:
    """Whether the trace's values along `letter` are bar lengths (not positions)."""
    if trace.get("type") != "bar":
        return False
    return (letter == "x") == (trace.get("orientation") == "h")


def _positions(traces: list[dict], letter: str) -> list:
    values = []
    for trace in traces:
        if _is_length_axis(trace, letter):
            base = trace.get("base")
            values.extend(base if isinstance(base, list) else [base])
        else:
            values.extend(trace.get(letter) or [])
    return [value for value in values if value is not None]


def _axis(key: str, spec: dict, traces: list[dict]) -> Axis:
    axis = Axis(key, spec)
    letter = axis.letter
    positions = _positions(traces, letter)
    declared = spec.get("type")
    if declared in ("category", "date", "linear", "log"):
        axis.kind = "linear" if declared == "log" else declared
    elif positions and all(_is_number(value) for value in positions):
        axis.kind = "linear"
    elif positions and all(_is_date(value) for value in positions):
        axis.kind = "date"
    elif positions:
        axis.kind = "category"
    if axis.kind == "category":
        seen: dict[str, None] = {str(value): None for value in spec.get("categoryarray") or []}
        for value in positions:
            seen.setdefault(str(value), None)
        axis.categories = list(seen)
    return axis


def _domain(spec: dict) -> tuple[float, float]:
    low, high = spec.get("domain") or (0.0, 1.0)
    return float(low), float(high)


def _grid_domains(layout: dict, panels: list[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
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
            x_domain, y_domain = _domain(x_spec), _domain(y_spec)
        domains[(x_key, y_key)] = (x_domain, y_domain)
    return domains


# --- the figure ---------------------------------------------------------------------------------


@dataclass
class Panel:
    """One plotting area: a pair of axes and the traces drawn on it."""

    x: Axis
    y: Axis
    traces: list[tuple[int, dict]]
    ax: object = None


class PrintChart:
    def __init__(self, figure: dict, width: float, height: float | None):
        self.layout = figure.get("layout") or {}
        self.traces = [trace for trace in figure.get("data") or [] if trace.get("visible", True) is not False]
        self.width = float(width)
        self.height = float(height or self.layout.get("height") or 400)
        self.figure = Figure(figsize=(self.width / 72, self.height / 72), dpi=72, layout="constrained")
        self.figure.get_layout_engine().set(w_pad=4 / 72, h_pad=4 / 72, wspace=0.04, hspace=0.04)
        self.legend: dict[str, tuple] = {}  # label → (handle, label)
        self.panels = self._panels()

    # -- layout --------------------------------------------------------------------------------

    def _panels(self) -> list[Panel]:
        grouped: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        for index, trace in enumerate(self.traces):
            key = (_axis_key(trace.get("xaxis", "x")), _axis_key(trace.get("yaxis", "y")))
            grouped.setdefault(key, []).append((index, trace))
        if not grouped:
            grouped[("xaxis", "yaxis")] = []
        panels = [
            Panel(
                x=_axis(x_key, self.layout.get(x_key) or {}, [trace for _i, trace in traces]),
                y=_axis(y_key, self.layout.get(y_key) or {}, [trace for _i, trace in traces]),
                traces=traces,
            )
            for (x_key, y_key), traces in grouped.items()
        ]
        domains = _grid_domains(self.layout, [(panel.x.key, panel.y.key) for panel in panels])
        # The panels' domains as cells of a grid: columns from the x domains, rows from the y domains.
        x_edges = sorted({domains[(p.x.key, p.y.key)][0] for p in panels})
        y_edges = sorted({domains[(p.x.key, p.y.key)][1] for p in panels}, reverse=True)
        grid = self.figure.add_gridspec(
            len(y_edges),
            len(x_edges),
            width_ratios=[max(high - low, 0.05) for low, high in x_edges],
            height_ratios=[max(high - low, 0.05) for low, high in y_edges],
        )
        for panel in panels:
            x_domain, y_domain = domains[(panel.x.key, panel.y.key)]
            panel.ax = self.figure.add_subplot(grid[y_edges.index(y_domain), x_edges.index(x_domain)])
            panel.ax.set_gid(f"panel-{panel.x.key}-{panel.y.key}")
        return panels

    # -- drawing -------------------------------------------------------------------------------

    def render(self) -> str:
        for panel in self.panels:
            self._draw_bars(panel)
            self._draw_scatter(panel)
            self._draw_shapes(panel)
            self._axes(panel)
        self._annotations()
        self._title()
        self._legend()
        buffer = io.StringIO()
        FigureCanvasSVG(self.figure).print_svg(buffer, metadata={"Date": None})
        return _inline(buffer.getvalue(), self.title_text)

    @property
    def title_text(self) -> str:
        return _text(self.layout.get("title"))

    def _colour(self, index: int, trace: dict, point: int | None = None) -> str:
        colour = (trace.get("marker") or {}).get("color")
        if isinstance(colour, list):
            colour = colour[point] if point is not None and point < len(colour) else None
        if not colour and trace.get("type") == "scatter":
            colour = (trace.get("line") or {}).get("color")
        return str(colour or DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)])

    def _add_legend(self, trace: dict, handle) -> None:
        name = trace.get("name")
        if not name or trace.get("showlegend") is False:
            return
        key = trace.get("legendgroup") or name
        self.legend.setdefault(key, (handle, str(name)))

    def _draw_bars(self, panel: Panel) -> None:
        bars = [(index, trace) for index, trace in panel.traces if trace.get("type") == "bar"]
        mode = self.layout.get("barmode", "group")
        gap = float(self.layout.get("bargap", 0.2))
        group_gap = float(self.layout.get("bargroupgap", 0.0))
        grouped = mode == "group" and len(bars) > 1
        stacks: dict[tuple, float] = {}
        for order, (index, trace) in enumerate(bars):
            horizontal = trace.get("orientation") == "h"
            category_axis, value_axis = (panel.y, panel.x) if horizontal else (panel.x, panel.y)
            positions = trace.get("y" if horizontal else "x") or []
            lengths = trace.get("x" if horizontal else "y") or []
            base = trace.get("base")
            slot = self._slot(category_axis, panel)
            width = slot * (1 - gap)
            if grouped:
                width /= len(bars)
            centres, starts, sizes, colours = [], [], [], []
            for point, (raw_position, raw_length) in enumerate(zip(positions, lengths, strict=False)):
                position = category_axis.position(raw_position)
                length = _number(raw_length)
                if position is None or length is None:
                    continue
                raw_base = (base[point] if point < len(base) else None) if isinstance(base, list) else base
                if value_axis.kind == "date":
                    length /= DAY_MS
                if raw_base is not None:
                    start = value_axis.position(raw_base)
                    if start is None:
                        continue
                elif mode in ("stack", "relative"):
                    key = (position, length >= 0) if mode == "relative" else (position,)
                    start = stacks.get(key, 0.0)
                    stacks[key] = start + length
                else:
                    start = 0.0
                centre = position
                if grouped:
                    centre = position - slot * (1 - gap) / 2 + width * (order + 0.5)
                centres.append(centre)
                starts.append(start)
                sizes.append(length)
                colours.append(self._colour(index, trace, point))
            drawn_width = width * (1 - group_gap) if grouped else width
            draw = panel.ax.barh if horizontal else panel.ax.bar
            container = draw(
                centres, sizes, drawn_width, starts, color=colours, edgecolor="#ffffff", linewidth=0.4
            )
            for number, patch in enumerate(container.patches):
                patch.set_gid(f"bar-{index}-{number}")
            colour = (
                colours[0]
                if colours and not isinstance((trace.get("marker") or {}).get("color"), list)
                else None
            )
            if colour:
                self._add_legend(trace, Patch(facecolor=colour))

    def _slot(self, axis: Axis, panel: Panel) -> float:
        """The room of one bar along its category axis, in axis units."""
        if axis.kind == "category":
            return 1.0
        values = sorted(
            {
                position
                for position in (
                    axis.position(value) for value in _positions([t for _i, t in panel.traces], axis.letter)
                )
                if position is not None
            }
        )
        gaps = [b - a for a, b in zip(values, values[1:], strict=False) if b > a]
        return min(gaps) if gaps else 1.0

    def _draw_scatter(self, panel: Panel) -> None:
        for index, trace in panel.traces:
            if trace.get("type") != "scatter":
                continue
            xs = [panel.x.position(value) for value in trace.get("x") or []]
            ys = [panel.y.position(value) for value in trace.get("y") or []]
            xs = [math.nan if value is None else value for value in xs]
            ys = [math.nan if value is None else value for value in ys]
            mode = trace.get("mode") or ("lines+markers" if len(xs) < 20 else "lines")
            line = trace.get("line") or {}
            marker = trace.get("marker") or {}
            colour = str(line.get("color") or self._colour(index, trace))
            style = {
                "color": colour,
                "linestyle": DASHES.get(line.get("dash", "solid"), "-") if "lines" in mode else "none",
                "linewidth": float(line.get("width", 2)) * 0.75,
                "marker": MARKERS.get(str(marker.get("symbol", "circle")), "o")
                if "markers" in mode
                else None,
                "markersize": float(marker.get("size", 6)) * 0.75,
                "markerfacecolor": marker.get("color") if isinstance(marker.get("color"), str) else colour,
                "markeredgecolor": "#ffffff",
                "markeredgewidth": 0.5,
            }
            if isinstance(marker.get("color"), list):
                panel.ax.plot(xs, ys, **(style | {"marker": None}))
                panel.ax.scatter(
                    xs,
                    ys,
                    c=[self._colour(index, trace, point) for point in range(len(xs))],
                    marker=style["marker"] or "o",
                    s=style["markersize"] ** 2,
                    zorder=3,
                )
            else:
                (artist,) = panel.ax.plot(xs, ys, **style)
                artist.set_gid(f"trace-{index}")
            self._add_legend(trace, Line2D([], [], **style))

    def _draw_shapes(self, panel: Panel) -> None:
        for shape in self.layout.get("shapes") or []:
            if shape.get("type", "line") != "line":
                continue
            points = []
            for end in (0, 1):
                coordinates = []
                for axis in (panel.x, panel.y):
                    raw = shape.get(f"{axis.letter}{end}")
                    paper = shape.get(f"{axis.letter}ref") == "paper"
                    coordinates.append(_number(raw) if paper else axis.position(raw))
                points.append(coordinates)
            if any(value is None for point in points for value in point):
                continue
            line = shape.get("line") or {}
            transform = panel.ax.transData
            if shape.get("yref") == "paper":
                transform = panel.ax.get_xaxis_transform()
            elif shape.get("xref") == "paper":
                transform = panel.ax.get_yaxis_transform()
            panel.ax.add_line(
                Line2D(
                    [points[0][0], points[1][0]],
                    [points[0][1], points[1][1]],
                    transform=transform,
                    color=line.get("color", "#444444"),
                    linestyle=DASHES.get(line.get("dash", "solid"), "-"),
                    linewidth=float(line.get("width", 1.2)),
                    zorder=4,
                )
            )

    def _axes(self, panel: Panel) -> None:
        ax = panel.ax
        ax.tick_params(labelsize=FONT_SIZE, length=3, width=0.6)
        for spine in ax.spines.values():
            spine.set_linewidth(0.8)
        value_axes = []
        for axis, mpl_axis in ((panel.x, ax.xaxis), (panel.y, ax.yaxis)):
            title = _text(axis.spec.get("title"))
            if title:
                (ax.set_xlabel if axis.letter == "x" else ax.set_ylabel)(title, fontsize=FONT_SIZE)
            if axis.kind == "category":
                self._category_axis(axis, mpl_axis, ax, panel)
            elif axis.kind == "date":
                self._date_axis(axis, mpl_axis, ax)
            else:
                self._number_axis(axis, mpl_axis, ax, panel)
                value_axes.append(axis.letter)
            if axis.spec.get("autorange") == "reversed":
                (ax.invert_xaxis if axis.letter == "x" else ax.invert_yaxis)()
        for letter in value_axes or ["y"]:
            ax.grid(True, axis=letter, color=GRID_COLOUR, linewidth=0.6)
        ax.set_axisbelow(True)

    def _category_axis(self, axis: Axis, mpl_axis, ax, panel: Panel) -> None:
        count = max(len(axis.categories), 1)
        (ax.set_xlim if axis.letter == "x" else ax.set_ylim)(-0.5, count - 0.5)
        positions = list(range(len(axis.categories)))
        dtick = _number(axis.spec.get("dtick"))
        step = max(int(dtick), 1) if dtick else 1
        if axis.letter == "x":
            labels = axis.categories
            slot = self._panel_width(panel) / count
            mpl_axis.set_major_locator(FixedLocator(_thinned(labels, slot, step)))
            mpl_axis.set_major_formatter(FuncFormatter(lambda value, _pos: _category(labels, value)))
            return
        else:
            limit = 0.42 * self.width
            lines = 2 if (self.height - 40) / count >= 2.4 * FONT_SIZE else 1
            labels = [fit_label(label, limit, max_lines=lines) for label in axis.categories]
            if count * FONT_SIZE * 1.25 > self.height * 0.9:
                step = max(step, math.ceil(count * FONT_SIZE * 1.25 / (self.height * 0.9)))
        mpl_axis.set_major_locator(FixedLocator(positions[::step]))
        mpl_axis.set_major_formatter(FuncFormatter(lambda value, _pos: _category(labels, value)))

    def _panel_width(self, panel: Panel) -> float:
        columns = len({p.x.key for p in self.panels})
        return (self.width - 90) / max(columns, 1)

    def _date_axis(self, axis: Axis, mpl_axis, ax) -> None:
        declared = axis.spec.get("range")
        if declared and len(declared) == 2:
            low, high = _date_number(declared[0]), _date_number(declared[1])
            if low is not None and high is not None:
                (ax.set_xlim if axis.letter == "x" else ax.set_ylim)(low, high)
        low, high = ax.get_xlim() if axis.letter == "x" else ax.get_ylim()
        if high - low > 2 * 366:
            mpl_axis.set_major_locator(mdates.YearLocator())
            mpl_axis.set_major_formatter(FuncFormatter(lambda value, _pos: str(mdates.num2date(value).year)))
        else:
            mpl_axis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
            mpl_axis.set_major_formatter(
                FuncFormatter(lambda value, _pos: formatting.month_text(mdates.num2date(value), short=True))
            )

    def _number_axis(self, axis: Axis, mpl_axis, ax, panel: Panel) -> None:
        declared = axis.spec.get("range")
        set_limits = ax.set_xlim if axis.letter == "x" else ax.set_ylim
        if declared and len(declared) == 2 and None not in declared:
            set_limits(float(declared[0]), float(declared[1]))
        elif axis.spec.get("rangemode") == "tozero" or any(t.get("type") == "bar" for _i, t in panel.traces):
            low, high = ax.get_xlim() if axis.letter == "x" else ax.get_ylim()
            set_limits(min(low, 0), max(high, 0))
        dtick = _number(axis.spec.get("dtick"))
        integer = axis.spec.get("tickformat") == "d"
        if dtick:
            mpl_axis.set_major_locator(MultipleLocator(dtick))
        else:
            mpl_axis.set_major_locator(MaxNLocator(nbins=6, integer=integer, min_n_ticks=3))
        positions = [
            axis.position(value) for value in _positions([trace for _i, trace in panel.traces], axis.letter)
        ]
        years = (
            axis.letter == "x"
            and bool(positions)
            and all(value is not None and value.is_integer() and 1800 <= value <= 2200 for value in positions)
        )
        mpl_axis.set_major_formatter(_NumberFormatter(mpl_axis, group=not years))

    def _annotations(self) -> None:
        panel = self.panels[0]
        for note in self.layout.get("annotations") or []:
            text = _text(note.get("text"))
            if not text:
                continue
            x_paper, y_paper = note.get("xref") == "paper", note.get("yref") == "paper"
            x = _number(note.get("x")) if x_paper else panel.x.position(note.get("x"))
            y = _number(note.get("y")) if y_paper else panel.y.position(note.get("y"))
            if x is None or y is None:
                continue
            panel.ax.annotate(
                text.replace("<br>", "\n"),
                (x, y),
                xycoords=(
                    "axes fraction" if x_paper else "data",
                    "axes fraction" if y_paper else "data",
                ),
                fontsize=FONT_SIZE,
                ha={"left": "left", "right": "right"}.get(note.get("xanchor"), "center"),
                va={"top": "top", "bottom": "bottom"}.get(note.get("yanchor"), "center"),
                arrowprops={"arrowstyle": "-", "color": "#444444"} if note.get("showarrow") else None,
                xytext=(0, 12) if note.get("showarrow", False) else None,
                textcoords="offset points" if note.get("showarrow", False) else None,
            )

    def _title(self) -> None:
        if self.title_text:
            self.figure.suptitle(self.title_text, fontsize=TITLE_SIZE, fontweight="bold", x=0.02, ha="left")

    def _legend(self) -> None:
        shown = self.layout.get("showlegend")
        if shown is False or not self.legend or (shown is None and len(self.legend) < 2):
            return
        handles = [handle for handle, _label in self.legend.values()]
        labels = [label for _handle, label in self.legend.values()]
        # As many entries on a row as fit the width (a legend does not wrap by itself).
        entry = max(text_width(label) for label in labels) + 34
        columns = max(1, min(len(labels), int((self.width - 20) // entry)))
        self.figure.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=columns,
            fontsize=FONT_SIZE,
            frameon=False,
            handlelength=1.4,
            columnspacing=1.2,
        )


def _thinned(labels: list[str], slot: float, step: int = 1) -> list[int]:
    """The categories to label on a horizontal axis of `slot` points each: one in `step`, fewer when
    labels would overlap (as plotly.js thins them), and every estimate ("2021 (e)") in place of the
    neighbours it would overlap, so that the print keeps the "(e)" marks."""
    widths = [text_width(label) + 6 for label in labels]
    needed = max(step, math.ceil(max(widths, default=0) * 0.9 / max(slot, 1)))
    step = next((nice for nice in (1, 2, 5, 10, 20, 25, 50, 100) if nice >= needed), needed)
    # Years fall on round numbers: 2005, 2010, 2015... rather than 2005, 2009, 2013...
    years = [_YEAR.match(label) for label in labels]
    first = 0
    if step >= 5 and labels and all(years):
        first = next((i for i, year in enumerate(years) if int(year.group(1)) % step == 0), 0)
    shown = set(range(first, len(labels), step))

    def apart(one: int, other: int) -> bool:
        return abs(one - other) * slot >= (widths[one] + widths[other]) / 2

    if shown and 0 not in shown and apart(0, min(shown)):
        shown.add(0)  # the first year (often the reference year) keeps its label

    estimates: list[int] = []
    for index, label in enumerate(labels):
        if "(e)" in label and all(apart(index, other) for other in estimates):
            estimates.append(index)
    for index in estimates:
        shown = {other for other in shown if other in estimates or apart(other, index)}
        shown.add(index)
    return sorted(shown)


def _category(labels: list[str], value: float) -> str:
    index = round(value)
    return labels[index] if 0 <= index < len(labels) and abs(value - index) < 1e-6 else ""


class _NumberFormatter(FuncFormatter):
    """Tick values written by pcl.formatting, with the decimals their step needs."""

    def __init__(self, mpl_axis, *, group: bool = True):
        self.mpl_axis = mpl_axis
        self.group = group  # False on an axis of years: "2021", not "2 021"
        super().__init__(self._format)

    def _format(self, value: float, _position) -> str:
        ticks = sorted(self.mpl_axis.get_majorticklocs())
        step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False) if b > a), default=1.0)
        return formatting.number(value, _decimals(step), group=self.group)


def _decimals(step: float) -> int:
    for decimals in range(0, 7):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-6 * max(1, step * 10**decimals):
            return decimals
    return 6


_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_MARKED = re.compile(r'id="(bar|panel|trace)-[^"]*"')
_ID = re.compile(r' id="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_STYLE = re.compile(r' style="([^"]*)"')
_STYLESHEET = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.DOTALL)


def _attributes(match: re.Match) -> str:
    """style="fill: #fff; stroke-width: 0.4" as fill="#fff" stroke-width="0.4": WeasyPrint reads the
    style attributes of inline SVG as HTML CSS too, and logs a warning for each SVG property in them."""
    pairs = (item.split(":", 1) for item in match.group(1).split(";") if ":" in item)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _inline(svg: str, title: str) -> str:
    """The SVG document as an element to place inside HTML: no XML prologue, doctype nor metadata;
    matplotlib's ids dropped unless referenced (clip paths, marker shapes), and those prefixed by a hash
    of the chart, so that several charts in one document do not define the same id; bars, panels and
    traces marked with a class; an accessible role and name."""
    svg = _METADATA.sub("", _PROLOGUE.sub("", svg, count=1), count=1)
    svg = _STYLESHEET.sub("", svg, count=1)  # its "*" rule would reach the HTML page around it
    svg = _STYLE.sub(_attributes, svg)
    svg = _MARKED.sub(lambda match: f'class="{match.group(1)}"', svg)
    referenced = {match.group(2) for match in _REFERENCE.finditer(svg)}
    prefix = "c" + hashlib.sha1(svg.encode(), usedforsecurity=False).hexdigest()[:8] + "-"
    svg = _ID.sub(
        lambda match: f' id="{prefix}{match.group(1)}"' if match.group(1) in referenced else "", svg
    )
    svg = _REFERENCE.sub(lambda match: f"{match.group(1)}{prefix}{match.group(2)}", svg)
    label = f' aria-label="{_attribute(title)}"' if title else ""
    return svg.replace("<svg ", f'<svg role="img"{label} stroke-linejoin="round" ', 1)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def figure_svg(figure: dict, *, width: int = 640, height: int | None = None) -> str:
    """The plotly figure as an inline SVG element, `width` × `height` points (the height defaults to
    the layout's), for WeasyPrint."""
    return PrintChart(figure, width, height).render()
