"""Baraza and the fediverse-pasture's one-actor server (PyPI `fediverse-pasture`, on `bovine`:
a second independent implementation, in Python) on loopback, through the whole exchange of
`tests/interop/exchange.py`, with authorized fetch off and on and Baraza knocking first with
draft-cavage or RFC 9421 signatures.

bovine verifies every signature Baraza sends (both styles), fetching Baraza's key with a signed
GET, and fetches what each activity names, signed; its own actor is served only to signed GETs,
so Baraza must sign its fetches too. bovine signs what it sends with draft-cavage.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.interop.exchange import exchange
from tests.interop.peers import PasturePeer, pasture_available

pytestmark = pytest.mark.skipif(
    not pasture_available(), reason="fediverse-pasture is not installed: pip install -e '.[test]'"
)


async def test_exchange_with_bovine(make_instance, tmp_path, mode: tuple[str, str]) -> None:
    authorized_fetch, style = mode
    baraza = await make_instance(
        "127.0.0.2", BARAZA_AUTHORIZED_FETCH=authorized_fetch, BARAZA_SIGNATURE_STYLE=style
    )
    peer = await asyncio.to_thread(PasturePeer(host="127.0.0.7", workdir=tmp_path).start)
    try:
        await exchange(baraza, peer, style)
    finally:
        peer.stop()
