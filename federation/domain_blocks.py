"""Admin operations on domain blocks and the allowlist, and what a suspension does to stored data.

Every operation writes an `AuditEntry` in the same transaction as the change, so the log never
claims an action that did not happen (or misses one that did). Policy itself is read from the
database per decision (`federation.policy.load_policy`), so a change here takes effect in every
server and worker process at once; the suspension effects below clean up what was already stored
or queued before the block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from federation.policy import Policy, is_refused
from storage.models import (
    Activity,
    Actor,
    Announce,
    AuditEntry,
    Delivery,
    DomainAllow,
    DomainBlock,
    Follow,
    Like,
    Post,
    Report,
)
from storage.settings_store import get_setting, set_setting

SEVERITIES = ("suspend", "silence", "noop")
FEDERATION_MODES = ("open", "allowlist")
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_CHUNK = 500


class DomainError(ValueError):
    """A domain, severity or mode the admin typed that we cannot act on."""


def normalize_domain(text: str) -> str:
    """The bare host a block applies to: lowercase, no scheme, path, port or wildcard prefix.

    The policy ignores ports when matching, so `127.0.0.4:8001` and `127.0.0.4` are the same
    block; storing the bare host keeps `domain` unique per host. A leading `*.` is dropped
    because a block already covers every subdomain.
    """
    value = text.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1].split("/", 1)[0]
    value = value.rstrip(".")
    if value.count(":") == 1:
        value = value.rsplit(":", 1)[0]
    value = value.removeprefix("*.")
    if not value:
        raise DomainError("empty domain")
    try:
        value = value.encode("idna").decode("ascii") if not value.isascii() else value
    except UnicodeError as exc:
        raise DomainError(f"invalid domain {text.strip()!r}") from exc
    if len(value) > 253 or not all(_LABEL.match(label) for label in value.split(".")):
        raise DomainError(f"invalid domain {text.strip()!r}")
    return value


def normalize_severity(text: str) -> tuple[str, bool]:
    """(severity, reject_media) for what an admin typed; `reject-media` is Mastodon's noop+flag."""
    value = text.strip().lower().replace("_", "-")
    if value in ("suspend", "silence", "noop"):
        return value, False
    if value == "limit":
        return "silence", False
    if value == "reject-media":
        return "noop", True
    raise DomainError(f"unknown severity {text!r} (suspend, silence, reject-media or noop)")


@dataclass(frozen=True)
class BlockRequest:
    domain: str
    severity: str
    reject_media: bool = False
    reject_reports: bool = False
    private_comment: str = ""
    public_comment: str = ""
    obfuscate: bool = False

    def fields(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "reject_media": self.reject_media,
            "reject_reports": self.reject_reports,
            "private_comment": self.private_comment,
            "public_comment": self.public_comment,
            "obfuscate": self.obfuscate,
        }


async def audit(who: str, action: str, target: str = "", reason: str = "") -> AuditEntry:
    return await AuditEntry.create(who=who, action=action, target=target, reason=reason)


Progress = Callable[[int, int], None]  # (done, total) of a long job, for a door to draw


async def block_domain(
    who: str, request: BlockRequest, progress: Progress | None = None
) -> tuple[DomainBlock, bool]:
    """Create or change the block on `request.domain`; True when it was new. `progress`
    hears how many of the domain's cached actors a suspension has cut off so far."""
    domain = normalize_domain(request.domain)
    async with in_transaction():
        existing = await DomainBlock.get_or_none(domain=domain)
        if existing is None:
            row = await DomainBlock.create(domain=domain, **request.fields())
            created = True
        else:
            existing.update_from_dict(request.fields())
            await existing.save()
            row, created = existing, False
        if row.severity == "suspend":
            await apply_suspension([domain], progress)
        action = "domain_block.create" if created else "domain_block.update"
        await audit(who, action, domain, request.private_comment or request.public_comment)
    return row, created


async def update_block(who: str, row: DomainBlock, changes: dict[str, object]) -> DomainBlock:
    async with in_transaction():
        row.update_from_dict(changes)
        await row.save()
        if row.severity == "suspend":
            await apply_suspension([row.domain])
        await audit(who, "domain_block.update", row.domain, str(changes.get("private_comment", "")))
    return row


async def unblock_domain(who: str, domain: str, reason: str = "") -> bool:
    """Lift the block; content removed by a suspension is not restored (as on Mastodon)."""
    name = normalize_domain(domain)
    async with in_transaction():
        deleted = await DomainBlock.filter(domain=name).delete()
        if deleted:
            await audit(who, "domain_block.delete", name, reason)
    return bool(deleted)


async def list_blocks() -> list[DomainBlock]:
    return await DomainBlock.all().order_by("domain")


