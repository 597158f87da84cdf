"""RFC 9421: the Appendix B keys and examples, byte-exact signature bases, and refusals."""

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from federation.errors import BadSignature
from federation.rfc9421 import (
    check_signature_9421,
    parse_signature_input,
    sign_components,
    sign_request_9421,
    signature_base,
    signature_input_key_id,
    verify_request_9421,
)
from federation.structured_fields import Item, Token, parse_dictionary, serialize_inner

# B.1.1 test-key-rsa (PKCS#1).
RSA_PUBLIC_PEM = b"""-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
-----END RSA PUBLIC KEY-----"""
# B.1.2 test-key-rsa-pss (public half, SPKI).
RSA_PSS_PUBLIC_PEM = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----"""
# B.1.4 test-key-ed25519.
ED25519_PUBLIC_PEM = b"""-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----"""
ED25519_PRIVATE_PEM = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----"""

RSA_PUBLIC = load_pem_public_key(RSA_PUBLIC_PEM)
RSA_PSS_PUBLIC = load_pem_public_key(RSA_PSS_PUBLIC_PEM)
ED25519_PUBLIC = load_pem_public_key(ED25519_PUBLIC_PEM)
ED25519_PRIVATE = load_pem_private_key(ED25519_PRIVATE_PEM, password=None)

# B.2 test-request.
METHOD = "POST"
URL = "https://example.com/foo?param=Value&Pet=dog"
DIGEST = (
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+"
    "AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
)
HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": DIGEST,
    "Content-Length": "18",
}
BODY = b'{"hello": "world"}'
CREATED = 1618884473

EXAMPLES = [
    pytest.param(
        "sig-b21",
        '();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"',
        '"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss"'
        ';nonce="b3k2pp5k7z-50gnwp.yemd"',
        "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==",
        RSA_PSS_PUBLIC,
        id="B.2.1-minimal-rsa-pss",
    ),
    pytest.param(
        "sig-b22",
        '("@authority" "content-digest" "@query-param";name="Pet");created=1618884473'
        ';keyid="test-key-rsa-pss";tag="header-example"',
        '"@authority": example.com\n'
        f'"content-digest": {DIGEST}\n'
        '"@query-param";name="Pet": dog\n'
        '"@signature-params": ("@authority" "content-digest" "@query-param";name="Pet")'
        ';created=1618884473;keyid="test-key-rsa-pss";tag="header-example"',
        "LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==",
        RSA_PSS_PUBLIC,
        id="B.2.2-selective-rsa-pss",
    ),
    pytest.param(
        "sig-b23",
        '("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" '
        '"content-length");created=1618884473;keyid="test-key-rsa-pss"',
        '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        '"@method": POST\n'
        '"@path": /foo\n'
        '"@query": ?param=Value&Pet=dog\n'
        '"@authority": example.com\n'
        '"content-type": application/json\n'
        f'"content-digest": {DIGEST}\n'
        '"content-length": 18\n'
        '"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" '
        '"content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"',
        "bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==",
        RSA_PSS_PUBLIC,
        id="B.2.3-full-coverage-rsa-pss",
    ),
    pytest.param(
        "sig-b26",
        '("date" "@method" "@path" "@authority" "content-type" "content-length")'
        ';created=1618884473;keyid="test-key-ed25519"',
        '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        '"@method": POST\n'
        '"@path": /foo\n'
        '"@authority": example.com\n'
        '"content-type": application/json\n'
        '"content-length": 18\n'
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" '
        '"content-length");created=1618884473;keyid="test-key-ed25519"',
        "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==",
        ED25519_PUBLIC,
        id="B.2.6-ed25519",
    ),
]


def _signed(label: str, sig_input: str, signature: str) -> dict[str, str]:
    return {
        **HEADERS,
        "Signature-Input": f"{label}={sig_input}",
        "Signature": f"{label}=:{signature}:",
    }


@pytest.mark.parametrize(("label", "sig_input", "base", "signature", "key"), EXAMPLES)
def test_appendix_b_signature_base_is_exact(label, sig_input, base, signature, key):
    parsed = parse_signature_input(f"{label}={sig_input}")[label]
    assert signature_base(METHOD, URL, HEADERS, parsed) == base


@pytest.mark.parametrize(("label", "sig_input", "base", "signature", "key"), EXAMPLES)
def test_appendix_b_signature_verifies(label, sig_input, base, signature, key):
    headers = _signed(label, sig_input, signature)
    assert check_signature_9421(METHOD, URL, headers, key).label == label
    assert (
        signature_input_key_id(headers)
        == parse_signature_input(headers["Signature-Input"])[label].key_id
    )


