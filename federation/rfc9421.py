"""RFC 9421 HTTP Message Signatures: what newer peers send beside (or instead of) draft-cavage.

Verification rebuilds the signature base of §2.5 byte for byte from the request we received
(re-serializing `Signature-Input` with `federation.structured_fields`), then checks it with the
key the caller fetched. Pure functions: no I/O, we say yes or say why not.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from federation.digest import check_content_digest, make_content_digest
from federation.errors import BadSignature
from federation.structured_fields import (
    Bare,
    Item,
    Params,
    Token,
    parse_dictionary,
    serialize_bare,
    serialize_inner,
    serialize_item,
)

__all__ = [
    "ALGORITHMS",
    "SignatureInput",
    "Token",
    "check_signature_9421",
    "parse_signature_input",
    "sign_components",
    "sign_request_9421",
    "signature_base",
    "signature_input_key_id",
    "verify_request_9421",
]

ALGORITHMS = ("rsa-v1_5-sha256", "rsa-pss-sha512", "ed25519")
MAX_AGE_SECONDS = 12 * 3600
MAX_FUTURE_SECONDS = 3600


@dataclass(frozen=True)
class SignatureInput:
    """One labelled entry of `Signature-Input`: covered components plus parameters."""

    label: str
    components: list[Item]
    params: Params

    @property
    def key_id(self) -> str | None:
        value = self.params.get("keyid")
        return value if isinstance(value, str) else None


def parse_signature_input(value: str) -> dict[str, SignatureInput]:
    """All labelled entries of a `Signature-Input` header."""
    out: dict[str, SignatureInput] = {}
    for label, member in parse_dictionary(value).items():
        if isinstance(member, Item):
            raise BadSignature(f"Signature-Input {label} is not an inner list")
        items, params = member
        if any(not isinstance(i.value, str) or isinstance(i.value, Token) for i in items):
            raise BadSignature(f"Signature-Input {label} has a component that is not a string")
        out[label] = SignatureInput(label, items, params)
    return out


def _parse_signatures(value: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for label, member in parse_dictionary(value).items():
        if not isinstance(member, Item) or not isinstance(member.value, bytes):
            raise BadSignature(f"Signature {label} is not a byte sequence")
        out[label] = member.value
    return out


# --- signature base (§2.5) ---------------------------------------------------------------------


def _lower_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        key, value = name.lower(), value.strip()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _authority(scheme: str, netloc: str) -> str:
    host = netloc.rpartition("@")[2].lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    return host[: -len(default)] if default and host.endswith(default) else host


def _component_values(item: Item, method: str, url: str, headers: dict[str, str]) -> list[str]:
    name = str(item.value)
    parts = urlsplit(url)
    if name.startswith("@"):
        allowed = {"name"} if name == "@query-param" else set()
        if set(item.params) - allowed:
            raise BadSignature(f"unsupported parameters on component {name}")
    elif item.params:
        raise BadSignature(f"unsupported parameters on component {name}")
    if name == "@method":
        return [method]
    if name == "@target-uri":
        return [url]
    if name == "@authority":
        return [_authority(parts.scheme.lower(), parts.netloc)]
    if name == "@scheme":
        return [parts.scheme.lower()]
    if name == "@path":
        return [parts.path or "/"]
    if name == "@query":
        return [f"?{parts.query}"]
    if name == "@request-target":
        return [(parts.path or "/") + (f"?{parts.query}" if parts.query else "")]
    if name == "@query-param":
        wanted = item.params.get("name")
        found = [
            quote(v, safe="")
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k == wanted
        ]
        if not found:
            raise BadSignature(f"covered query parameter {wanted!r} is absent")
        return found
    if name.startswith("@"):
        raise BadSignature(f"unsupported derived component {name}")
    if name != name.lower():
        raise BadSignature(f"component {name!r} is not lowercase")
    if name not in headers:
        raise BadSignature(f"covered header {name!r} is missing from the request")
    return [headers[name]]


def signature_base(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    sig_input: SignatureInput,
) -> str:
    """The exact text that is signed (RFC 9421 §2.5), no trailing newline."""
    lowered = _lower_headers(headers)
    lines: list[str] = []
    seen: set[str] = set()
    for item in sig_input.components:
        ident = serialize_item(item)
        if ident in seen:
            raise BadSignature(f"component {ident} is covered twice")
        seen.add(ident)
        for value in _component_values(item, method, url, lowered):
            if "\n" in value or "\r" in value:
                raise BadSignature(f"component {ident} contains a newline")
            lines.append(f"{ident}: {value}")
    params = serialize_inner(sig_input.components, sig_input.params)
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines)


# --- cryptography ------------------------------------------------------------------------------


def _pss() -> padding.PSS:
    return padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)


def _candidate_algorithms(alg: Bare | None, key: PublicKeyTypes) -> list[str]:
    if alg is not None:
        if alg not in ALGORITHMS:
            raise BadSignature(f"unsupported signature algorithm {alg!r}")
        return [str(alg)]
    if isinstance(key, rsa.RSAPublicKey):
        return ["rsa-v1_5-sha256", "rsa-pss-sha512"]
    if isinstance(key, ed25519.Ed25519PublicKey):
        return ["ed25519"]
    raise BadSignature(f"no supported algorithm for a {type(key).__name__}")


def _verify_one(alg: str, key: PublicKeyTypes, signature: bytes, data: bytes) -> bool:
    try:
        if alg == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif alg == "rsa-v1_5-sha256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "rsa-pss-sha512" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, _pss(), hashes.SHA512())
        else:
            raise BadSignature(f"{type(key).__name__} cannot verify {alg}")
    except InvalidSignature:
        return False
    return True


def _select(headers: dict[str, str], label: str | None) -> tuple[SignatureInput, bytes]:
    if "signature-input" not in headers or "signature" not in headers:
        raise BadSignature("missing Signature-Input or Signature header")
    inputs = parse_signature_input(headers["signature-input"])
    signatures = _parse_signatures(headers["signature"])
    if label is None:
        if len(inputs) != 1:
            raise BadSignature("several signatures present; a label must be chosen")
        label = next(iter(inputs))
    if label not in inputs or label not in signatures:
        raise BadSignature(f"no signature labelled {label!r}")
    return inputs[label], signatures[label]


def check_signature_9421(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    public_key: PublicKeyTypes,
    *,
    label: str | None = None,
) -> SignatureInput:
    """Cryptographic check only (no clock, no coverage policy): for spec vectors and as the
    last step of `verify_request_9421`. An inbox must not call it alone."""
    lowered = _lower_headers(headers)
    sig_input, signature = _select(lowered, label)
    data = signature_base(method, url, lowered, sig_input).encode("ascii", "strict")
    for alg in _candidate_algorithms(sig_input.params.get("alg"), public_key):
        if _verify_one(alg, public_key, signature, data):
            return sig_input
    raise BadSignature("signature does not verify with the actor's key")


def signature_input_key_id(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], label: str | None = None
) -> str | None:
    """The keyid, cheaply, so domain policy can refuse before any key is fetched."""
    try:
        sig_input, _ = _select(_lower_headers(headers), label)
    except BadSignature:
        return None
    return sig_input.key_id


def verify_request_9421(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    public_key: PublicKeyTypes,
    *,
    now: float | None = None,
    body: bytes | None = None,
    label: str | None = None,
    require_digest_on_post: bool = True,
) -> SignatureInput:
    """Accept the request or raise `BadSignature`: covers method and target, is fresh, binds
    the body through `content-digest` on POST, and verifies."""
    lowered = _lower_headers(headers)
    sig_input, _ = _select(lowered, label)
    covered = {str(i.value) for i in sig_input.components}
    if "@method" not in covered:
        raise BadSignature("@method is not signed")
    if "@target-uri" not in covered and not (
        "@authority" in covered and covered & {"@path", "@request-target"}
    ):
        raise BadSignature("@target-uri (or @authority with @path) is not signed")
    if method.upper() == "POST" and require_digest_on_post:
        if "content-digest" not in covered:
            raise BadSignature("content-digest is not signed")
        if body is not None and not check_content_digest(lowered["content-digest"], body):
            raise BadSignature("Content-Digest does not match the body")
    clock = time.time() if now is None else now
    created, expires = sig_input.params.get("created"), sig_input.params.get("expires")
    if not isinstance(created, int) or isinstance(created, bool):
        raise BadSignature("signature has no integer created parameter")
    if created > clock + MAX_FUTURE_SECONDS:
        raise BadSignature("created is more than 1 hour in the future")
    if created < clock - MAX_AGE_SECONDS:
        raise BadSignature("created is more than 12 hours old")
    if expires is not None and (not isinstance(expires, int) or expires < clock):
        raise BadSignature("signature has expired")
    return check_signature_9421(method, url, lowered, public_key, label=sig_input.label)


# --- signing -----------------------------------------------------------------------------------


def sign_components(
    method: str,
    url: str,
    headers: Mapping[str, str],
    private_key: PrivateKeyTypes,
    *,
    components: list[str],
    params: Params,
    label: str,
    alg: str,
) -> tuple[str, str]:
    """(`Signature-Input`, `Signature`) values for any component list; the building block
    of `sign_request_9421`, public so the spec examples can be reproduced exactly."""
    sig_input = SignatureInput(label, [Item(c) for c in components], dict(params))
    data = signature_base(method, url, headers, sig_input).encode("ascii")
    if alg == "ed25519" and isinstance(private_key, ed25519.Ed25519PrivateKey):
        signature = private_key.sign(data)
    elif alg == "rsa-v1_5-sha256" and isinstance(private_key, rsa.RSAPrivateKey):
        signature = private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "rsa-pss-sha512" and isinstance(private_key, rsa.RSAPrivateKey):
        signature = private_key.sign(data, _pss(), hashes.SHA512())
    else:
        raise ValueError(f"cannot sign {alg} with {type(private_key).__name__}")
    serialized = serialize_inner(sig_input.components, sig_input.params)
    return f"{label}={serialized}", f"{label}={serialize_bare(signature)}"


def sign_request_9421(
    method: str,
    url: str,
    headers: Mapping[str, str],
    private_key: PrivateKeyTypes,
    key_id: str,
    body: bytes | None = None,
    alg: str = "rsa-v1_5-sha256",
    *,
    now: float | None = None,
) -> dict[str, str]:
    """Headers to add to an outgoing request: Content-Digest (POST), Signature-Input, Signature.

    Covers `@method @target-uri content-digest content-type` on POST, `@method @target-uri`
    otherwise, with `created` and `keyid`, under label `sig1`.
    """
    lowered = _lower_headers(headers)
    added: dict[str, str] = {}
    components = ["@method", "@target-uri"]
    if method.upper() == "POST" or body is not None:
        added["Content-Digest"] = make_content_digest(body or b"")
        components.append("content-digest")
        if "content-type" in lowered:
            components.append("content-type")
    merged = {**lowered, **{k.lower(): v for k, v in added.items()}}
    created = int(time.time() if now is None else now)
    sig_input, signature = sign_components(
        method,
        url,
        merged,
        private_key,
        components=components,
        params={"created": created, "keyid": key_id},
        label="sig1",
        alg=alg,
    )
    added["Signature-Input"] = sig_input
    added["Signature"] = signature
    return added
