"""The instance's VAPID key pair (RFC 8292) and the sealing key for tokens kept for pushes.

Push services accept a push only with a JWT signed by the key the app was told about
(`vapid_key` in the instance and app entities), so the pair must be one per instance and
never change under subscribed apps: it is made once (at `baraza init`, or on first need for
an instance made before) and stored with the instance's settings, where every process reads
it. `get_or_create` keeps two processes racing on first need to one pair.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import orjson
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.models import InstanceSetting

PRIVATE_KEY = "push.vapid_private_pem"
JWT_LIFETIME_SECONDS = 12 * 3600  # RFC 8292 allows at most 24 hours
SEAL_KEY_FILE = "push-token.key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(key: ec.EllipticCurvePrivateKey) -> str:
    """The uncompressed P-256 point, base64url: what Mastodon shows as `vapid_key`."""
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


async def vapid_key() -> ec.EllipticCurvePrivateKey:
    """The instance's VAPID private key, made and stored the first time it is needed."""
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    row, _ = await InstanceSetting.get_or_create(key=PRIVATE_KEY, defaults={"value": pem})
    key = serialization.load_pem_private_key(row.value.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


async def vapid_public_key() -> str:
    return public_key_text(await vapid_key())


def vapid_authorization(
    key: ec.EllipticCurvePrivateKey, audience: str, subject: str, *, now: float | None = None
) -> str:
    """`Authorization: vapid t=JWT, k=KEY` for one push service origin (RFC 8292 §3)."""
    header = b64url(orjson.dumps({"typ": "JWT", "alg": "ES256"}))
    issued = int(now if now is not None else time.time())
    claims = b64url(
        orjson.dumps({"aud": audience, "exp": issued + JWT_LIFETIME_SECONDS, "sub": subject})
    )
    signing_input = f"{header}.{claims}".encode()
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={header}.{claims}.{signature}, k={public_key_text(key)}"


_seal_keys: dict[Path, bytes] = {}


def _seal_key(data_dir: Path) -> bytes:
    """32 random bytes in the data directory (shared by a deployment's processes, as the blob
    store is); a copy of the database alone then holds no usable token. Written aside and
    linked into place, so a racing process sees the whole key or none."""
    cached = _seal_keys.get(data_dir)
    if cached is not None:
        return cached
    path = data_dir / SEAL_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        aside = data_dir / f".{SEAL_KEY_FILE}.{os.getpid()}"
        aside.write_bytes(AESGCM.generate_key(bit_length=256))
        aside.chmod(0o600)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            aside.unlink()
    key = path.read_bytes()
    _seal_keys[data_dir] = key
    return key


def seal_token(data_dir: Path, token: str) -> str:
    nonce = os.urandom(12)
    return b64url(nonce + AESGCM(_seal_key(data_dir)).encrypt(nonce, token.encode(), b"push"))


def unseal_token(data_dir: Path, sealed: str) -> str:
    raw = b64url_decode(sealed)
    return AESGCM(_seal_key(data_dir)).decrypt(raw[:12], raw[12:], b"push").decode()
