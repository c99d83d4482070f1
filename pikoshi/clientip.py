"""The address of the person at the other end, for rate limits, logs and session records.

X-Forwarded-For is written by whoever sends the request: a visitor can put anything in
it. Only the entries appended by proxies Pikoshi trusts are believed, and
PIKOSHI_TRUSTED_PROXIES says how many there are. Each proxy appends the address it saw,
so with N proxies the N-th entry from the right is the one the outermost proxy saw: the
visitor. Everything to its left is the visitor's own writing and never counts, so a
forged header can neither spread one attacker over many rate-limit budgets nor put a
victim's address on someone else's requests.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# Stands for "unknown" (a connection over a unix socket has no address): one shared
# budget for such requests rather than none at all.
UNKNOWN = "0.0.0.0"  # noqa: S104 - an address value, not a socket bind


def _address(value: str) -> str | None:
    """`value` as a normalised IP address (ports and IPv6 brackets dropped), else None."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _forwarded(request: HttpRequest, proxies: int) -> str | None:
    header = request.headers.get("x-forwarded-for", "")
    if not header:
        return None
    # Only the last `proxies` entries are read, however long the visitor made the rest.
    entries = header.rsplit(",", proxies)[-proxies:]
    # Fewer entries than proxies: a proxy in the chain did not append; the leftmost one
    # is still from a proxy, and the closest to the visitor there is.
    return _address(entries[0])


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: the connection's own, or the one the outermost trusted proxy
    saw. Always a valid IP address, never the header's text."""
    proxies = settings.PIKOSHI_TRUSTED_PROXIES
    forwarded = _forwarded(request, proxies) if proxies > 0 else None
    return forwarded or _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


def rate_limit_key(address: str) -> str:
    """Who a rate limit counts: the address, or for IPv6 its /64 network.

    A household or a server is handed a whole /64, so counting single IPv6 addresses would
    give one visitor 2**64 budgets; allauth's own limits group the same way.
    """
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
