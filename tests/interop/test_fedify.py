"""Baraza and a Fedify server (npm `@fedify/fedify`, the framework behind Hollo and Ghost) on
loopback, through the whole exchange of `tests/interop/exchange.py`, with authorized fetch off
and on, and each side knocking first with draft-cavage or RFC 9421 signatures.

Fedify verifies every signature Baraza sends (fetching Baraza's key, unsigned or signed as it
chooses) and fetches what each activity names as a signed GET; Baraza verifies Fedify's.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.interop.exchange import exchange
from tests.interop.peers import FedifyPeer, node_available

pytestmark = pytest.mark.skipif(
    not node_available(), reason="the Fedify peer is not installed: run `make interop`"
)


async def test_exchange_with_fedify(make_instance, tmp_path, mode: tuple[str, str]) -> None:
    authorized_fetch, style = mode
    baraza = await make_instance(
        "127.0.0.2", BARAZA_AUTHORIZED_FETCH=authorized_fetch, BARAZA_SIGNATURE_STYLE=style
    )
    peer = await asyncio.to_thread(
        FedifyPeer(host="127.0.0.6", first_knock=style, workdir=tmp_path).start
    )
    try:
        await exchange(baraza, peer, style)
    finally:
        peer.stop()
