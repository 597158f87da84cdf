"""Inbound ActivityStreams 2.0, decoded and normalised before anything trusts it.

Peers write the same activity many ways: `to` as one string or a list, `actor` as an id or an
embedded object, `type` as a string or a list. Handlers should not each cope with that, and a
hostile peer should not be able to reach a handler with a shape nobody expected. So every
inbound document passes through here first: strict JSON, bounded nesting and sizes, http(s)
ids, and one frozen value per activity or object. Nothing here does I/O; what the document
*claims* (who made what, on which host) is checked afterwards by `federation.origin`.

JSON-LD is deliberately not processed: `@context` is never dereferenced and we read only the
compacted AS2 terms, as Mastodon does. A document whose `@context` redefines a core term would
mean one thing to us and another to a JSON-LD processor (an LD signature, a relay), so it is
refused rather than interpreted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import orjson

from federation.attachments import MEDIA, attachment_kind
from federation.errors import BadRequest, PayloadTooLarge

__all__ = [
    "MAX_RECIPIENTS",
    "PUBLIC",
    "Attachment",
    "Incoming",
    "ParsedObject",
    "Tag",
    "host_of",
    "is_http_url",
    "is_public",
    "parse_activity",
    "parse_json",
    "parse_object",
    "same_host",
]

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_AS = "https://www.w3.org/ns/activitystreams#"
_PUBLIC_ALIASES = frozenset({PUBLIC, "as:Public", "Public"})

MAX_RECIPIENTS = 10_000
MAX_TEXT_CHARS = 100_000  # content, summary, name, contentMap values: generous for articles
MAX_URL_CHARS = 4_096
MAX_TYPE_CHARS = 256
ACTOR_TYPES = frozenset({"Person", "Group", "Service", "Application", "Organization"})
MAX_LIST_ITEMS = 10_000  # tags, attachments, Flag objects: nothing legitimate comes close
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 2 * 1024 * 1024  # as large as a remote document we agree to fetch

_RECIPIENT_FIELDS = ("to", "cc", "bto", "bcc", "audience")
# Terms we read; a context may only map them to their own AS2 meaning.
_CORE_TERMS = (
    *("actor", "object", "target", "attributedTo", "inReplyTo", "content", "summary", "name"),
    *("published", "tag", "attachment", "url", *_RECIPIENT_FIELDS),
)


NOT_JSON = "the body is not valid JSON"
"""What every door answers (400) for a body that does not decode as JSON."""

NOT_AN_OBJECT = "expected a JSON object"


def parse_json(
    body: bytes, *, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES
) -> dict[str, Any]:
    """Decode a body into a JSON object, refusing anything a handler shouldn't see.

    The one JSON parser of every door that takes JSON (the inbox, C2S, the client API, remote
    documents we fetch), so a 5,000-deep or 50 MB body is the same clear 4xx everywhere.
    orjson alone stops at 1024 levels; we bound nesting far lower because no AS2 document or
    API body needs more than a handful, and every later walk over the tree then has a known,
    small depth. Invalid UTF-8 and numbers beyond a double (`1e999`) are orjson decode errors,
    answered as `NOT_JSON`. A NUL character in any string or key is refused too: no text
    we keep may hold one, and PostgreSQL rejects it at insert time (a 500, not a refusal).
    """
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"JSON body larger than {max_bytes} bytes")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):
            raise BadRequest(f"JSON nested deeper than {max_depth} levels") from exc
        raise BadRequest(NOT_JSON) from exc
    if not isinstance(doc, dict):
        raise BadRequest(NOT_AN_OBJECT)
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise BadRequest(f"JSON nested deeper than {max_depth} levels")
        if isinstance(node, dict):
            if any("\x00" in key for key in node):
                raise BadRequest("JSON contains a NUL character")
            children = node.values()
        else:
            children = node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, str) and "\x00" in child:
                raise BadRequest("JSON contains a NUL character")
    return doc


def host_of(url: str) -> str:
    """The authority that vouches for `url`: lowercased host, with the port when not default.

    Ports matter because test instances share an address (127.0.0.2:8001, :8002 ...); default
    ports are dropped so http://a and https://a:443 compare equal, as Lemmy mixes schemes.
    """
    if not is_http_url(url):
        raise BadRequest(f"not an absolute http(s) URL: {url[:200]!r}")
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (parts.scheme, port) in {("http", 80), ("https", 443)}:
        return host
    return f"{host}:{port}"


def same_host(a: str, b: str) -> bool:
    """Whether two URLs are served by the same authority; an invalid URL matches nothing."""
    try:
        return host_of(a) == host_of(b)
    except BadRequest:
        return False


def is_public(addr: str) -> bool:
    """Whether an addressee means "everyone"; Mastodon also accepts the compacted forms."""
    return addr in _PUBLIC_ALIASES


@dataclass(frozen=True, slots=True)
class Incoming:
    """One inbound activity in a single shape, whatever shape the peer wrote it in.

    `object` keeps what was sent (embedded dict or id) so handlers can tell the two apart;
    `object_ids` lists every object id, since a `Flag` may report several at once.
    Recipients are ids, with every alias of the public collection replaced by `PUBLIC`.
    """

    id: str | None
    type: str
    actor: str
    object: dict[str, Any] | str | None
    object_id: str | None
    object_type: str | None
    target: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bto: tuple[str, ...]
    bcc: tuple[str, ...]
    audience: tuple[str, ...]
    raw: dict[str, Any]
    object_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tag:
    type: str | None
    name: str | None
    href: str | None


@dataclass(frozen=True, slots=True)
class Attachment:
    """`kind` is `federation.attachments.attachment_kind`'s answer; `url` is None when it is."""

    type: str | None
    url: str | None
    media_type: str | None
    name: str | None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedObject:
    """An object (note, page, actor, tombstone ...) with the fields the server stores or shows.

    `attributed_to` is a tuple because Lemmy, Mobilizon and PeerTube attribute content to the
    author and the group together.
    """

    id: str
    type: str
    attributed_to: tuple[str, ...]
    content: str | None
    summary: str | None
    name: str | None
    in_reply_to: str | None
    published: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    audience: tuple[str, ...]
    tags: tuple[Tag, ...]
    attachments: tuple[Attachment, ...]
    content_map: dict[str, str]
    raw: dict[str, Any]


