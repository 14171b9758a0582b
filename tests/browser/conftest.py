"""Browser tests (see fixtures.py for the browser itself and the helpers). Like every test, each starts from
the reference data every installation has: tests/conftest.py loads it back after each flush."""

from tests.browser.fixtures import (
    State,
    axe_violations,
    chromium_path,
    click,
    describe,
    describe_tour,
    open_details,
    open_menu,
    page_problems,
    sign_in,
    submit,
    tour_problems,
    with_errors,
)
from tests.browser.tours import network

__all__ = [
    "network",
    "State",
    "axe_violations",
    "chromium_path",
    "click",
    "describe",
    "describe_tour",
    "open_details",
    "open_menu",
    "page_problems",
    "sign_in",
    "submit",
    "tour_problems",
    "with_errors",
]
