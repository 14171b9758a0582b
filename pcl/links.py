"""Links to many objects of one kind (a plan's sixty actions, an advisor's hundreds of communes): the URL
reversed once, then filled in with each object's key, rather than one `reverse` per row."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.regex_helper import _lazy_re_compile

# A key no URL pattern of ours holds elsewhere, valid for <int:...> and <str:...> converters alike.
_SLOT = "7319046285"
_SAFE = "!$&'()*+,;=/~:@"  # what `reverse` leaves unquoted (RFC 3986 sub-delimiters, "/~:@")
_PLAIN = _lazy_re_compile(r"^[0-9A-Za-z_-]+$")


def link_maker(name: str) -> Callable[[object], str]:
    """reverse(name, args=[key]) for any key, the pattern resolved once."""
    before, slot, after = reverse(name, args=[_SLOT]).partition(_SLOT)
    if not slot:
        raise ValueError(f"{name} does not take its key as its only argument")

    def link(key) -> str:
        text = str(key)
        return f"{before}{text if _PLAIN.match(text) else quote(text, safe=_SAFE)}{after}"

    return link