@pytest.mark.parametrize(("label", "sig_input", "base", "signature", "key"), EXAMPLES)
def test_appendix_b_signature_refused_under_another_key(label, sig_input, base, signature, key):
    other = RSA_PUBLIC if key is not RSA_PUBLIC else RSA_PSS_PUBLIC
    if isinstance(key, ed25519.Ed25519PublicKey):
        other = ed25519.Ed25519PrivateKey.generate().public_key()
    with pytest.raises(BadSignature, match="does not verify"):
        check_signature_9421(METHOD, URL, _signed(label, sig_input, signature), other)


def test_b26_ed25519_signing_is_byte_exact():
    label, sig_input, _, signature, _ = EXAMPLES[3].values
    components = ["date", "@method", "@path", "@authority", "content-type", "content-length"]
    assert sign_components(
        METHOD,
        URL,
        HEADERS,
        ED25519_PRIVATE,
        components=components,
        params={"created": CREATED, "keyid": "test-key-ed25519"},
        label=label,
        alg="ed25519",
    ) == (f"{label}={sig_input}", f"{label}=:{signature}:")


def test_alg_parameter_must_match_the_signature():
    label, sig_input, _, signature, _ = EXAMPLES[2].values
    wrong = sig_input + ';alg="rsa-v1_5-sha256"'
    with pytest.raises(BadSignature, match="does not verify"):
        check_signature_9421(METHOD, URL, _signed(label, wrong, signature), RSA_PSS_PUBLIC)
    unknown = sig_input + ';alg="hmac-sha256"'
    with pytest.raises(BadSignature, match="unsupported signature algorithm"):
        check_signature_9421(METHOD, URL, _signed(label, unknown, signature), RSA_PSS_PUBLIC)


# --- our outbound signatures and the inbox policy -------------------------------------------------

SENDER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
INBOX = "https://remote.example/users/bob/inbox"
NOW = 1_700_000_000.0
ACTIVITY = b'{"type": "Follow"}'


def _ours(
    alg: str = "rsa-v1_5-sha256", key=SENDER, body: bytes | None = ACTIVITY
) -> dict[str, str]:
    headers = {"Content-Type": "application/activity+json"}
    method = "POST" if body is not None else "GET"
    return {
        **headers,
        **sign_request_9421(
            method, INBOX, headers, key, "https://l.example/a#k", body, alg, now=NOW
        ),
    }


@pytest.mark.parametrize("alg", ["rsa-v1_5-sha256", "rsa-pss-sha512"])
def test_sign_request_9421_rsa_round_trip(alg):
    headers = _ours(alg)
    assert headers["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "content-digest" "content-type");'
        'created=1700000000;keyid="https://l.example/a#k"'
    )
    result = verify_request_9421(
        "POST", INBOX, headers, SENDER.public_key(), now=NOW, body=ACTIVITY
    )
    assert result.key_id == "https://l.example/a#k"


def test_sign_request_9421_ed25519_and_get():
    key = ed25519.Ed25519PrivateKey.generate()
    headers = _ours("ed25519", key, body=None)
    assert headers["Signature-Input"].startswith('sig1=("@method" "@target-uri");created=')
    assert "Content-Digest" not in headers
    verify_request_9421("GET", INBOX, headers, key.public_key(), now=NOW)


def _resigned(components: list[str], params: dict, body: bytes = ACTIVITY) -> dict[str, str]:
    headers = _ours()
    si, sig = sign_components(
        "POST",
        INBOX,
        headers,
        SENDER,
        components=components,
        params=params,
        label="sig1",
        alg="rsa-v1_5-sha256",
    )
    return {**headers, "Signature-Input": si, "Signature": sig}


