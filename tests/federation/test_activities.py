"""Inbound AS2 parsing: every refusal has a reason, and every shape peers use normalises."""

from __future__ import annotations

from typing import Any

import pytest

from federation.activities import (
    PUBLIC,
    Incoming,
    host_of,
    is_public,
    parse_activity,
    parse_json,
    parse_object,
    same_host,
)
from federation.errors import BadRequest, PayloadTooLarge

ALICE = "https://a.example/users/alice"
NOTE = "https://a.example/notes/1"


def activity(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://a.example/activities/1",
        "type": "Create",
        "actor": ALICE,
        "object": {"id": NOTE, "type": "Note", "attributedTo": ALICE, "content": "hi"},
    }
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


# (body, expected reason substring or None when it parses, why)
PARSE_JSON_CASES = [
    (b'{"type": "Note"}', None, "a plain object"),
    (b"{not json", "not valid JSON", "syntax error"),
    (b"", "not valid JSON", "empty body"),
    (b"NaN", "not valid JSON", "NaN is not JSON"),
    (b'{"a": "\xff"}', "not valid JSON", "invalid UTF-8"),
    (b"[1, 2]", "expected a JSON object", "an array is not an activity"),
    (b'"Create"', "expected a JSON object", "a string is not an activity"),
    (b"[" * 10_000 + b"]" * 10_000, "nested deeper", "10,000 nested lists"),
    (b'{"a":' * 40 + b"1" + b"}" * 40, "nested deeper than 32", "objects past max_depth"),
    (b'{"a":' * 31 + b"1" + b"}" * 31, None, "exactly at max_depth"),
    (
        b'{"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}',
        "nested",
        "lists",
    ),
    (
        b'{"content": "' + b"x" * 2_000_000 + b'"}',
        None,
        "a large body under the cap; parse_activity caps fields",
    ),
    (b'{"content": "a\\u0000b"}', "NUL", "NUL in a value: PostgreSQL refuses it in text"),
    (b'{"to": ["a\\u0000"]}', "NUL", "NUL in a list item"),
    (b'{"a\\u0000": 1}', "NUL", "NUL in a key"),
]


@pytest.mark.parametrize(
    ("body", "reason", "why"), PARSE_JSON_CASES, ids=[c[2] for c in PARSE_JSON_CASES]
)
def test_parse_json(body: bytes, reason: str | None, why: str) -> None:
    if reason is None:
        assert isinstance(parse_json(body), dict), why
    else:
        with pytest.raises(BadRequest, match=reason):
            parse_json(body)


def test_parse_json_caps_the_size_for_every_door() -> None:
    """Was uncapped (the HTTP layer capped request bodies); now one cap for every caller."""
    with pytest.raises(PayloadTooLarge):
        parse_json(b'{"content": "' + b"x" * 5_000_000 + b'"}')
    with pytest.raises(PayloadTooLarge):
        parse_json(b'{"a": 1}', max_bytes=4)


def test_parse_json_max_depth_is_adjustable() -> None:
    with pytest.raises(BadRequest, match="deeper than 2"):
        parse_json(b'{"a": {"b": {}}}', max_depth=2)