def parse_activity(doc: dict[str, Any]) -> Incoming:
    """Validate and normalise an inbound activity; unknown types pass (the inbox ignores them)."""
    _check_document(doc)
    type_ = _required_type(doc)
    actor = _id_of(doc.get("actor"), "actor")
    if actor is None:
        raise BadRequest("activity has no actor")
    raw_object = doc.get("object")
    first_object: dict[str, Any] | str | None
    if isinstance(raw_object, list):
        if len(raw_object) > MAX_LIST_ITEMS:
            raise BadRequest("too many objects")
        object_ids = tuple(i for i in (_id_of(o, "object") for o in raw_object) if i)
        first_object = raw_object[0] if raw_object else None
    else:
        first_object = raw_object
        object_id = _id_of(raw_object, "object")
        object_ids = (object_id,) if object_id else ()
    if first_object is not None and not isinstance(first_object, dict | str):
        raise BadRequest("object must be an id or an embedded object")
    object_type = _type_of(first_object) if isinstance(first_object, dict) else None
    recipients = {name: _recipients(doc.get(name), name) for name in _RECIPIENT_FIELDS}
    return Incoming(
        id=_optional_url(doc.get("id"), "id"),
        type=type_,
        actor=actor,
        object=first_object,
        object_id=object_ids[0] if object_ids else None,
        object_type=object_type,
        target=_id_of(doc.get("target"), "target"),
        raw=doc,
        object_ids=object_ids,
        **recipients,
    )


