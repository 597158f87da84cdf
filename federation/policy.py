"""Domain policy: which hosts we accept activities from and deliver to.

Decisions are pure functions of the policy and a host; the policy itself is read from storage
(domain blocks, allowlist mode). A block on `example.org` covers every subdomain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from federation.errors import Refused
from storage.models import DomainAllow, DomainBlock


@dataclass(frozen=True)
class Policy:
    suspended: frozenset[str] = frozenset()
    silenced: frozenset[str] = frozenset()
    allowlist_mode: bool = False
    allowed: frozenset[str] = field(default_factory=frozenset)


def _matches(host: str, domains: frozenset[str]) -> bool:
    """`host` or any parent domain of it is listed (ports are ignored)."""
    name = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    parts = name.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


def is_refused(policy: Policy, host: str) -> bool:
    if _matches(host, policy.suspended):
        return True
    return policy.allowlist_mode and not _matches(host, policy.allowed)


async def load_policy() -> Policy:
    blocks = await DomainBlock.all().values_list("domain", "severity")
    allowed = await DomainAllow.all().values_list("domain", flat=True)
    from storage.settings_store import get_setting

    return Policy(
        suspended=frozenset(d for d, s in blocks if s == "suspend"),
        silenced=frozenset(d for d, s in blocks if s == "silence"),
        allowlist_mode=(await get_setting("federation_mode", "open")) == "allowlist",
        allowed=frozenset(allowed),
    )


async def check_inbound_host(host: str) -> None:
    """Raise `Refused` for a host we do not federate with; called before any key fetch."""
    if is_refused(await load_policy(), host):
        raise Refused("this server does not federate with your domain")


async def delivery_refused() -> Callable[[str], bool]:
    policy = await load_policy()
    return lambda host: is_refused(policy, host)
