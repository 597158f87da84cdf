"""RSA key pairs for local actors.

Generating a 2048-bit key costs tens of milliseconds of CPU, so it runs in a thread rather
than in the event loop. The private half goes straight into the database and nowhere else.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


@dataclass(frozen=True, repr=False)
class KeyPair:
    public_pem: str
    private_pem: str

    def __repr__(self) -> str:
        return "KeyPair(<redacted>)"


def generate_key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair(public_pem=public_pem, private_pem=private_pem)


async def generate_key_pair_async() -> KeyPair:
    return await asyncio.to_thread(generate_key_pair)


@lru_cache(maxsize=1024)
def load_private_key(pem: str) -> PrivateKeyTypes:
    """Parsed keys are cached: parsing a PEM private key costs more than signing with it.

    The RSA consistency checks are skipped: they took ~40 ms per key on the event loop (the
    first delivery of every fan-out, in the fan-out profile), and these keys are our own,
    generated here and read from our database; whoever can rewrite them there needs no
    malformed key to do harm."""
    return serialization.load_pem_private_key(
        pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