# (document, expected reason substring, why)
REFUSED_ACTIVITIES = [
    (activity(type=None), "missing type", "type is required"),
    (activity(type=""), "missing type", "an empty type is no type"),
    (activity(type=[1, 2]), "missing type", "a list without a string"),
    (activity(type={"x": 1}), "type must be", "type as an object"),
    (activity(type="C" * 1000), "type is too long", "unbounded type strings"),
    (activity(actor=None), "no actor", "actor is required"),
    (activity(actor={"type": "Person"}), "no actor", "embedded actor without an id"),
    (activity(actor="alice"), "actor is not an absolute", "actor must be a URL"),
    (activity(actor="ftp://a.example/alice"), "actor is not", "only http(s)"),
    (activity(actor="https://evil.example@a.example/"), "actor is not", "userinfo in URLs"),
    (activity(actor="https://a.example\\@evil.example/"), "actor is not", "backslash tricks"),
    (activity(actor="https://a.example/a b"), "actor is not", "whitespace in URLs"),
    (activity(actor="https://a.example:99999/"), "actor is not", "port out of range"),
    (activity(actor=[ALICE, "https://b.example/u/bob"]), "actor is not", "several actors"),
    (activity(id="urn:uuid:1234"), "id is not", "activity ids are URLs"),
    (activity(id="/activities/1"), "id is not", "relative ids"),
    (activity(object={"id": "tag:x", "type": "Note"}), "object is not", "embedded object id"),
    (activity(object=42), "object is not", "object of the wrong kind"),
    (activity(target="nowhere"), "target is not", "target is a URL"),
    (activity(to=["alice"]), "recipient", "recipients are URLs or Public"),
    (activity(to=[42]), "recipient", "recipients of the wrong kind"),
    (
        activity(cc=[f"https://a.example/u/{i}" for i in range(100_000)]),
        "too many recipients",
        "fan-out bomb",
    ),
    (
        activity(object={"id": NOTE, "type": "Note", "content": "x" * 100_001}),
        "'content' is longer",
        "content over 100,000 characters, even embedded",
    ),
    (activity(summary="x" * 200_000), "'summary' is longer", "any string field is capped"),
    (activity(**{"@context": [{"id": "as:object"}]}), "redefines 'id'", "@context redefining id"),
    (activity(**{"@context": {"type": "@id"}}), "redefines 'type'", "@context redefining type"),
    (
        activity(**{"@context": ["https://www.w3.org/ns/activitystreams", {"actor": "as:object"}]}),
        "redefines 'actor'",
        "@context swapping core terms",
    ),
    (activity(**{"@context": {"to": None}}), "redefines 'to'", "@context erasing a term"),
    (activity(**{"@context": {"ident": "@id"}}), "alias of @id", "a second name for the id"),
    (activity(**{"@context": [3]}), "@context entries", "a number as a context"),
    (
        activity(object={"id": NOTE, "type": "Note", "@context": {"attributedTo": "as:actor"}}),
        "redefines 'attributedTo'",
        "embedded contexts are checked too",
    ),
]


