"""A plotly figure dict drawn by matplotlib: one panel per pair of axes, bars, lines and markers,
shapes, annotations, the title and one legend below, written as SVG."""

import io
import math
from dataclasses import dataclass, field

import matplotlib
from matplotlib import dates as mdates
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, MultipleLocator, NullLocator
from matplotlib.transforms import offset_copy

from pcl import formatting

from .inline import inline
from .labels import FONT_SIZE, NumberFormatter, category_label, fit_label, text_width, thinned
from .plotly_figure import (
    DAY_MS,
    Axis,
    axis_key,
    axis_positions,
    date_number,
    grid_domains,
    number_of,
    read_axis,
    text_of,
)

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


@dataclass
class Panel:
    """One plotting area: a pair of axes and the traces drawn on it."""

    x: Axis
    y: Axis
    traces: list[tuple[int, dict]]
    ax: object = None
    domain: tuple = ((0.0, 1.0), (0.0, 1.0))  # (x, y) fractions of the plotting area
    side_labels: list[str] = field(default_factory=list)  # category labels drawn as text on the left


class PrintChart:
    def __init__(self, figure: dict, width: float, height: float | None):
        self.layout = figure.get("layout") or {}
        self.traces = [trace for trace in figure.get("data") or [] if trace.get("visible", True) is not False]
        self.width = float(width)
        self.height = float(height or self.layout.get("height") or 400)
        # Laid out by hand (see _place) rather than by matplotlib's constrained layout, which draws every
        # label once more to measure it: the schedule of a big plan would take seconds.
        self.figure = Figure(figsize=(self.width / 72, self.height / 72), dpi=72)
        self.legend: dict[str, tuple] = {}  # label → (handle, label)
        self.panels = self._panels()

    # -- layout --------------------------------------------------------------------------------

    def _panels(self) -> list[Panel]:
        grouped: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        for index, trace in enumerate(self.traces):
            key = (axis_key(trace.get("xaxis", "x")), axis_key(trace.get("yaxis", "y")))
            grouped.setdefault(key, []).append((index, trace))
        if not grouped:
            grouped[("xaxis", "yaxis")] = []
        panels = [
            Panel(
                x=read_axis(x_key, self.layout.get(x_key) or {}, [trace for _i, trace in traces]),
                y=read_axis(y_key, self.layout.get(y_key) or {}, [trace for _i, trace in traces]),
                traces=traces,
            )
            for (x_key, y_key), traces in grouped.items()
        ]
        domains = grid_domains(self.layout, [(panel.x.key, panel.y.key) for panel in panels])
        for panel in panels:
            panel.domain = domains[(panel.x.key, panel.y.key)]
            panel.ax = self.figure.add_axes((0, 0, 1, 1))
            panel.ax.set_gid(f"panel-{panel.x.key}-{panel.y.key}")
        return panels

    def _place(self, legend_rows: int) -> None:
        """Each panel in its domain of the plotting area, leaving room for its tick labels and axis
        titles, the figure's title above and the legend below (sizes in points)."""
        top = 6 + (TITLE_SIZE * 1.6 + 4 if self.title_text else 0)
        bottom = 4 + (legend_rows * FONT_SIZE * 1.6 + 6 if legend_rows else 0)
        right = 8
        area_width, area_height = self.width - right, self.height - top - bottom
        for panel in self.panels:
            (x0, x1), (y0, y1) = panel.domain
            left_room, bottom_room, right_room = self._rooms(panel)
            left = x0 * area_width + left_room
            width = (x1 - x0) * area_width - left_room - (right_room if x1 >= 1 else 8)
            low = bottom + y0 * area_height + bottom_room
            height = (y1 - y0) * area_height - bottom_room - (0 if y1 >= 1 else 8)
            panel.ax.set_position(
                (
                    left / self.width,
                    low / self.height,
                    max(width, 10) / self.width,
                    max(height, 10) / self.height,
                )
            )

    def _rooms(self, panel: Panel) -> tuple[float, float, float]:
        """The room the panel's y labels take on its left, its x labels below, its last x label on
        the right."""
        ax = panel.ax
        y_labels = _tick_labels(ax.yaxis) + panel.side_labels
        widest = max((text_width(line) for label in y_labels for line in label.split("\n")), default=0)
        left = widest + 9 + (FONT_SIZE * 1.3 + 4 if ax.get_ylabel() else 0)
        x_labels = _tick_labels(ax.xaxis)
        below = 8 + FONT_SIZE * 1.2 + (FONT_SIZE * 1.3 + 4 if ax.get_xlabel() else 0)
        # A number or a date can sit at the very end of its axis; a category sits inside its slot.
        edge = x_labels and panel.x.kind != "category"
        right = max(8.0, text_width(x_labels[-1]) / 2 + 2) if edge else 8.0
        return left, below, right

    # -- drawing -------------------------------------------------------------------------------

    def render(self) -> str:
        for panel in self.panels:
            self._draw_bars(panel)
            self._draw_scatter(panel)
            self._draw_shapes(panel)
            self._axes(panel)
        self._annotations()
        self._title()
        self._place(self._legend())
        buffer = io.StringIO()
        FigureCanvasSVG(self.figure).print_svg(buffer, metadata={"Date": None})
        return inline(buffer.getvalue(), self.title_text)

    @property
    def title_text(self) -> str:
        return text_of(self.layout.get("title"))

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
                length = number_of(raw_length)
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
            half = (width * (1 - group_gap) if grouped else width) / 2
            polygons = []
            for centre, start, size in zip(centres, starts, sizes, strict=True):
                corners = [(start, centre - half), (start + size, centre - half)]
                corners += [(start + size, centre + half), (start, centre + half)]
                polygons.append(corners if horizontal else [(y, x) for x, y in corners])
            # One collection per trace: a matplotlib artist per bar costs milliseconds each.
            collection = PolyCollection(
                polygons, facecolors=colours, edgecolors="#ffffff", linewidths=0.4, zorder=2
            )
            collection.set_gid(f"bars-{index}")
            panel.ax.add_collection(collection)
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
                    axis.position(value)
                    for value in axis_positions([t for _i, t in panel.traces], axis.letter)
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
                    coordinates.append(number_of(raw) if paper else axis.position(raw))
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
            title = text_of(axis.spec.get("title"))
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
        dtick = number_of(axis.spec.get("dtick"))
        step = max(int(dtick), 1) if dtick else 1
        if axis.letter == "x":
            labels = axis.categories
            slot = self._panel_width(panel) / count
            mpl_axis.set_major_locator(FixedLocator(thinned(labels, slot, step)))
            mpl_axis.set_major_formatter(FuncFormatter(lambda value, _pos: category_label(labels, value)))
            return
        limit = 0.42 * self.width
        lines = 2 if (self.height - 40) / count >= 2.4 * FONT_SIZE else 1
        labels = [fit_label(label, limit, max_lines=lines) for label in axis.categories]
        if count * FONT_SIZE * 1.25 > self.height * 0.9:
            step = max(step, math.ceil(count * FONT_SIZE * 1.25 / (self.height * 0.9)))
        # The labels as plain text beside the axis: a matplotlib tick (two lines, two texts) per row
        # would cost more than the rest of a 48-row schedule.
        mpl_axis.set_major_locator(NullLocator())
        beside = offset_copy(ax.get_yaxis_transform(), fig=self.figure, x=-5, units="points")
        for position in positions[::step]:
            ax.text(
                0, position, labels[position], transform=beside, ha="right", va="center", fontsize=FONT_SIZE
            )
        panel.side_labels = [labels[position] for position in positions[::step]]
        widest = max(
            (text_width(line) for label in panel.side_labels for line in label.split("\n")), default=0
        )
        mpl_axis.labelpad = widest + 4

    def _panel_width(self, panel: Panel) -> float:
        columns = len({p.x.key for p in self.panels})
        return (self.width - 90) / max(columns, 1)

    def _date_axis(self, axis: Axis, mpl_axis, ax) -> None:
        declared = axis.spec.get("range")
        if declared and len(declared) == 2:
            low, high = date_number(declared[0]), date_number(declared[1])
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
        else:
            set_limits(*_value_range(ax, axis, panel))
        dtick = number_of(axis.spec.get("dtick"))
        integer = axis.spec.get("tickformat") == "d"
        if dtick:
            mpl_axis.set_major_locator(MultipleLocator(dtick))
        else:
            mpl_axis.set_major_locator(MaxNLocator(nbins=6, integer=integer, min_n_ticks=3))
        positions = [
            axis.position(value)
            for value in axis_positions([trace for _i, trace in panel.traces], axis.letter)
        ]
        years = (
            axis.letter == "x"
            and bool(positions)
            and all(value is not None and value.is_integer() and 1800 <= value <= 2200 for value in positions)
        )
        mpl_axis.set_major_formatter(NumberFormatter(mpl_axis, group=not years))

    def _annotations(self) -> None:
        panel = self.panels[0]
        for note in self.layout.get("annotations") or []:
            text = text_of(note.get("text"))
            if not text:
                continue
            x_paper, y_paper = note.get("xref") == "paper", note.get("yref") == "paper"
            x = number_of(note.get("x")) if x_paper else panel.x.position(note.get("x"))
            y = number_of(note.get("y")) if y_paper else panel.y.position(note.get("y"))
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
            self.figure.text(
                6 / self.width,
                1 - 6 / self.height,
                self.title_text,
                fontsize=TITLE_SIZE,
                fontweight="bold",
                ha="left",
                va="top",
            )

    def _legend(self) -> int:
        """Draws the legend below the panels; the number of rows it takes."""
        shown = self.layout.get("showlegend")
        if shown is False or not self.legend or (shown is None and len(self.legend) < 2):
            return 0
        handles = [handle for handle, _label in self.legend.values()]
        labels = [label for _handle, label in self.legend.values()]
        # As many entries on a row as fit the width (a legend does not wrap by itself).
        entry = max(text_width(label) for label in labels) + 34
        columns = max(1, min(len(labels), int((self.width - 20) // entry)))
        self.figure.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, 0),
            borderaxespad=0.2,
            ncols=columns,
            fontsize=FONT_SIZE,
            frameon=False,
            handlelength=1.4,
            columnspacing=1.2,
        )
        return math.ceil(len(labels) / columns)


def _tick_labels(mpl_axis) -> list[str]:
    """The labels the axis will print (its locator's ticks within its limits, formatted)."""
    low, high = sorted(mpl_axis.get_view_interval())
    ticks = [value for value in mpl_axis.get_major_locator()() if low - 1e-9 <= value <= high + 1e-9]
    formatter = mpl_axis.get_major_formatter()
    formatter.set_locs(ticks)
    return [label for label in (formatter(value, index) for index, value in enumerate(ticks)) if label]


def _value_range(ax, axis: Axis, panel: Panel) -> tuple[float, float]:
    """The limits of a numeric axis: its data with a 5 % margin, from zero for bars and `tozero`
    (as plotly.js draws them)."""
    low, high = ax.dataLim.intervalx if axis.letter == "x" else ax.dataLim.intervaly
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    from_zero = axis.spec.get("rangemode") == "tozero" or any(
        t.get("type") == "bar" for _i, t in panel.traces
    )
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    margin = 0.05 * (high - low) or 1.0
    return (low if from_zero and low == 0 else low - margin), (
        high if from_zero and high == 0 else high + margin
    )
