"""The address of the person at the other end of a request, as the configured proxies report it.

Behind a reverse proxy every request comes from the proxy's address (`REMOTE_ADDR`): what counts
failed sign-ins or records who did what must read the client's address from `X-Forwarded-For`, but
only the part that a trusted proxy wrote. Each proxy appends the address it received the request
from, so the header is read from the right: trusted proxies are skipped, and the first address that
is not one of them is the client. Anything further left was written by the client and may be forged.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _parse(value: str) -> Address | None:
    """An address from a header entry: '198.51.100.1', '198.51.100.1:443', '[2001:db8::5]:443'."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request) -> str:
    """The client's IP address as text ('' when the request carries none)."""
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        address = _parse(entry)
        if address is None:
            break  # not written by a proxy of ours: the last trusted hop is all we know
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