FULL = ["@method", "@target-uri", "content-digest"]
REFUSALS = [
    (
        "no signature headers",
        lambda: {"Content-Type": "x"},
        ACTIVITY,
        NOW,
        "missing Signature-Input",
    ),
    (
        "malformed Signature-Input",
        lambda: {**_ours(), "Signature-Input": "sig1=(@method"},
        ACTIVITY,
        NOW,
        "malformed",
    ),
    (
        "Signature not a byte sequence",
        lambda: {**_ours(), "Signature": 'sig1="abc"'},
        ACTIVITY,
        NOW,
        "not a byte sequence",
    ),
    (
        "label mismatch",
        lambda: {**_ours(), "Signature": "other=:AAAA:"},
        ACTIVITY,
        NOW,
        "no signature labelled",
    ),
    ("tampered body", _ours, b'{"type": "Block"}', NOW, "Content-Digest does not match"),
    ("wrong key", _ours, ACTIVITY, NOW, None),
    (
        "method not covered",
        lambda: _resigned(["@target-uri", "content-digest"], {"created": int(NOW)}),
        ACTIVITY,
        NOW,
        "@method is not signed",
    ),
    (
        "target not covered",
        lambda: _resigned(["@method", "content-digest"], {"created": int(NOW)}),
        ACTIVITY,
        NOW,
        "@target-uri",
    ),
    (
        "digest not covered",
        lambda: _resigned(["@method", "@target-uri"], {"created": int(NOW)}),
        ACTIVITY,
        NOW,
        "content-digest is not signed",
    ),
    ("no created", lambda: _resigned(FULL, {"keyid": "k"}), ACTIVITY, NOW, "no integer created"),
    ("created 13 hours old", _ours, ACTIVITY, NOW + 13 * 3600, "more than 12 hours old"),
    ("created 2 hours ahead", _ours, ACTIVITY, NOW - 2 * 3600, "more than 1 hour in the future"),
    (
        "expires in the past",
        lambda: _resigned(FULL, {"created": int(NOW) - 60, "expires": int(NOW) - 1}),
        ACTIVITY,
        NOW,
        "expired",
    ),
    (
        "covered header missing",
        lambda: _resigned([*FULL, "x-missing"], {"created": int(NOW)}),
        ACTIVITY,
        NOW,
        "missing from the request",
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "body", "now", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refusals(case, make, body, now, reason):
    key = SENDER.public_key() if case != "wrong key" else RSA_PUBLIC
    with pytest.raises(BadSignature, match=reason or "does not verify"):
        verify_request_9421("POST", INBOX, make(), key, now=now, body=body)


# --- structured fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'a=("x" "y";p=1);k=-5;t=tok;b=:AAE=:;f',
            {
                "a": (
                    [Item("x"), Item("y", {"p": 1})],
                    {"k": -5, "t": Token("tok"), "b": b"\0\1", "f": True},
                )
            },
        ),
        ("a=?0, b", {"a": Item(False), "b": Item(True)}),
        ('a="q\\"\\\\"', {"a": Item('q"\\')}),
        ("a=()", {"a": ([], {})}),
    ],
)
def test_structured_field_parsing(text, expected):
    assert parse_dictionary(text) == expected


@pytest.mark.parametrize(
    "text", ["a=(", 'a="x', "A=1", "a=1,", "a=1.5", "a=:*:", 'a="\\x"', "a=@", "a=1 b=2"]
)
def test_structured_field_refusals(text):
    with pytest.raises(BadSignature, match="malformed structured field"):
        parse_dictionary(text)


def test_serialization_round_trips_parameters_in_order():
    parsed = parse_signature_input('s=("@query-param";name="a b" "x");keyid="k\\"";created=1;z=?0')[
        "s"
    ]
    assert serialize_inner(parsed.components, parsed.params) == (
        '("@query-param";name="a b" "x");keyid="k\\"";created=1;z=?0'
    )


def test_components_must_be_strings_and_unique():
    with pytest.raises(BadSignature, match="not a string"):
        parse_signature_input("s=(method);created=1")
    dup = parse_signature_input('s=("date" "date");created=1')["s"]
    with pytest.raises(BadSignature, match="covered twice"):
        signature_base(METHOD, URL, HEADERS, dup)
    upper = replace(dup, components=[Item("Date")])
    with pytest.raises(BadSignature, match="not lowercase"):
        signature_base(METHOD, URL, HEADERS, upper)


@pytest.mark.parametrize(
    ("component", "url", "expected"),
    [
        ("@method", URL, "POST"),
        ("@target-uri", URL, URL),
        ("@authority", "https://Example.com:443/x", "example.com"),
        ("@authority", "http://example.com:8080/x", "example.com:8080"),
        ("@scheme", "HTTPS://example.com/", "https"),
        ("@request-target", URL, "/foo?param=Value&Pet=dog"),
        ("@path", "https://example.com", "/"),
        ("@query", "https://example.com/p", "?"),
    ],
)
def test_derived_components(component, url, expected):
    sig_input = parse_signature_input(f's=("{component}")')["s"]
    assert signature_base(METHOD, url, {}, sig_input).split("\n")[0] == f'"{component}": {expected}'