@pytest.mark.parametrize(
    ("doc", "reason", "why"), REFUSED_ACTIVITIES, ids=[c[2] for c in REFUSED_ACTIVITIES]
)
def test_parse_activity_refuses(doc: dict[str, Any], reason: str, why: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        parse_activity(doc)


# (document, field, expected value, why)
NORMALISED = [
    (activity(type=["Create", "ext:Post"]), "type", "Create", "list types: first string wins"),
    (activity(type="https://www.w3.org/ns/activitystreams#Like"), "type", "Like", "expanded IRI"),
    (activity(type="Zap"), "type", "Zap", "unknown types parse; the inbox ignores them"),
    (activity(actor={"id": ALICE, "type": "Person"}), "actor", ALICE, "embedded actor"),
    (activity(to=PUBLIC), "to", (PUBLIC,), "to as a single string"),
    (activity(to="as:Public"), "to", (PUBLIC,), "compacted Public"),
    (activity(cc=["Public", PUBLIC]), "cc", (PUBLIC,), "Public aliases collapse to one"),
    (
        activity(audience={"id": "https://a.example/c/x", "type": "Group"}),
        "audience",
        ("https://a.example/c/x",),
        "embedded audience",
    ),
    (activity(bto=[None, ALICE]), "bto", (ALICE,), "nulls in lists are skipped"),
    (activity(), "bcc", (), "absent recipient fields are empty"),
    (activity(), "object_id", NOTE, "embedded object id"),
    (activity(), "object_type", "Note", "embedded object type"),
    (activity(object=NOTE), "object", NOTE, "object by reference"),
    (activity(object=NOTE), "object_type", None, "no type for a reference"),
    (activity(id=None), "id", None, "transient activities have no id"),
    (
        activity(target={"id": "https://a.example/c/x/featured"}),
        "target",
        "https://a.example/c/x/featured",
        "embedded target",
    ),
    (
        activity(type="Flag", object=["https://b.example/u/bob", "https://b.example/n/2"]),
        "object_ids",
        ("https://b.example/u/bob", "https://b.example/n/2"),
        "Flag reports several objects",
    ),
    (
        activity(**{"@context": {"id": "@id", "actor": {"@id": "as:actor", "@type": "@id"}}}),
        "actor",
        ALICE,
        "a faithful context is fine",
    ),
    (
        activity(
            **{
                "@context": [
                    "https://www.w3.org/ns/activitystreams",
                    {"toot": "http://joinmastodon.org/ns#"},
                ]
            }
        ),
        "type",
        "Create",
        "extension terms are fine",
    ),
    (
        activity(actor="http://127.0.0.2:8001/users/alice"),
        "actor",
        "http://127.0.0.2:8001/users/alice",
        "test instances on ports",
    ),
    (
        activity(actor="https://another_instance.gnusocial.test/actor/43"),
        "actor",
        "https://another_instance.gnusocial.test/actor/43",
        "underscores in hosts",
    ),
]


@pytest.mark.parametrize(
    ("doc", "field", "expected", "why"), NORMALISED, ids=[c[3] for c in NORMALISED]
)
def test_parse_activity_normalises(
    doc: dict[str, Any], field: str, expected: object, why: str
) -> None:
    assert getattr(parse_activity(doc), field) == expected, why


def test_parsed_activity_is_frozen_and_keeps_the_raw_document() -> None:
    doc = activity()
    parsed = parse_activity(doc)
    assert isinstance(parsed, Incoming)
    assert parsed.raw is doc
    with pytest.raises(AttributeError):
        parsed.actor = "https://evil.example/u/mallory"  # type: ignore[misc]


def test_parse_object_normalises_peer_shapes() -> None:
    parsed = parse_object(
        {
            "id": NOTE,
            "type": ["Note"],
            "attributedTo": [{"type": "Person", "id": ALICE}, "https://a.example/c/group"],
            "content": "<p>hi</p>",
            "contentMap": {"sw": "<p>habari</p>"},
            "inReplyTo": {"id": "https://b.example/n/1", "type": "Note"},
            "to": "as:Public",
            "tag": [{"type": "Hashtag", "name": "#x", "href": "not a url"}],
            "attachment": {
                "type": "Image",
                "url": [{"type": "Link", "href": "https://a.example/i.png"}],
            },
        }
    )
    assert parsed.attributed_to == (ALICE, "https://a.example/c/group")
    assert parsed.in_reply_to == "https://b.example/n/1"
    assert parsed.to == (PUBLIC,)
    assert parsed.content_map == {"sw": "<p>habari</p>"}
    assert parsed.tags[0].href is None, "a bad display link is dropped, not fatal"
    assert parsed.attachments[0].url == "https://a.example/i.png"


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ({"type": "Note"}, "no id"),
        ({"id": NOTE}, "missing type"),
        ({"id": NOTE, "type": "Note", "content": 5}, "content must be a string"),
        ({"id": NOTE, "type": "Note", "contentMap": ["en"]}, "contentMap"),
        ({"id": NOTE, "type": "Note", "inReplyTo": "note 1"}, "inReplyTo is not"),
    ],
    ids=["no id", "no type", "content not a string", "contentMap not a map", "inReplyTo not a URL"],
)
def test_parse_object_refuses(doc: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        parse_object(doc)


# (url, host, why)
HOSTS = [
    ("https://A.Example/u/x", "a.example", "hosts are case-insensitive"),
    ("http://127.0.0.2:8001/u/x", "127.0.0.2:8001", "ports are part of the host"),
    ("https://a.example:443/u/x", "a.example", "default https port dropped"),
    ("http://a.example:80/u/x", "a.example", "default http port dropped"),
    ("https://a.example:80/u/x", "a.example:80", "a non-default port is kept"),
    ("https://a.example./u/x", "a.example", "trailing dot"),
    ("http://[::1]:8000/u/x", "[::1]:8000", "IPv6 literal"),
]


@pytest.mark.parametrize(("url", "host", "why"), HOSTS, ids=[c[2] for c in HOSTS])
def test_host_of(url: str, host: str, why: str) -> None:
    assert host_of(url) == host, why


def test_host_of_refuses_what_is_not_a_url() -> None:
    with pytest.raises(BadRequest):
        host_of("acct:alice@a.example")


# (a, b, same, why)
SAME_HOST = [
    ("https://a.example/u/1", "http://a.example/n/2", True, "Lemmy mixes schemes on one host"),
    ("http://127.0.0.2:8001/a", "http://127.0.0.2:8002/a", False, "two test instances"),
    ("https://a.example/u/1", "https://a.example.evil/u/1", False, "suffix tricks"),
    ("https://a.example/u/1", "https://sub.a.example/u/1", False, "subdomains are other hosts"),
    ("https://a.example/u/1", "not a url", False, "invalid URLs match nothing"),
]


@pytest.mark.parametrize(("a", "b", "same", "why"), SAME_HOST, ids=[c[3] for c in SAME_HOST])
def test_same_host(a: str, b: str, same: bool, why: str) -> None:
    assert same_host(a, b) is same, why


@pytest.mark.parametrize(
    ("addr", "public"),
    [
        (PUBLIC, True),
        ("as:Public", True),
        ("Public", True),
        ("https://a.example/followers", False),
        ("public", False),
    ],
)
def test_is_public(addr: str, public: bool) -> None:
    assert is_public(addr) is public
