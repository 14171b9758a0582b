"""matplotlib's SVG document made an element that sits well inside the HTML that WeasyPrint prints."""

import hashlib
import re

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_MARKED = re.compile(r'id="(bars|panel|trace)-[^"]*"')
_ID = re.compile(r' id="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_STYLE = re.compile(r' style="([^"]*)"')
_STYLESHEET = re.compile(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", re.DOTALL)


def _attributes(match: re.Match) -> str:
    """style="fill: #fff; stroke-width: 0.4" as fill="#fff" stroke-width="0.4": WeasyPrint reads the
    style attributes of inline SVG as HTML CSS too, and logs a warning for each SVG property in them."""
    pairs = (item.split(":", 1) for item in match.group(1).split(";") if ":" in item)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def inline(svg: str, title: str) -> str:
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
