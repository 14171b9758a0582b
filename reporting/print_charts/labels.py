"""Labels of the print charts: text measured in DejaVu Sans as matplotlib lays it out, long labels
fitted, crowded year labels thinned (keeping the estimates), and axis numbers written by pcl.formatting."""

import math
import re
from functools import lru_cache

from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.ticker import FuncFormatter

from pcl import formatting

FONT_SIZE = 9.5
_FONT = FontProperties(family="DejaVu Sans")
_YEAR = re.compile(r"^(\d{4})\b")


@lru_cache(maxsize=4096)
def _advance(char: str) -> float:
    """The advance width of a character in DejaVu Sans, in em."""
    font = get_font(findfont(_FONT))
    font.set_size(100, 72)
    return font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536 / 100


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of `text` in DejaVu Sans at `size` points: the sum of the characters' advances,
    cached (measuring whole strings through FreeType cost more than drawing the chart)."""
    return size * sum(_advance(char) for char in text)


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


def thinned(labels: list[str], slot: float, step: int = 1) -> list[int]:
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


def category_label(labels: list[str], value: float) -> str:
    index = round(value)
    return labels[index] if 0 <= index < len(labels) and abs(value - index) < 1e-6 else ""


class NumberFormatter(FuncFormatter):
    """Tick values written by pcl.formatting, with the decimals their step needs."""

    def __init__(self, mpl_axis, *, group: bool = True):
        self.mpl_axis = mpl_axis
        self.group = group  # False on an axis of years: "2021", not "2 021"
        super().__init__(self._format)

    def _format(self, value: float, _position) -> str:
        ticks = sorted(self.mpl_axis.get_majorticklocs())
        step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False) if b > a), default=1.0)
        return formatting.number(value, decimals_of(step), group=self.group)


def decimals_of(step: float) -> int:
    for decimals in range(0, 7):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-6 * max(1, step * 10**decimals):
            return decimals
    return 6
