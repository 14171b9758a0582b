"""The translation catalogues keep their headers: a merge that drops `Plural-Forms` makes French count
"0 décisions prises" (gettext falls back to the English rule, n != 1)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import trans_real

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize(
    ("language", "rule"),
    [("fr", "nplurals=2; plural=(n > 1);"), ("en", "nplurals=2; plural=(n != 1);")],
)
def test_each_catalogue_states_its_language_and_plural_rule(language, rule):
    header = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert f'"Language: {language}\\n"' in header
    assert f'"Plural-Forms: {rule}\\n"' in header


def test_french_counts_zero_and_one_in_the_singular():
    french = trans_real.translation("fr")
    assert french.plural(0) == french.plural(1) != french.plural(2)
