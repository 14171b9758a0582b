"""Links to many objects, the URL reversed once: the same as reversing each."""

import pytest
from django.urls import NoReverseMatch, reverse

from pcl.links import link_maker


@pytest.mark.parametrize(
    ("name", "keys"),
    [("actions:action", [1, 42, 1234567890]), ("communes:detail", ["38421", "2A004", "a b~é"])],
)
def test_a_link_reads_as_reverse_writes_it(name, keys):
    link = link_maker(name)
    assert [link(key) for key in keys] == [reverse(name, args=[key]) for key in keys]


def test_a_pattern_without_a_single_key_is_refused():
    with pytest.raises(NoReverseMatch):
        link_maker("communes:list")
