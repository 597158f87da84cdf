"""silence, reject_media and reject_reports, as the handlers apply them."""

from __future__ import annotations

import pytest

from actors.accounts import create_member
from baraza.ids import new_id
from baraza.services import Services
from federation.activities import parse_activity
from federation.policy import Policy, is_silenced, rejects_media, rejects_reports
from inbox.handlers import dispatch
from storage.models import Activity, DomainBlock, Follow, Post, Report
from tests.inbox.signed import remote_peer


@pytest.mark.parametrize(
    ("host", "silenced", "media", "reports"),
    [
        ("loud.example", True, False, False),
        ("sub.loud.example", True, False, False),
        ("pics.example:8443", False, True, False),
        ("spam.example", False, False, True),
        ("fine.example", False, False, False),
    ],
)
def test_severity_table(host: str, silenced: bool, media: bool, reports: bool) -> None:
    policy = Policy(
        silenced=frozenset({"loud.example"}),
        reject_media=frozenset({"pics.example"}),
        reject_reports=frozenset({"spam.example"}),
    )
    assert is_silenced(policy, host) is silenced
    assert rejects_media(policy, host) is media
    assert rejects_reports(policy, host) is reports


async def _handle(app, doc: dict) -> None:
    activity = parse_activity(doc)
    row = await Activity.create(
        id=new_id(), uri=doc["id"], type=doc["type"], actor_uri=doc["actor"], document=doc
    )
    await dispatch(app.extensions["baraza"], row, activity)


async def test_follow_from_silenced_domain_waits_for_approval(app, settings) -> None:
    member = await create_member(settings, "amina")
    peer = await remote_peer(host="loud.example")
    await DomainBlock.create(domain="loud.example", severity="silence")
    await _handle(
        app,
        {
            "id": "https://loud.example/f/1",
            "type": "Follow",
            "actor": peer.uri,
            "object": member.uri,
        },
    )
    follow = await Follow.get(follower=peer.actor, target=member)
    assert follow.accepted is False


async def test_follow_from_other_domain_is_accepted(app, settings) -> None:
    member = await create_member(settings, "amina")
    peer = await remote_peer(host="fine.example")
    await _handle(
        app,
        {
            "id": "https://fine.example/f/1",
            "type": "Follow",
            "actor": peer.uri,
            "object": member.uri,
        },
    )
    assert (await Follow.get(follower=peer.actor, target=member)).accepted is True


async def test_reports_from_reject_reports_domain_are_dropped(app, settings) -> None:
    member = await create_member(settings, "amina")
    spam = await remote_peer(host="spam.example")
    await DomainBlock.create(domain="spam.example", severity="noop", reject_reports=True)
    await _handle(
        app,
        {
            "id": "https://spam.example/r/1",
            "type": "Flag",
            "actor": spam.uri,
            "object": [member.uri],
            "content": "fake report",
        },
    )
    assert await Report.all().count() == 0
    honest = await remote_peer(host="fine.example")
    await _handle(
        app,
        {
            "id": "https://fine.example/r/1",
            "type": "Flag",
            "actor": honest.uri,
            "object": [member.uri],
            "content": "real report",
        },
    )
    assert await Report.all().count() == 1


async def test_attachments_from_reject_media_domain_are_dropped(app, settings) -> None:
    member = await create_member(settings, "amina")
    peer = await remote_peer(host="pics.example")
    await Follow.create(follower=member, target=peer.actor, accepted=True)
    await DomainBlock.create(domain="pics.example", severity="noop", reject_media=True)
    note = {
        "id": "https://pics.example/n/1",
        "type": "Note",
        "attributedTo": peer.uri,
        "content": "look",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "attachment": [
            {"type": "Document", "mediaType": "image/png", "url": "https://pics.example/a.png"}
        ],
    }
    await _handle(
        app,
        {
            "id": "https://pics.example/c/1",
            "type": "Create",
            "actor": peer.uri,
            "object": note,
            "to": note["to"],
        },
    )
    post = await Post.get(uri=note["id"])
    assert post.attachments == []
    assert isinstance(app.extensions["baraza"], Services)


async def test_a_members_block_drops_the_blocked_actors_interactions(app, settings) -> None:
    from outbox import actions
    from storage.models import Block, Like

    member = await create_member(settings, "amina")
    troll = await remote_peer(host="trolls.example")
    post = await actions.create_post(settings, member, "<p>statement</p>")
    await Block.create(actor=member, target=troll.actor)
    await _handle(
        app,
        {
            "id": "https://trolls.example/l/1",
            "type": "Like",
            "actor": troll.uri,
            "object": post.uri,
        },
    )
    await _handle(
        app,
        {
            "id": "https://trolls.example/f/1",
            "type": "Follow",
            "actor": troll.uri,
            "object": member.uri,
        },
    )
    assert await Like.all().count() == 0
    assert await Follow.filter(follower=troll.actor).count() == 0