def parse_object(doc: dict[str, Any]) -> ParsedObject:
    """Validate and normalise an object fetched from, or embedded by, a peer."""
    _check_document(doc)
    type_ = _required_type(doc)
    object_id = _optional_url(doc.get("id"), "id")
    if object_id is None:
        raise BadRequest("object has no id")
    content_map = doc.get("contentMap") or {}
    if not isinstance(content_map, dict) or not all(
        isinstance(v, str) for v in content_map.values()
    ):
        raise BadRequest("contentMap must map language tags to strings")
    return ParsedObject(
        id=object_id,
        type=type_,
        attributed_to=_ids(doc.get("attributedTo"), "attributedTo"),
        content=_text(doc, "content"),
        summary=_text(doc, "summary"),
        name=_text(doc, "name"),
        in_reply_to=_first_id(doc.get("inReplyTo"), "inReplyTo"),
        published=_text(doc, "published"),
        to=_recipients(doc.get("to"), "to"),
        cc=_recipients(doc.get("cc"), "cc"),
        audience=_recipients(doc.get("audience"), "audience"),
        tags=tuple(_tag(t) for t in _as_list(doc.get("tag"), "tag") if isinstance(t, dict)),
        attachments=tuple(
            _attachment(a)
            for a in _as_list(doc.get("attachment"), "attachment")
            if isinstance(a, dict)
        ),
        content_map=dict(content_map),
        raw=doc,
    )


def check_created_object(activity: Incoming) -> None:
    """A `Create` or `Update` that embeds an object is refused (400, with the reason) when that
    object would not parse, so its sender hears why instead of a 202 and silence."""
    if activity.type in ("Create", "Update") and isinstance(activity.object, dict):
        if activity.object_type in ACTOR_TYPES:
            return  # an actor's Update: its document is validated when it is stored
        parse_object(activity.object)


def _check_document(doc: dict[str, Any]) -> None:
    """Refuse oversized strings and core-term redefinitions anywhere in the document.

    One walk covers embedded objects too, since handlers read those as well; the depth was
    already bounded by `parse_json`.
    """
    if not isinstance(doc, dict):
        raise BadRequest("expected a JSON object")
    for key, value in _walk(doc):
        if key == "@context":
            _check_context(value)
        elif isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            raise BadRequest(f"{key!r} is longer than {MAX_TEXT_CHARS} characters")


def _walk(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        key, node = stack.pop()
        yield key, node
        if isinstance(node, dict):
            stack.extend(node.items())
        elif isinstance(node, list):
            stack.extend((key, item) for item in node)


def _check_context(context: object) -> None:
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, str) or entry is None:
            continue
        if not isinstance(entry, dict):
            raise BadRequest("@context entries must be strings or objects")
        for term, definition in entry.items():
            _check_term(term, definition)


def _check_term(term: str, definition: object) -> None:
    target = definition.get("@id") if isinstance(definition, dict) else definition
    if term == "id" or term == "type":
        if target != f"@{term}":
            raise BadRequest(f"@context redefines {term!r}")
    elif target in ("@id", "@type"):
        raise BadRequest(f"@context makes {term!r} an alias of {target}")
    elif term in _CORE_TERMS and target not in (f"as:{term}", f"{_AS}{term}"):
        raise BadRequest(f"@context redefines {term!r}")


def is_http_url(value: object) -> TypeGuard[str]:
    """Absolute http(s) with a host and no userinfo or whitespace.

    Userinfo and backslashes are refused because URL parsers disagree about which host
    `https://a\\@b/` names, and host comparisons are our main origin defence.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_URL_CHARS:
        return False
    if value.isascii():
        # The same test in C for the usual case (0.5 ms of every inbox POST done per
        # character in Python): printable ASCII is 0x20-0x7e, so no control character,
        # no DEL and no whitespace but the space itself.
        if not value.isprintable() or " " in value or "\\" in value:
            return False
    elif any(c.isspace() or c == "\\" or ord(c) < 32 or ord(c) == 127 for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def _optional_url(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not is_http_url(value):
        raise BadRequest(f"{field} is not an absolute http(s) URL")
    return value


def _lenient_url(value: object) -> str | None:
    """For display links (tag hrefs, attachment urls), where a bad one shouldn't sink a post."""
    return value if is_http_url(value) else None


