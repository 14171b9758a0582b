"""Browser tests start from the reference data every installation has (see fixtures.py for the
browser itself and the helpers)."""

import pytest

from actions.services import catalogue_load_starter
from observatory.services import reference_load
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


@pytest.fixture(autouse=True)
def starter_catalogue(transactional_db):
    """Browser tests run in transactions that are flushed after each test, data migrations included:
    each one starts from the reference data that every installation has."""
    catalogue_load_starter()
    reference_load()
