"""NodeInfo says which client API Baraza serves, the way megalodon's detector reads it.

megalodon (behind Whalebird) knows servers by `software.name`; for any other name it accepts
`metadata.upstream.name == "mastodon"`. The JS harness (tests/clientlibs) runs the detector
itself; this checks the document and that it agrees with `/api/v1/instance`.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("version", ["2.0", "2.1"])
async def test_nodeinfo_declares_the_mastodon_api_it_follows(client: Any, version: str) -> None:
    doc = await (await client.get(f"/nodeinfo/{version}")).get_json()
    assert doc["software"]["name"] == "baraza"  # truthful: what runs is Baraza
    upstream = doc["metadata"]["upstream"]
    assert upstream["name"] == "mastodon"
    instance = await (await client.get("/api/v1/instance")).get_json()
    assert instance["version"].startswith(upstream["version"] + " (compatible; Baraza")
