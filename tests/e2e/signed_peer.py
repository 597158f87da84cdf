"""A remote peer cached in a real instance's database, signing inbox POSTs to it over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import orjson

from federation.keys import generate_key_pair, load_private_key
from federation.signatures import sign_request
from storage.models import Actor
from tests.e2e.instance import Instance

_KEYS = generate_key_pair()


@dataclass
class CachedPeer:
    """Stored as if a verified fetch had left it, so the server never needs to reach it."""

    uri: str

    @property
    def key_id(self) -> str:
        return f"{self.uri}#main-key"

    async def store(self) -> None:
        """Call with the instance's database open in this process (`open_database`)."""
        host = self.uri.split("/")[2]
        await Actor.create(
            uri=self.uri,
            type="Person",
            username=self.uri.rsplit("/", 1)[-1],
            domain=host,
            inbox_url=f"{self.uri}/inbox",
            key_id=self.key_id,
            public_key_pem=_KEYS.public_pem,
            followers_url=f"{self.uri}/followers",
            fetched_at=datetime.now(UTC),
            document={"id": self.uri, "type": "Person"},
        )

    def headers(self, instance: Instance, path: str, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/activity+json", "Host": instance.domain}
        headers.update(
            sign_request(
                "POST",
                f"{instance.base_url}{path}",
                headers,
                load_private_key(_KEYS.private_pem),
                self.key_id,
                body,
            )
        )
        return headers

    async def post(
        self, http: aiohttp.ClientSession, instance: Instance, doc: dict, path: str = "/inbox"
    ) -> tuple[int, dict, dict[str, str]]:
        body = orjson.dumps(doc)
        async with http.post(
            f"{instance.base_url}{path}", data=body, headers=self.headers(instance, path, body)
        ) as response:
            payload = await response.json(content_type=None)
            return response.status, payload, dict(response.headers)
