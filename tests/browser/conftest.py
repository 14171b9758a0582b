"""Browser tests (see fixtures.py for the browser itself and the helpers). Like every test, each starts from
the reference data every installation has: tests/conftest.py loads it back after each flush."""

from tests.browser.fixtures import (
    axe_violations,
    chromium_path,
    describe,
    describe_tour,
    page_problems,
    sign_in,
    tour_problems,
)

__all__ = [
    "axe_violations",
    "chromium_path",
    "describe",
    "describe_tour",
    "page_problems",
    "sign_in",
    "tour_problems",
]
