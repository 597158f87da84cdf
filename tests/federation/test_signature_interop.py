"""Our signatures against implementations we did not write: httpsig (draft-cavage) and
http_message_signatures (RFC 9421). Agreeing with ourselves proves little; these do."""

import datetime
import email.utils
import time

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, MappingKeyResolver
from http_message_signatures.algorithms import ED25519, RSA_PSS_SHA512, RSA_V1_5_SHA256
from httpsig.sign import HeaderSigner
from httpsig.verify import HeaderVerifier

from federation.errors import BadSignature
from federation.rfc9421 import sign_request_9421, verify_request_9421
from federation.signatures import sign_request, verify_request

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
KEY_ID = "https://local.example/actor#main-key"
INBOX = "https://remote.example/users/bob/inbox"
BODY = b'{"type": "Follow", "actor": "https://local.example/actor"}'


# --- draft-cavage: httpsig ------------------------------------------------------------------------


def test_httpsig_verifies_our_post():
    headers = {"Content-Type": "application/activity+json"}
    headers |= sign_request("POST", INBOX, headers, KEY, KEY_ID, BODY)
    verifier = HeaderVerifier(
        headers,
        PUBLIC_PEM,
        required_headers=["(request-target)", "host", "date", "digest"],
        method="POST",
        path="/users/bob/inbox",
        sign_header="signature",
    )
    assert verifier.verify() is True


def test_httpsig_rejects_our_post_when_path_differs():
    headers = sign_request("POST", INBOX, {}, KEY, KEY_ID, BODY)
    verifier = HeaderVerifier(
        headers, PUBLIC_PEM, method="POST", path="/other", sign_header="signature"
    )
    assert verifier.verify() is False


def test_we_verify_httpsig_signed_post():
    signed_headers = ["(request-target)", "host", "date", "digest", "content-type"]
    signer = HeaderSigner(
        KEY_ID, PRIVATE_PEM, algorithm="rsa-sha256", headers=signed_headers, sign_header="signature"
    )
    unsigned = {
        "Host": "remote.example",
        "Date": email.utils.formatdate(usegmt=True),
        "Digest": sign_request("POST", INBOX, {}, KEY, KEY_ID, BODY)["Digest"],
        "Content-Type": "application/activity+json",
    }
    signed = signer.sign(unsigned, method="POST", path="/users/bob/inbox")
    verify_request("POST", "/users/bob/inbox", signed, KEY.public_key(), body=BODY)
    with pytest.raises(BadSignature, match="does not verify"):
        verify_request("POST", "/users/bob/outbox", signed, KEY.public_key(), body=BODY)


def test_we_refuse_httpsig_default_which_signs_date_only():
    signer = HeaderSigner(KEY_ID, PRIVATE_PEM, algorithm="rsa-sha256", sign_header="signature")
    signed = signer.sign({"Date": email.utils.formatdate(usegmt=True), "Host": "remote.example"})
    with pytest.raises(BadSignature, match=r"\(request-target\) is not signed"):
        verify_request("GET", "/users/bob", signed, KEY.public_key())


# --- RFC 9421: http_message_signatures ------------------------------------------------------------


def _prepared(method: str, url: str, headers: dict[str, str], body: bytes | None):
    return requests.Request(method, url, headers=headers, data=body).prepare()


def _resolver(public, private=None) -> MappingKeyResolver:
    return MappingKeyResolver(
        public_keys={KEY_ID: public}, private_keys={KEY_ID: private} if private else {}
    )


@pytest.mark.parametrize(
    ("alg", "algorithm_class"),
    [("rsa-v1_5-sha256", RSA_V1_5_SHA256), ("rsa-pss-sha512", RSA_PSS_SHA512)],
)
def test_http_message_signatures_verifies_our_post(alg, algorithm_class):
    headers = {"Content-Type": "application/activity+json"}
    headers |= sign_request_9421("POST", INBOX, headers, KEY, KEY_ID, BODY, alg)
    request = _prepared("POST", INBOX, headers, BODY)
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithm_class, key_resolver=_resolver(KEY.public_key())
    )
    (result,) = verifier.verify(request, body=BODY, require_components=("@method", "@target-uri"))
    assert result.parameters["keyid"] == KEY_ID


def test_http_message_signatures_verifies_our_ed25519_get():
    key = ed25519.Ed25519PrivateKey.generate()
    request = _prepared(
        "GET", INBOX, sign_request_9421("GET", INBOX, {}, key, KEY_ID, None, "ed25519"), None
    )
    verifier = HTTPMessageVerifier(
        signature_algorithm=ED25519, key_resolver=_resolver(key.public_key())
    )
    assert verifier.verify(request)[0].label == "sig1"


@pytest.mark.parametrize(
    ("algorithm_class", "make_key"),
    [
        (RSA_V1_5_SHA256, lambda: KEY),
        (RSA_PSS_SHA512, lambda: KEY),
        (ED25519, ed25519.Ed25519PrivateKey.generate),
    ],
)
def test_we_verify_http_message_signatures_post(algorithm_class, make_key):
    key = make_key()
    request = _prepared("POST", INBOX, {"Content-Type": "application/activity+json"}, BODY)
    HTTPMessageSigner(
        signature_algorithm=algorithm_class, key_resolver=_resolver(key.public_key(), key)
    ).sign(
        request,
        key_id=KEY_ID,
        created=datetime.datetime.now(datetime.UTC),
        covered_component_ids=("@method", "@authority", "@target-uri", "content-type"),
        body=BODY,
    )
    result = verify_request_9421("POST", request.url, request.headers, key.public_key(), body=BODY)
    assert result.params["alg"] == algorithm_class.algorithm_id
    assert result.label == "pyhms"
    with pytest.raises(BadSignature, match="Content-Digest does not match"):
        verify_request_9421("POST", request.url, request.headers, key.public_key(), body=b"{}")


def test_we_refuse_http_message_signatures_stale_signature():
    request = _prepared("GET", INBOX, {}, None)
    HTTPMessageSigner(
        signature_algorithm=RSA_V1_5_SHA256, key_resolver=_resolver(KEY.public_key(), KEY)
    ).sign(
        request,
        key_id=KEY_ID,
        created=datetime.datetime.fromtimestamp(time.time() - 13 * 3600, datetime.UTC),
    )
    with pytest.raises(BadSignature, match="more than 12 hours old"):
        verify_request_9421("GET", INBOX, request.headers, KEY.public_key())