def _id_of(value: object, field: str) -> str | None:
    """An id given either directly or as an embedded object's `id`."""
    if isinstance(value, dict):
        value = value.get("id")
        if value is None:
            return None
    return _optional_url(value, field)


def _first_id(value: object, field: str) -> str | None:
    ids = _ids(value, field)
    return ids[0] if ids else None


def _ids(value: object, field: str) -> tuple[str, ...]:
    items = _as_list(value, field)
    return tuple(i for i in (_id_of(item, field) for item in items) if i is not None)


def _as_list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [value]
    if len(value) > MAX_LIST_ITEMS:
        raise BadRequest(f"too many entries in {field}")
    return value


def _recipients(value: object, field: str) -> tuple[str, ...]:
    """Addressees as ids; `Public`, `as:Public` and the full IRI all become `PUBLIC`."""
    items = value if isinstance(value, list) else ([] if value is None else [value])
    if len(items) > MAX_RECIPIENTS:
        raise BadRequest("too many recipients")
    found: list[str] = []
    for item in items:
        if item is None:
            continue
        addr = item.get("id") if isinstance(item, dict) else item
        if isinstance(addr, str) and is_public(addr):
            addr = PUBLIC
        elif not is_http_url(addr):
            raise BadRequest(f"{field} has a recipient that is not an http(s) URL")
        if addr not in found:
            found.append(addr)
    return tuple(found)


def _required_type(doc: dict[str, Any]) -> str:
    type_ = _type_of(doc)
    if type_ is None:
        raise BadRequest("missing type")
    return type_


def _type_of(doc: object) -> str | None:
    """The first string of `type`, with an expanded AS2 IRI compacted to its term."""
    value = doc.get("type") if isinstance(doc, dict) else None
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRequest("type must be a string or a list of strings")
    if len(value) > MAX_TYPE_CHARS:
        raise BadRequest("type is too long")
    return value.removeprefix(_AS).removeprefix("as:")


def _text(doc: dict[str, Any], field: str) -> str | None:
    value = doc.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a string")
    return value


def _optional_str(doc: dict[str, Any], field: str) -> str | None:
    value = doc.get(field)
    return value if isinstance(value, str) else None


def _tag(doc: dict[str, Any]) -> Tag:
    href = doc.get("href") if doc.get("href") is not None else doc.get("id")
    return Tag(
        type=_type_of(doc),
        name=_optional_str(doc, "name"),
        href=_lenient_url(href),
    )


def _is_media(media_type: object) -> bool:
    return isinstance(media_type, str) and media_type.split("/", 1)[0] in MEDIA


def _attachment(doc: dict[str, Any]) -> Attachment:
    """PeerTube and Lotide put the link in `url` (maybe a Link, with the `mediaType`, or a list
    of them); Lemmy and FEP-0ea0 payment links in `href`."""
    url = doc.get("url") if doc.get("url") is not None else doc.get("href")
    media_type = _optional_str(doc, "mediaType")
    if isinstance(url, list):
        links = [u for u in url if isinstance(u, str | dict)]
        media = [u for u in links if isinstance(u, dict) and _is_media(u.get("mediaType"))]
        url = (media or links or [None])[0]
    if isinstance(url, dict):
        media_type = media_type or _optional_str(url, "mediaType")
        url = url.get("href")
    type_ = _type_of(doc)
    kind = attachment_kind(type_, media_type, url if isinstance(url, str) else None)
    return Attachment(
        type=type_,
        url=url if kind is not None and isinstance(url, str) else None,
        media_type=media_type,
        name=_optional_str(doc, "name"),
        kind=kind,
    )