async def find_blocks(query: str, offset: int, limit: int) -> tuple[int, list[DomainBlock]]:
    """One page of the blocks whose domain contains `query`, and how many match: after a
    blocklist import there are thousands, and a page listing them all is unusable on a phone."""
    matching = (
        DomainBlock.filter(domain__icontains=query.strip().lower()) if query else DomainBlock.all()
    )
    return await matching.count(), await matching.order_by("domain").offset(offset).limit(limit)


async def allow_domain(who: str, domain: str) -> tuple[DomainAllow, bool]:
    name = normalize_domain(domain)
    async with in_transaction():
        row, created = await DomainAllow.get_or_create(domain=name)
        if created:
            await audit(who, "domain_allow.create", name)
    return row, created


async def disallow_domain(who: str, domain: str) -> bool:
    name = normalize_domain(domain)
    async with in_transaction():
        deleted = await DomainAllow.filter(domain=name).delete()
        if deleted:
            await audit(who, "domain_allow.delete", name)
    return bool(deleted)


async def federation_mode() -> str:
    return await get_setting("federation_mode", "open")


async def set_federation_mode(who: str, mode: str) -> None:
    if mode not in FEDERATION_MODES:
        raise DomainError(f"unknown federation mode {mode!r} (open or allowlist)")
    async with in_transaction():
        await set_setting("federation_mode", mode)
        await audit(who, "federation.mode", mode)


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


async def _matching_actor_domains(domains: Iterable[str]) -> list[str]:
    """Stored actor domains (which carry ports) covered by blocks on `domains`."""
    policy = Policy(suspended=frozenset(domains))
    stored = await Actor.filter(local=False).distinct().values_list("domain", flat=True)
    return [d for d in stored if is_refused(policy, d)]


async def apply_suspension(
    domains: Iterable[str], progress: Progress | None = None
) -> dict[str, int]:
    """Undo what a suspended domain left here, in bulk: one pass for any number of domains.

    Queued deliveries are cancelled (the worker also re-checks policy before each send, which
    covers rows claimed in the meantime); follows both ways are severed; the domain's posts,
    likes, boosts and actors are deleted, except rows a report refers to: those actors are kept
    with `suspended_at` set and those posts marked deleted, so the report stays readable.
    """
    domains = list(domains)
    policy = Policy(suspended=frozenset(domains))
    counts: dict[str, int] = {}
    hosts = [
        h
        for h in await Delivery.filter(state="queued").distinct().values_list("host", flat=True)
        if is_refused(policy, h)
    ]
    counts["deliveries"] = (
        await Delivery.filter(host__in=hosts, state="queued").update(
            state="cancelled", last_error="domain suspended"
        )
        if hosts
        else 0
    )
    actor_domains = await _matching_actor_domains(domains)
    if not actor_domains:
        return counts | {"follows": 0, "posts": 0, "actors": 0}
    actors = await Actor.filter(local=False, domain__in=actor_domains).values_list("id", "uri")
    actor_ids = [a for a, _ in actors]
    reported_actors = set(
        await Report.filter(target_id__in=actor_ids).values_list("target_id", flat=True)
    ) | set(await Report.filter(reporter_id__in=actor_ids).values_list("reporter_id", flat=True))
    reported_posts: set[str] = set()
    for uris in await Report.all().values_list("status_uris", flat=True):
        reported_posts.update(u for u in uris or [] if isinstance(u, str))
    now = datetime.now(UTC)
    follows = posts = 0
    for done, chunk in enumerate(_chunks(actor_ids)):
        if progress is not None:
            progress(min(done * _CHUNK, len(actor_ids)), len(actor_ids))
        follows += await Follow.filter(follower_id__in=chunk).delete()
        follows += await Follow.filter(target_id__in=chunk).delete()
        await Like.filter(actor_id__in=chunk).delete()
        await Announce.filter(actor_id__in=chunk).delete()
        kept = Post.filter(actor_id__in=chunk, uri__in=list(reported_posts))
        await kept.filter(deleted_at=None).update(deleted_at=now)
        posts += (
            await Post.filter(actor_id__in=chunk).exclude(uri__in=list(reported_posts)).delete()
        )
    uris = [u for _, u in actors]
    for start in range(0, len(uris), _CHUNK):
        await Activity.filter(actor_uri__in=uris[start : start + _CHUNK], state="received").update(
            state="failed", error="domain suspended"
        )
    keep = [a for a in actor_ids if a in reported_actors]
    gone = [a for a in actor_ids if a not in reported_actors]
    if keep:
        await Actor.filter(id__in=keep, suspended_at=None).update(suspended_at=now)
    for chunk in _chunks(gone):
        await Actor.filter(id__in=chunk).delete()
    if progress is not None:
        progress(len(actor_ids), len(actor_ids))
    return counts | {"follows": follows, "posts": posts, "actors": len(gone)}
