"""The public pages and the API read other apps only through their selectors: one selector answers each
question, and no module of public/ or api/ queries a model (neither app has models of its own)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERY = re.compile(r"\.objects\b|\b_default_manager\b|\b_base_manager\b")


@pytest.mark.parametrize("app", ["public", "api"])
def test_no_model_queries_outside_the_selectors(app):
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if QUERY.search(line)
    ]
    assert not found, "Read other apps through their selectors:\n" + "\n".join(found)


@pytest.mark.parametrize("app", ["public", "api"])
def test_no_models_of_their_own(app):
    assert not (ROOT / app / "models.py").exists()
    assert not (ROOT / app / "models").exists()
