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

from .chart import PrintChart


def figure_svg(figure: dict, *, width: int = 640, height: int | None = None) -> str:
    """The plotly figure as an inline SVG element, `width` × `height` points (the height defaults to
    the layout's), for WeasyPrint."""
    return PrintChart(figure, width, height).render()
