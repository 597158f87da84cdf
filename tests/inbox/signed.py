"""A remote actor whose key we hold, already cached here, to sign test requests with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from federation.keys import generate_key_pair, load_private_key
from federation.signatures import sign_request
from storage.models import Actor

_KEYS = generate_key_pair()


@dataclass
class RemotePeer:
    host: str
    actor: Actor

    @property
    def uri(self) -> str:
        return self.actor.uri

    def signed_headers(
        self,
        path: str,
        body: bytes,
        *,
        base: str = "https://testserver.example",
        content_type: str = "application/activity+json",
        now: float | None = None,
        key_id: str | None = None,
    ) -> dict[str, str]:
        headers = {"Content-Type": content_type, "Host": "testserver.example"}
        headers.update(
            sign_request(
                "POST",
                base + path,
                headers,
                load_private_key(_KEYS.private_pem),
                key_id or self.actor.key_id,
                body,
                now=now,
            )
        )
        return headers


async def remote_peer(host: str = "remote.example", name: str = "rita") -> RemotePeer:
    uri = f"https://{host}/users/{name}"
    actor = await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain=host,
        inbox_url=f"{uri}/inbox",
        shared_inbox_url=f"https://{host}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem=_KEYS.public_pem,
        followers_url=f"{uri}/followers",
        fetched_at=datetime.now(UTC),
        document={"id": uri, "type": "Person"},
    )
    return RemotePeer(host=host, actor=actor)


def body_of(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc)
