"""The SSRF address policy: every case a peer could use to aim our fetcher inward."""

import pytest

from federation.addresses import is_forbidden_address

CASES: list[tuple[str, bool, str]] = [
    # address, forbidden?, why
    ("93.184.215.14", False, "ordinary public IPv4"),
    ("8.8.8.8", False, "public resolver"),
    ("1.1.1.1", False, "public anycast"),
    ("2606:4700:4700::1111", False, "public IPv6"),
    ("2a01:4f8::1", False, "public IPv6 (Hetzner)"),
    ("127.0.0.1", True, "loopback"),
    ("127.255.255.254", True, "anywhere in 127/8 is loopback"),
    ("::1", True, "IPv6 loopback"),
    ("0.0.0.0", True, "unspecified; reaches localhost on Linux"),
    ("0.1.2.3", True, "0/8 'this network'"),
    ("::", True, "IPv6 unspecified"),
    ("10.0.0.1", True, "RFC 1918 10/8"),
    ("172.16.0.1", True, "RFC 1918 172.16/12"),
    ("172.31.255.255", True, "top of 172.16/12"),
    ("172.32.0.1", False, "just past 172.16/12 is public"),
    ("192.168.1.1", True, "RFC 1918 192.168/16"),
    ("100.64.0.1", True, "carrier-grade NAT"),
    ("100.127.255.254", True, "top of carrier-grade NAT"),
    ("100.128.0.1", False, "just past 100.64/10 is public"),
    ("169.254.169.254", True, "cloud metadata service"),
    ("169.254.0.1", True, "IPv4 link-local"),
    ("fe80::1", True, "IPv6 link-local"),
    ("fe80::1%eth0", True, "link-local with a zone, as getnameinfo returns it"),
    ("fc00::1", True, "unique local"),
    ("fd12:3456:789a::1", True, "unique local fd00::/8"),
    ("fec0::1", True, "deprecated site-local"),
    ("224.0.0.1", True, "IPv4 multicast"),
    ("239.255.255.250", True, "SSDP multicast"),
    ("ff02::1", True, "IPv6 multicast"),
    ("240.0.0.1", True, "reserved class E"),
    ("255.255.255.255", True, "limited broadcast"),
    ("192.0.2.1", True, "documentation TEST-NET-1"),
    ("198.18.0.1", True, "benchmarking"),
    ("2001:db8::1", True, "IPv6 documentation"),
    ("::ffff:127.0.0.1", True, "IPv4-mapped loopback"),
    ("::ffff:10.0.0.1", True, "IPv4-mapped private"),
    ("::ffff:169.254.169.254", True, "IPv4-mapped metadata service"),
    ("::ffff:8.8.8.8", False, "IPv4-mapped public reaches a public host"),
    ("::127.0.0.1", True, "deprecated IPv4-compatible loopback"),
    ("64:ff9b::7f00:1", True, "NAT64 of 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", True, "NAT64 of the metadata service"),
    ("64:ff9b::808:808", False, "NAT64 of a public host, as DNS64 networks answer"),
    ("64:ff9b:1::1", True, "local-use NAT64"),
    ("2002:7f00:1::1", True, "6to4 wrapping 127.0.0.1"),
    ("2002:a00:1::1", True, "6to4 wrapping 10.0.0.1"),
    ("2002:808:808::1", False, "6to4 wrapping a public host"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True, "Teredo"),
    ("100::1", True, "discard-only"),
    ("localhost", True, "a hostname is not an address: refuse rather than guess"),
    ("2130706433", True, "decimal form of 127.0.0.1 is not an address here"),
    ("127.1", True, "short form of 127.0.0.1 is not an address here"),
    ("010.0.0.1", True, "leading zeros (octal to some parsers) are refused"),
    ("", True, "empty"),
]


@pytest.mark.parametrize(
    ("address", "forbidden", "why"), CASES, ids=[c[0] or "empty" for c in CASES]
)
def test_forbidden_address_policy(address: str, forbidden: bool, why: str) -> None:
    assert is_forbidden_address(address) is forbidden, why
