"""Body digests: the values every peer computes for the same body, and what must be refused."""

import pytest

from federation.digest import check_content_digest, check_digest, make_content_digest, make_digest

BODY = b'{"hello": "world"}'
# draft-cavage-http-signatures-12 Appendix C and RFC 9421 Appendix B use this body.
SHA256 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
SHA512 = "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="


def test_make_digest_matches_the_spec_example():
    assert make_digest(BODY) == f"SHA-256={SHA256}"


def test_make_content_digest_matches_the_rfc_examples():
    assert make_content_digest(BODY) == f"sha-256=:{SHA256}:"
    assert make_content_digest(BODY, "sha-512") == f"sha-512=:{SHA512}:"


@pytest.mark.parametrize(
    ("header", "body", "expected", "why"),
    [
        (f"SHA-256={SHA256}", BODY, True, "Mastodon's spelling"),
        (f"sha-256={SHA256}", BODY, True, "algorithm names are case-insensitive"),
        (f"SHA-512={SHA512}", BODY, True, "SHA-512 is accepted"),
        (
            f"MD5=abc, SHA-256={SHA256}",
            BODY,
            True,
            "weak entries skipped when a strong one matches",
        ),
        (f"SHA-256={SHA256}", b"{}", False, "tampered body"),
        (f"SHA-256={SHA256}, SHA-512=AAAA", BODY, False, "every strong entry must match"),
        ("MD5=XrY7u+Ae7tCTyyK7j1rNww==", BODY, False, "only weak algorithms: never trusted"),
        ("SHA-256=not base64!", BODY, False, "garbage value"),
        ("SHA-256", BODY, False, "no value at all"),
        ("", BODY, False, "empty header"),
    ],
)
def test_check_digest(header, body, expected, why):
    assert check_digest(header, body) is expected, why


@pytest.mark.parametrize(
    ("header", "body", "expected", "why"),
    [
        (f"sha-256=:{SHA256}:", BODY, True, "RFC 9530 form"),
        (f"sha-512=:{SHA512}:", BODY, True, "RFC 9421 Appendix B value"),
        (f"sha-512=:{SHA512}:, sha-256=:{SHA256}:", BODY, True, "several algorithms"),
        (f"sha-256=:{SHA256}:;foo=1", BODY, True, "parameters are ignored"),
        (f"sha-256=:{SHA256}:", b"{}", False, "tampered body"),
        (f"sha-256={SHA256}", BODY, False, "Digest syntax is not a byte sequence"),
        ("md5=:XrY7u+Ae7tCTyyK7j1rNww==:", BODY, False, "weak algorithm only"),
        ("sha-256=:AAAA:", BODY, False, "wrong value"),
    ],
)
def test_check_content_digest(header, body, expected, why):
    assert check_content_digest(header, body) is expected, why
