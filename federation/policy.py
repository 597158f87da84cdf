"""Domain policy: which hosts we accept activities from and deliver to.

Decisions are pure functions of the policy and a host; the policy itself is read from storage
(domain blocks, allowlist mode). A block on `example.org` covers every subdomain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from federation.errors import Refused
from storage.cache_versions import VersionedCache


@dataclass(frozen=True)
class Policy:
    suspended: frozenset[str] = frozenset()
    silenced: frozenset[str] = frozenset()
    allowlist_mode: bool = False
    allowed: frozenset[str] = field(default_factory=frozenset)
    reject_media: frozenset[str] = frozenset()
    reject_reports: frozenset[str] = frozenset()


def matches_domain(host: str, domains: frozenset[str]) -> bool:
    """`host` or any parent domain of it is listed (ports are ignored)."""
    name = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    parts = name.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


def is_suspended(policy: Policy, host: str) -> bool:
    return matches_domain(host, policy.suspended)


def is_silenced(policy: Policy, host: str) -> bool:
    return matches_domain(host, policy.silenced)


def rejects_media(policy: Policy, host: str) -> bool:
    return matches_domain(host, policy.reject_media)


def rejects_reports(policy: Policy, host: str) -> bool:
    return matches_domain(host, policy.reject_reports)


def is_refused(policy: Policy, host: str) -> bool:
    if matches_domain(host, policy.suspended):
        return True
    return policy.allowlist_mode and not matches_domain(host, policy.allowed)


_POLICY_SQL = (
    "SELECT 'block', domain, severity, "
    "CASE WHEN reject_media THEN 1 ELSE 0 END, CASE WHEN reject_reports THEN 1 ELSE 0 END "
    "FROM domain_blocks "
    "UNION ALL SELECT 'allow', domain, '', 0, 0 FROM domain_allows "
    "UNION ALL SELECT 'mode', value, '', 0, 0 FROM instance_settings "
    "WHERE key = 'federation_mode'"
)


_cache: VersionedCache[str, Policy] = VersionedCache("policy", ("policy",), size=1)


async def load_policy() -> Policy:
    """The policy as committed now, from memory unless a block, an allow or the federation mode
    changed since it was read (`storage/cache_versions.py`: the database's triggers say so).

    It runs twice on every inbox POST (bench/inbox_ingest.py), on every delivery batch and
    timeline page; on a hit its cost is a share of one three-row version read."""
    token = await _cache.begin()
    cached = _cache.get("policy")
    if cached is not None:
        return cached
    policy = await _read_policy()
    _cache.put("policy", policy, token)
    return policy


async def _read_policy() -> Policy:
    """One round trip, not three."""
    from tortoise import connections

    _, rows = await connections.get("default").execute_query(_POLICY_SQL)
    found = [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]
    blocks = [(d, s, int(m), int(r)) for kind, d, s, m, r in found if kind == "block"]
    mode = next((d for kind, d, *_ in found if kind == "mode"), "open")
    return Policy(
        suspended=frozenset(d for d, s, _, _ in blocks if s == "suspend"),
        silenced=frozenset(d for d, s, _, _ in blocks if s == "silence"),
        allowlist_mode=mode == "allowlist",
        allowed=frozenset(d for kind, d, *_ in found if kind == "allow"),
        reject_media=frozenset(d for d, s, m, _ in blocks if m or s == "reject-media"),
        reject_reports=frozenset(d for d, _, _, r in blocks if r),
    )


async def check_inbound_host(host: str) -> None:
    """Raise `Refused` for a host we do not federate with; called before any key fetch."""
    if is_refused(await load_policy(), host):
        raise Refused("this server does not federate with your domain")


async def delivery_refused() -> Callable[[str], bool]:
    policy = await load_policy()
    return lambda host: is_refused(policy, host)
