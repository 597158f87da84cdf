"""The Letter end to end: a real instance sends it to a local SMTP server started here."""

from __future__ import annotations

import asyncio
import email
import email.policy
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import aiohttp
from aiosmtpd.controller import Controller

from tests.e2e.instance import Instance, free_port
from tests.e2e.peek import c2s, query, scalar

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MEMBERS = {"amina": "amina@mail.test", "carla": "carla@mail.test", "dario": "dario@mail.test"}


class Mailbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].strip() == address]


def _text(message: EmailMessage) -> str:
    return "\n".join(part.get_content() for part in message.walk() if not part.is_multipart())


async def _cli(instance: Instance, *args: str) -> str:
    return (await asyncio.to_thread(instance.cli, *args)).stdout


async def test_letter_by_email_and_feed(make_instance) -> None:
    mailbox = Mailbox()
    port = free_port("127.0.0.1")
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        instance = await make_instance("127.0.0.2", BARAZA_SMTP_URL=f"smtp://127.0.0.1:{port}")
        await _scenario(instance, mailbox)
    finally:
        smtp.stop()


async def _scenario(a: Instance, mailbox: Mailbox) -> None:
    for name, address in MEMBERS.items():
        await _cli(a, "member", "add", name)
        await _cli(a, "member", "email", name, address)
    await _cli(a, "space", "add", "casefile", "--private", "--owner", "amina")
    await _cli(a, "space", "join", "casefile", "carla")
    await _cli(a, "space", "add", "square", "--public", "--owner", "dario")
    tokens = {name: await asyncio.to_thread(a.token, name) for name in MEMBERS}
    canary = f"CANARY-{uuid.uuid4().hex}"
    open_note = f"OPEN-{uuid.uuid4().hex}"
    casefile = f"{a.base_url}/spaces/casefile"
    square = f"{a.base_url}/spaces/square"
    period = f"{datetime.now(UTC):%Y-%m}"

    async with aiohttp.ClientSession() as http:
        note = {"type": "Note", "content": f"<p>{canary}</p>", "to": [casefile]}
        await c2s(http, a, "amina", tokens["amina"], note)
        note = {"type": "Note", "content": f"<p>{open_note}</p>", "to": [PUBLIC, square]}
        await c2s(http, a, "dario", tokens["dario"], note)

        # Preview: a member of the private space sees the canary, an anonymous reader not.
        assert canary in await _cli(a, "letter", "preview", "casefile", "--member", "carla")
        network = await _cli(a, "letter", "preview", "--network")
        assert open_note in network and canary not in network

        first = await _cli(a, "letter", "send", "--period", period)
        assert "sent" in first
        for name, address in MEMBERS.items():
            received = mailbox.to(address)
            assert received, f"{name} got no Letter"
            texts = [_text(m) for m in received]
            assert any(open_note in t for t in texts), name
            sees_canary = any(canary in t for t in texts)
            assert sees_canary == (name in ("amina", "carla")), name
            for message in received:
                assert message["List-Unsubscribe"].strip().startswith(f"<{a.base_url}/letter/unsub")
                assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
        count = len(mailbox.messages)
        deliveries = await scalar(a, "SELECT COUNT(*) FROM letter_deliveries")
        assert deliveries == count

        # A re-run sends nothing twice.
        assert "sent 0" in await _cli(a, "letter", "send", "--period", period)
        assert len(mailbox.messages) == count

        # Unsubscribing needs no login, and stops dario's next Letter.
        link = mailbox.to(MEMBERS["dario"])[0]["List-Unsubscribe"].strip().strip("<>")
        async with http.post(link) as response:
            assert response.status == 200
        await query(a, "DELETE FROM letter_deliveries")
        await _cli(a, "letter", "send", "--period", period)
        new = mailbox.messages[count:]
        assert {m["To"].strip() for m in new} == {MEMBERS["amina"], MEMBERS["carla"]}

        # The private space's secret feed: works for its member, 404 once revoked or unknown.
        space_id = await scalar(a, "SELECT id FROM actors WHERE uri = ?", casefile)
        auth = {"Authorization": f"Bearer {tokens['carla']}"}
        api = f"{a.base_url}/api/v1/spaces/{space_id}/letter_feed"
        async with http.post(api, headers=auth) as response:
            assert response.status == 200
            feed_url = (await response.json())["url"]
        async with http.get(feed_url) as response:
            assert response.status == 200
            assert canary in await response.text()
        async with http.get(f"{a.base_url}/feeds/1-{space_id}-unknown.atom") as response:
            assert response.status == 404
        async with http.post(f"{api}/revoke", headers=auth) as response:
            assert response.status == 200
        async with http.get(feed_url) as response:
            assert response.status == 404
        async with http.get(f"{a.base_url}/spaces/square/letter.atom") as response:
            assert response.status == 200
            assert open_note in await response.text()
        async with http.get(f"{a.base_url}/spaces/casefile/letter.atom") as response:
            assert response.status == 404
