"""draft-cavage-http-signatures-12: the spec's Appendix C vectors, then every refusal we owe."""

import base64
import email.utils
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from federation.errors import BadSignature
from federation.signatures import (
    SignatureParams,
    build_signing_string,
    check_signature,
    key_id_host,
    load_public_key_pem,
    parse_signature_header,
    sign_request,
    sign_string,
    signature_key_id,
    verify_request,
)

# Appendix C: the "Test" key pair (RSA 1024, PKCS#1 private key as printed in the draft).
TEST_PRIVATE_PEM = """-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----"""
TEST_PUBLIC_PEM = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----"""
TEST_KEY = serialization.load_pem_private_key(TEST_PRIVATE_PEM.encode(), password=None)
TEST_PUBLIC = load_public_key_pem(TEST_PUBLIC_PEM)

SPEC_METHOD = "POST"
SPEC_PATH = "/foo?param=value&pet=dog"
SPEC_HEADERS = {
    "Host": "example.com",
    "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "Content-Type": "application/json",
    "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "Content-Length": "18",
}
SPEC_BODY = b'{"hello": "world"}'
SPEC_NOW = email.utils.parsedate_to_datetime(SPEC_HEADERS["Date"]).timestamp()

C3_HEADERS = ["(request-target)", "host", "date", "content-type", "digest", "content-length"]
VECTORS = [
    pytest.param(
        None,
        "date: Sun, 05 Jan 2014 21:31:40 GMT",
        "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=",
        id="C.1-default",
    ),
    pytest.param(
        ["(request-target)", "host", "date"],
        "(request-target): post /foo?param=value&pet=dog\n"
        "host: example.com\n"
        "date: Sun, 05 Jan 2014 21:31:40 GMT",
        "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=",
        id="C.2-basic",
    ),
    pytest.param(
        C3_HEADERS,
        "(request-target): post /foo?param=value&pet=dog\n"
        "host: example.com\n"
        "date: Sun, 05 Jan 2014 21:31:40 GMT\n"
        "content-type: application/json\n"
        "digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\n"
        "content-length: 18",
        "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=",
        id="C.3-all-headers",
    ),
]


def _header_for(signed: list[str] | None, signature: str) -> str:
    headers = "" if signed is None else f'headers="{" ".join(signed)}",'
    return f'keyId="Test",algorithm="rsa-sha256",{headers}signature="{signature}"'


@pytest.mark.parametrize(("signed", "signing_string", "signature"), VECTORS)
def test_spec_vector_signing_string_and_signature(signed, signing_string, signature):
    params = parse_signature_header(_header_for(signed, signature))
    assert (
        build_signing_string(SPEC_METHOD, SPEC_PATH, SPEC_HEADERS, params.headers) == signing_string
    )
    # RSA PKCS#1 v1.5 is deterministic: our signer must reproduce the spec's bytes exactly.
    assert sign_string(TEST_KEY, signing_string) == signature
    check_signature(SPEC_METHOD, SPEC_PATH, SPEC_HEADERS, params, TEST_PUBLIC)


def test_spec_c3_as_printed_with_created_expires_does_not_verify():
    """Draft-12 prints C.3 with `(created) (expires)` in `headers`, but its signature was made
    without them (a known erratum); a correct verifier must reject the printed header."""
    signature = VECTORS[2].values[2]
    printed = (
        'keyId="Test",algorithm="rsa-sha256",created=1402170695,expires=1402170699,'
        'headers="(request-target) (created) (expires) host date content-type digest '
        f'content-length",signature="{signature}"'
    )
    with pytest.raises(BadSignature, match="does not verify"):
        check_signature(
            SPEC_METHOD, SPEC_PATH, SPEC_HEADERS, parse_signature_header(printed), TEST_PUBLIC
        )


def test_spec_c3_passes_full_verification_at_the_spec_time():
    headers = {**SPEC_HEADERS, "Signature": _header_for(C3_HEADERS, VECTORS[2].values[2])}
    verify_request(SPEC_METHOD, SPEC_PATH, headers, TEST_PUBLIC, now=SPEC_NOW, body=SPEC_BODY)


def test_sign_request_get_adds_host_and_signature_and_verifies():
    headers = {"Date": SPEC_HEADERS["Date"]}
    added = sign_request(
        "GET", "https://example.com/foo?param=value&pet=dog", headers, TEST_KEY, "Test"
    )
    assert set(added) == {"Host", "Signature"}
    assert added["Signature"].startswith(
        'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="'
    )
    verify_request("GET", SPEC_PATH, {**headers, **added}, TEST_PUBLIC, now=SPEC_NOW)


def test_sign_request_post_signs_digest_and_content_type_and_verifies():
    headers = {"Content-Type": "application/activity+json"}
    added = sign_request(
        "POST",
        "https://remote.example/users/bob/inbox",
        headers,
        TEST_KEY,
        "https://local.example/actor#main-key",
        SPEC_BODY,
        now=SPEC_NOW,
    )
    assert set(added) == {"Date", "Host", "Digest", "Signature"}
    assert 'headers="(request-target) host date digest content-type"' in added["Signature"]
    assert added["Digest"] == SPEC_HEADERS["Digest"]
    verify_request(
        "POST", "/users/bob/inbox", {**headers, **added}, TEST_PUBLIC, now=SPEC_NOW, body=SPEC_BODY
    )


def test_get_signs_accept_when_present():
    added = sign_request(
        "GET",
        "https://remote.example/users/bob",
        {"Accept": "application/activity+json"},
        TEST_KEY,
        "https://local.example/actor#main-key",
        now=SPEC_NOW,
    )
    assert 'headers="(request-target) host date accept"' in added["Signature"]


def test_hs2019_with_ed25519_key_is_accepted():
    key = ed25519.Ed25519PrivateKey.generate()
    added = sign_request(
        "POST",
        "https://remote.example/inbox",
        {},
        key,
        "https://local.example/a#k",
        b"{}",
        algorithm="hs2019",
        now=SPEC_NOW,
    )
    verify_request("POST", "/inbox", added, key.public_key(), now=SPEC_NOW, body=b"{}")


def test_hs2019_with_rsa_key_is_accepted():
    added = sign_request(
        "POST",
        "https://remote.example/inbox",
        {},
        TEST_KEY,
        "https://l.example/a#k",
        b"{}",
        algorithm="hs2019",
        now=SPEC_NOW,
    )
    verify_request("POST", "/inbox", added, TEST_PUBLIC, now=SPEC_NOW, body=b"{}")


# --- refusals -----------------------------------------------------------------------------------

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
INBOX_URL = "https://remote.example/inbox"
BODY = b'{"type": "Create"}'


def _signed(body: bytes = BODY, *, now: float = SPEC_NOW, **extra: str) -> dict[str, str]:
    base = {"Content-Type": "application/activity+json", **extra}
    return {
        **base,
        **sign_request("POST", INBOX_URL, base, TEST_KEY, "https://l.example/a#k", body, now=now),
    }


def _with_signature(headers: dict[str, str], **changes: str) -> dict[str, str]:
    params = parse_signature_header(headers["Signature"])
    fields = {
        "keyId": params.key_id,
        "algorithm": params.algorithm,
        "headers": " ".join(params.headers),
        "signature": base64.b64encode(params.signature).decode(),
        **changes,
    }
    value = ",".join(f'{k}="{v}"' for k, v in fields.items() if v is not None)
    return {**headers, "Signature": value}


def _resign(headers: dict[str, str], signed: list[str], **pseudo: int) -> dict[str, str]:
    """Re-sign with an arbitrary header list so only the rule under test is broken."""
    text = build_signing_string("POST", "/inbox", headers, signed, **pseudo)
    sig = base64.b64encode(TEST_KEY.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256()))
    extra = "".join(f"{k}={v}," for k, v in pseudo.items())
    listed = " ".join(signed)
    value = f'keyId="k",algorithm="rsa-sha256",{extra}headers="{listed}",signature="{sig.decode()}"'
    return {**headers, "Signature": value}


HOUR = 3600.0
REFUSALS = [
    (
        "missing Signature header",
        lambda: {k: v for k, v in _signed().items() if k != "Signature"},
        BODY,
        SPEC_NOW,
        "missing Signature header",
    ),
    (
        "malformed header",
        lambda: {**_signed(), "Signature": 'keyId="k",algorithm=rsa-sha256,signature'},
        BODY,
        SPEC_NOW,
        "malformed",
    ),
    (
        "unterminated quote",
        lambda: {**_signed(), "Signature": 'keyId="k,signature="AAAA'},
        BODY,
        SPEC_NOW,
        "malformed",
    ),
    (
        "unknown algorithm",
        lambda: _with_signature(_signed(), algorithm="rsa-sha1"),
        BODY,
        SPEC_NOW,
        "unsupported signature algorithm",
    ),
    (
        "wrong key",
        lambda: {
            **_signed(),
            **sign_request(
                "POST",
                INBOX_URL,
                {"Content-Type": "application/activity+json"},
                OTHER_KEY,
                "k",
                BODY,
                now=SPEC_NOW,
            ),
        },
        BODY,
        SPEC_NOW,
        "does not verify",
    ),
    ("tampered body", _signed, b'{"type": "Delete"}', SPEC_NOW, "Digest does not match"),
    (
        "Digest missing on POST",
        lambda: {k: v for k, v in _signed().items() if k != "Digest"},
        BODY,
        SPEC_NOW,
        "Digest header missing",
    ),
    (
        "Digest not signed",
        lambda: _resign(_signed(), ["(request-target)", "host", "date"]),
        BODY,
        SPEC_NOW,
        "Digest header is not signed",
    ),
    (
        "(request-target) not signed",
        lambda: _resign(_signed(), ["host", "date", "digest"]),
        BODY,
        SPEC_NOW,
        r"\(request-target\) is not signed",
    ),
    (
        "host not signed",
        lambda: _resign(_signed(), ["(request-target)", "date", "digest"]),
        BODY,
        SPEC_NOW,
        "host is not signed",
    ),
    (
        "no date nor (created)",
        lambda: _resign(_signed(), ["(request-target)", "host", "digest"]),
        BODY,
        SPEC_NOW,
        "neither date nor",
    ),
    ("date 13 hours old", _signed, BODY, SPEC_NOW + 13 * HOUR, "more than 12 hours old"),
    (
        "date 2 hours in the future",
        _signed,
        BODY,
        SPEC_NOW - 2 * HOUR,
        "more than 1 hour in the future",
    ),
    (
        "(expires) in the past",
        lambda: _resign(
            _signed(),
            ["(request-target)", "host", "date", "digest", "(expires)"],
            expires=int(SPEC_NOW) - 10,
        ),
        BODY,
        SPEC_NOW,
        "expired",
    ),
    (
        "(created) in the future",
        lambda: _resign(
            _signed(),
            ["(request-target)", "host", "(created)", "digest"],
            created=int(SPEC_NOW + 2 * HOUR),
        ),
        BODY,
        SPEC_NOW,
        r"\(created\) is more than 1 hour in the future",
    ),
    (
        "signed header absent",
        lambda: (
            _resign(
                {**_signed(), "X-Extra": "1"},
                ["(request-target)", "host", "date", "digest", "x-extra"],
            )
            | {"X-Extra": "2"}
        ),
        BODY,
        SPEC_NOW,
        "does not verify",
    ),
    (
        "bad base64 signature",
        lambda: _with_signature(_signed(), signature="!!!"),
        BODY,
        SPEC_NOW,
        "not valid base64",
    ),
    (
        "unparsable Date",
        lambda: _resign(
            {**_signed(), "Date": "yesterday"}, ["(request-target)", "host", "date", "digest"]
        ),
        BODY,
        SPEC_NOW,
        "not an HTTP date",
    ),
]


@pytest.mark.parametrize(
    ("case", "make_headers", "body", "now", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refusals(case, make_headers, body, now, reason):
    with pytest.raises(BadSignature, match=reason) as info:
        verify_request("POST", "/inbox", make_headers(), TEST_PUBLIC, now=now, body=body)
    assert info.value.status == 401, case


def test_ed25519_key_refused_for_rsa_sha256():
    key = ed25519.Ed25519PrivateKey.generate()
    headers = _signed()
    with pytest.raises(BadSignature, match="cannot verify rsa-sha256"):
        verify_request("POST", "/inbox", headers, key.public_key(), now=SPEC_NOW, body=BODY)


# --- parsing and helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('keyId="a",signature="AAAA"', SignatureParams("a", "hs2019", ["(created)"], b"\0\0\0")),
        (
            'keyId="a",algorithm="RSA-SHA256",signature="AAAA"',
            SignatureParams("a", "rsa-sha256", ["date"], b"\0\0\0"),
        ),
        (
            'keyId="a" , headers="Host Date",\n signature="AAAA"',
            SignatureParams("a", "hs2019", ["host", "date"], b"\0\0\0"),
        ),
        (
            'keyId="a\\"b",created=1402170695,expires=1402170699.5,signature="AAAA"',
            SignatureParams('a"b', "hs2019", ["(created)"], b"\0\0\0", 1402170695, 1402170699),
        ),
        (
            'keyId="https://x.example/u#k,1",signature="AAAA"',
            SignatureParams("https://x.example/u#k,1", "hs2019", ["(created)"], b"\0\0\0"),
        ),
    ],
)
def test_parse_signature_header(value, expected):
    assert parse_signature_header(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "malformed"),
        ('signature="AAAA"', "no keyId"),
        ('keyId="a"', "no signature"),
        ('keyId="a",keyId="b",signature="AAAA"', "given twice"),
        ('keyId="a";signature="AAAA"', "malformed"),
        ('keyId="a",created=soon,signature="AAAA"', "not a timestamp"),
        ('keyId="a",headers="",signature="AAAA"', "signs no headers"),
    ],
)
def test_parse_signature_header_refuses(value, reason):
    with pytest.raises(BadSignature, match=reason):
        parse_signature_header(value)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"Signature": 'keyId="https://a.example/u#main-key",signature="AA=="'},
            "https://a.example/u#main-key",
        ),
        ({"authorization": 'Signature keyId="k",signature="AA=="'}, "k"),
        ({"Signature": "garbage"}, None),
        ({}, None),
        ([("signature", 'keyId="m",signature="AA=="')], "m"),
    ],
)
def test_signature_key_id(headers, expected):
    assert signature_key_id(headers) == expected


@pytest.mark.parametrize(
    ("key_id", "expected"),
    [
        ("https://Mastodon.Social/users/a#main-key", "mastodon.social"),
        ("https://a.example:8443/actor", "a.example"),
        ("https://a.example./actor", "a.example"),
    ],
)
def test_key_id_host(key_id, expected):
    assert key_id_host(key_id) == expected


@pytest.mark.parametrize(
    "key_id", ["acct:bob@a.example", "not a url", "/relative#k", "http://[::1"]
)
def test_key_id_host_refuses_non_urls(key_id):
    with pytest.raises(BadSignature):
        key_id_host(key_id)


def test_load_public_key_pem_is_cached_and_refuses_garbage():
    assert load_public_key_pem(TEST_PUBLIC_PEM) is load_public_key_pem(TEST_PUBLIC_PEM)
    with pytest.raises(BadSignature, match="not a usable public key"):
        load_public_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")


def test_sign_request_refuses_key_id_with_quote():
    with pytest.raises(ValueError, match="keyId"):
        sign_request("GET", "https://a.example/", {}, TEST_KEY, 'a"b')


def test_multidict_headers_are_joined():
    params = replace(parse_signature_header('keyId="a",headers="x-a",signature="AA=="'))
    assert (
        build_signing_string("GET", "/", [("X-A", "1"), ("x-a", " 2 ")], params.headers)
        == "x-a: 1, 2"
    )
