"""Domain blocks on a real database (SQLite and PostgreSQL): what a suspension removes, what it
keeps, subdomains, unblocking, allowlist mode, and the bulk CSV import."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from baraza.ids import new_id
from federation.blocklist_csv import HEADER, ImportRefused, import_blocklist
from federation.domain_blocks import (
    BlockRequest,
    DomainError,
    allow_domain,
    block_domain,
    normalize_domain,
    set_federation_mode,
    unblock_domain,
)
from federation.errors import Refused
from federation.policy import check_inbound_host, delivery_refused, load_policy
from storage.models import (
    Activity,
    Actor,
    Announce,
    AuditEntry,
    Delivery,
    DomainBlock,
    Follow,
    Like,
    Post,
    Report,
)


async def _actor(name: str, domain: str, *, local: bool = False) -> Actor:
    uri = f"https://{domain}/users/{name}"
    return await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain=domain,
        local=local,
        local_username=name if local else None,
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem="-",
    )


async def _post(author: Actor) -> Post:
    pid = new_id()
    return await Post.create(
        id=pid, uri=f"{author.uri}/statuses/{pid}", actor=author, published=datetime.now(UTC)
    )


async def _delivery(signer: Actor, host: str, state: str = "queued") -> Delivery:
    activity = await Activity.create(
        id=new_id(),
        uri=f"{signer.uri}/activities/{new_id()}",
        type="Create",
        actor_uri=signer.uri,
        local=True,
        document={},
        state="handled",
    )
    return await Delivery.create(
        activity=activity,
        signer=signer,
        inbox_url=f"https://{host}/inbox",
        host=host,
        state=state,
        next_try_at=datetime.now(UTC),
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Bad.Example", "bad.example"),
        ("bad.example.", "bad.example"),
        ("127.0.0.4:8001", "127.0.0.4"),
        ("https://bad.example/about", "bad.example"),
        ("*.bad.example", "bad.example"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_domains_are_normalised_to_the_host_the_policy_matches(typed: str, stored: str) -> None:
    assert normalize_domain(typed) == stored


@pytest.mark.parametrize("typed", ["", "bad domain", "a..b", "evil.example/<script>", "-x.org"])
def test_invalid_domains_are_refused(typed: str) -> None:
    with pytest.raises(DomainError):
        normalize_domain(typed)


async def test_suspend_cancels_severs_and_removes_cached_content(any_db: str) -> None:
    local = await _actor("amina", "local.example", local=True)
    spam = await _actor("spammer", "bad.example")
    sub = await _actor("bot", "sub.bad.example:8443")
    fine = await _actor("friend", "good.example")
    for remote in (spam, sub, fine):
        await Follow.create(follower=remote, target=local, accepted=True)
        await Follow.create(follower=local, target=remote, accepted=True)
    spam_post, sub_post, fine_post = await _post(spam), await _post(sub), await _post(fine)
    reported_post = await _post(spam)
    local_post = await _post(local)
    await Like.create(actor=spam, post=local_post)
    await Announce.create(actor=sub, post=local_post)
    await Like.create(actor=local, post=spam_post)
    await Report.create(reporter=local, target=spam, status_uris=[reported_post.uri])
    queued = await _delivery(local, "bad.example")
    queued_sub = await _delivery(local, "sub.bad.example:8443")
    delivered = await _delivery(local, "bad.example", state="delivered")
    other = await _delivery(local, "good.example")

    await block_domain("admin", BlockRequest("bad.example", "suspend", private_comment="spam"))

    states = {d.id: d.state for d in await Delivery.all()}
    assert states[queued.id] == states[queued_sub.id] == "cancelled"
    assert states[delivered.id] == "delivered"
    assert states[other.id] == "queued"
    assert await Follow.filter(follower_id__in=[spam.id, sub.id]).count() == 0
    assert await Follow.filter(target_id__in=[spam.id, sub.id]).count() == 0
    assert await Follow.filter(follower=fine).count() == 1
    assert await Follow.filter(target=fine).count() == 1
    assert not await Post.filter(id__in=[spam_post.id, sub_post.id]).exists()
    assert await Post.filter(id=fine_post.id).exists()
    assert await Like.all().count() == 0 and await Announce.all().count() == 0
    # The reported actor and post are kept for the report, but marked.
    kept = await Actor.get(id=spam.id)
    assert kept.suspended_at is not None
    assert (await Post.get(id=reported_post.id)).deleted_at is not None
    assert not await Actor.filter(id=sub.id).exists()
    assert await Post.filter(id=local_post.id).exists()
    entry = await AuditEntry.get(action="domain_block.create")
    assert (entry.who, entry.target, entry.reason) == ("admin", "bad.example", "spam")


async def test_block_covers_subdomains_and_ports_and_unblock_lifts_it(any_db: str) -> None:
    await block_domain("admin", BlockRequest("127.0.0.4:8001", "suspend"))
    assert await DomainBlock.filter(domain="127.0.0.4").exists()
    refused = await delivery_refused()
    assert refused("127.0.0.4:9999") and not refused("127.0.0.5:8001")
    await block_domain("admin", BlockRequest("bad.example", "suspend"))
    with pytest.raises(Refused):
        await check_inbound_host("deep.sub.bad.example")
    await check_inbound_host("notbad.example")

    assert await unblock_domain("admin", "bad.example")
    await check_inbound_host("deep.sub.bad.example")
    assert not await unblock_domain("admin", "bad.example")
    assert await AuditEntry.filter(action="domain_block.delete", target="bad.example").count() == 1


async def test_silence_is_a_policy_fact_not_a_refusal(any_db: str) -> None:
    await block_domain("admin", BlockRequest("loud.example", "silence"))
    policy = await load_policy()
    assert "loud.example" in policy.silenced
    await check_inbound_host("loud.example")


async def test_changing_severity_updates_the_block(any_db: str) -> None:
    _, created = await block_domain("admin", BlockRequest("x.example", "silence"))
    assert created
    _, created = await block_domain("admin", BlockRequest("x.example", "suspend"))
    assert not created
    assert (await DomainBlock.get(domain="x.example")).severity == "suspend"
    assert await AuditEntry.filter(action="domain_block.update").count() == 1


async def test_allowlist_mode_refuses_unlisted_domains(any_db: str) -> None:
    await allow_domain("admin", "partner.example")
    await check_inbound_host("stranger.example")  # open mode: anyone
    await set_federation_mode("admin", "allowlist")
    await check_inbound_host("partner.example:443")
    await check_inbound_host("team.partner.example")
    with pytest.raises(Refused):
        await check_inbound_host("stranger.example")
    with pytest.raises(DomainError):
        await set_federation_mode("admin", "closed")
    assert await AuditEntry.filter(action="federation.mode", target="allowlist").count() == 1


def _csv(n: int) -> str:
    lines = [",".join(HEADER)]
    for i in range(n):
        severity = ("suspend", "silence", "noop")[i % 3]
        lines.append(f"d{i}.blocked.example,{severity},{str(i % 3 == 2).lower()},false,c{i},false")
    return "\n".join(lines) + "\n"


async def test_five_thousand_line_import_is_fast_and_idempotent(any_db: str) -> None:
    local = await _actor("amina", "local.example", local=True)
    remote = await _actor("spam", "d0.blocked.example")
    await Follow.create(follower=remote, target=local, accepted=True)
    queued = await _delivery(local, "d3.blocked.example")
    text = _csv(5000)

    started = time.monotonic()
    result = await import_blocklist("admin", text, source="big.csv")
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"import took {elapsed:.1f}s"
    assert (result.added, result.updated, result.unchanged) == (5000, 0, 0)
    assert await DomainBlock.all().count() == 5000
    assert not await Actor.filter(id=remote.id).exists()
    assert (await Delivery.get(id=queued.id)).state == "cancelled"

    before = sorted(await DomainBlock.all().values_list("id", "domain", "severity", "reject_media"))
    again = await import_blocklist("admin", text, source="big.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5000)
    after = sorted(await DomainBlock.all().values_list("id", "domain", "severity", "reject_media"))
    assert after == before


async def test_a_malformed_line_imports_nothing_unless_skipped(any_db: str) -> None:
    text = _csv(10) + "not a domain,suspend,false,false,,false\n"
    with pytest.raises(ImportRefused) as refused:
        await import_blocklist("admin", text)
    assert "line 12" in str(refused.value)
    assert await DomainBlock.all().count() == 0
    assert await AuditEntry.all().count() == 0

    result = await import_blocklist("admin", text, skip_invalid=True)
    assert result.added == 10 and [e.line for e in result.skipped] == [12]
    assert await DomainBlock.all().count() == 10


async def test_dry_run_changes_nothing(any_db: str) -> None:
    result = await import_blocklist("admin", _csv(30), dry_run=True)
    assert result.added == 30
    assert await DomainBlock.all().count() == 0


async def test_import_keeps_private_comments_written_here(any_db: str) -> None:
    await block_domain("admin", BlockRequest("d1.blocked.example", "silence", private_comment="x"))
    await import_blocklist("admin", _csv(3))
    row = await DomainBlock.get(domain="d1.blocked.example")
    assert row.private_comment == "x" and row.public_comment == "c1"
