"""Which IP addresses the server must never connect to on a remote peer's say-so.

Every URL we fetch or deliver to comes from the network (an actor document, a WebFinger
answer, a redirect). Without this check a hostile peer could point us at our own admin
ports, the database, the cloud metadata service at 169.254.169.254, or anything else on the
operator's private network (server-side request forgery). The decision is a pure function so
that it can be tested exhaustively and reused by the resolver in `federation/client.py`.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

__all__ = ["is_forbidden_address"]

# Named explicitly rather than trusting `ipaddress.is_global` alone: its answers have changed
# between Python releases (fec0::/10 counts as global on 3.11), and a reviewer should be able
# to read the list. `is_global` is still consulted as a catch-all below.
_FORBIDDEN_V4: tuple[IPv4Network, ...] = tuple(
    IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",  # RFC 1918
        "100.64.0.0/10",  # carrier-grade NAT, RFC 6598
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, including cloud metadata 169.254.169.254
        "172.16.0.0/12",  # RFC 1918
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # RFC 1918
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast 255.255.255.255
    )
)

_FORBIDDEN_V6: tuple[IPv6Network, ...] = tuple(
    IPv6Network(net)
    for net in (
        "::/96",  # unspecified, loopback and deprecated IPv4-compatible addresses
        "64:ff9b:1::/48",  # local-use NAT64, RFC 8215
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, includes Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)

_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")


def is_forbidden_address(ip: str) -> bool:
    """Whether connecting to `ip` could reach something that is not the public internet.

    Anything that does not parse as an IP address is refused: a caller that hands us a
    hostname here has skipped DNS resolution, and guessing would open a hole.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return True
    if isinstance(address, IPv6Address):
        return _is_forbidden_v6(address)
    return _is_forbidden_v4(address)


def _is_forbidden_v4(address: IPv4Address) -> bool:
    if any(address in net for net in _FORBIDDEN_V4):
        return True
    return not address.is_global


def _is_forbidden_v6(address: IPv6Address) -> bool:
    # Forms that carry an IPv4 address reach that IPv4 host, so they get its verdict:
    # ::ffff:127.0.0.1 is loopback, 64:ff9b::a9fe:a9fe is the metadata service via NAT64.
    if address.ipv4_mapped is not None:
        return _is_forbidden_v4(address.ipv4_mapped)
    if address in _NAT64:
        return _is_forbidden_v4(IPv4Address(int(address) & 0xFFFFFFFF))
    if address in _SIX_TO_FOUR:
        embedded = address.sixtofour
        if embedded is not None and _is_forbidden_v4(embedded):
            return True
    if address.teredo is not None:
        return True
    if any(address in net for net in _FORBIDDEN_V6):
        return True
    if address.is_multicast or address.is_reserved or address.is_site_local:
        return True
    return not address.is_global
