"""Turning a remote object into a stored post: sanitised, addressed, and only when relevant.

Like Mastodon, we keep a remote post only when someone here has a reason to see it: a local
member follows its author, it names a local actor, it replies to a local post, or it was
posted to one of our spaces. Everything else is dropped after the 202.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape
from typing import Any

from baraza.ids import new_id
from baraza.language import CANDIDATES, detect_language
from baraza.sanitize import clean_html, html_to_text
from federation.activities import Attachment, ParsedObject, Tag, is_public, parse_object
from outbox.polls import remote_poll
from outbox.visibility import visibility_from_addressing
from storage.models import Actor, Follow, Post

POST_TYPES = {"Note", "Article", "Question", "Page", "Event", "Video", "Image", "Audio", "Document"}


def parse_published(value: str | None) -> datetime:
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def language_of(obj: ParsedObject) -> str | None:
    """What the author's server says (`contentMap`, else `@context`'s `@language`); only
    when it says nothing, what the text says (which may be nothing)."""
    declared = [*obj.content_map, *_context_languages(obj.raw.get("@context"))]
    for lang in declared:
        code = lang.split("-", 1)[0].lower() if isinstance(lang, str) else ""
        if 2 <= len(code) <= 3 and code.isalpha() and code != "und":
            return code
    text = obj.content or next(iter(obj.content_map.values()), "")
    return detect_language(text, candidates=CANDIDATES, fallback=None)


def _context_languages(context: object) -> list[str]:
    entries = context if isinstance(context, list) else [context]
    return [e["@language"] for e in entries if isinstance(e, dict) and "@language" in e]


async def _local_space(addresses: list[str], base_url: str) -> Actor | None:
    for uri in addresses:
        if uri.startswith(base_url + "/spaces/"):
            space = await Actor.get_or_none(uri=uri, local=True, type="Group")
            if space is not None:
                return space
    return None


async def _destination(
    named: Actor | None, parent_uri: str | None, author: Actor, visibility: str
) -> Actor | None:
    """The space a remote post goes to, by the rule a local one follows (`spaces.destination`):
    a reply stays in its parent's space (Mastodon addresses a reply to the parent's author
    only, never to the group); a post naming one of our spaces (`to`, `cc`, `audience`: a
    Mastodon user's mention does this) goes into it when its author is a member."""
    from spaces.destination import SpaceFacts, destination, space_facts

    home: Actor | None = None
    if parent_uri:
        parent = await Post.get_or_none(uri=parent_uri)
        if parent is not None and parent.space_id is not None:
            home = await Actor.get_or_none(id=parent.space_id, local=True, type="Group")
    facts = None
    if home is not None:
        # Anyone may reply in a space's thread, as on Lemmy; but an archived space takes nothing.
        archived = "archived" if home.archived_at is not None else None
        facts = SpaceFacts(home.id, home.private, may_post=True, refusal=archived)
    mentioned = [await space_facts(named, author)] if named is not None else []
    chosen = destination(visibility, facts, mentioned)
    if chosen.refused is not None:
        return None  # stored as an ordinary post of its author's, outside the space
    return {s.id: s for s in (home, named) if s is not None}.get(chosen.space_id or 0)


async def is_relevant(obj: ParsedObject, author: Actor, base_url: str) -> bool:
    addressed = [*obj.to, *obj.cc, *obj.audience]
    if any(a.startswith(base_url + "/") for a in addressed):
        return True
    if obj.in_reply_to and obj.in_reply_to.startswith(base_url + "/"):
        return True
    if any(tag.href and tag.href.startswith(base_url + "/") for tag in obj.tags):
        return True
    return await Follow.filter(target=author, accepted=True, follower__local=True).exists()


def unique_tags(tags: Iterable[Tag]) -> list[dict[str, Any]]:
    """Each mention once (by whom it names), each hashtag once (by name, any case): peers
    list the same one twice, once per place it appears in the text."""
    seen: set[tuple[str | None, str]] = set()
    out = []
    for tag in tags:
        key = (tag.href or "") if tag.type == "Mention" else (tag.name or "").lstrip("#").lower()
        if (tag.type, key) in seen and key:
            continue
        seen.add((tag.type, key))
        out.append({"type": tag.type, "name": tag.name, "href": tag.href})
    return out


def link_paragraph(links: Iterable[Attachment]) -> str:
    """Link attachments (a web page, a `payto:` donation link) as one paragraph of links:
    they are for following, not for showing as media."""
    anchors = [
        f'<a href="{escape(a.url or "", quote=True)}" rel="nofollow noopener noreferrer">'
        f"{escape(a.name or a.url or '')}</a>"
        for a in links
    ]
    return f"<p>{'<br>'.join(anchors)}</p>" if anchors else ""


def fields_from(obj: ParsedObject, author: Actor) -> dict[str, Any]:
    content = obj.content
    if content is None and obj.content_map:
        content = next(iter(obj.content_map.values()))
    media = [a for a in obj.attachments if a.kind not in (None, "link")]
    links = [a for a in obj.attachments if a.kind == "link"]
    return {
        "type": obj.type[:32],
        "content": clean_html(content or "") + link_paragraph(links),
        "summary": html_to_text(obj.summary or ""),
        "name": (obj.name or "")[:500],
        "sensitive": obj.raw.get("sensitive") is True,
        "language": language_of(obj),
        "in_reply_to_uri": obj.in_reply_to,
        "visibility": visibility_from_addressing(obj.to, obj.cc, author.followers_url),
        "to": list(obj.to),
        "cc": list(obj.cc),
        "tags": unique_tags(obj.tags),
        "attachments": [
            {
                "type": a.type,
                "url": a.url,
                "mediaType": a.media_type,
                "name": a.name,
                "kind": a.kind,
            }
            for a in media
        ],
        "url": obj.raw.get("url") if isinstance(obj.raw.get("url"), str) else None,
        "document": obj.raw,
        "poll": remote_poll(obj.raw),
    }


async def drop_rejected_media(values: dict[str, Any], author: Actor) -> dict[str, Any]:
    """`reject_media` domains: their attachments are neither stored, shown nor fetched."""
    from federation.policy import load_policy, rejects_media

    if values.get("attachments") and rejects_media(await load_policy(), author.domain):
        values["attachments"] = []
    return values


async def store_remote_post(
    doc: dict[str, Any], author: Actor, base_url: str, *, force: bool = False
) -> Post | None:
    obj = parse_object(doc)
    if obj.type not in POST_TYPES:
        return None
    existing = await Post.get_or_none(uri=obj.id)
    if existing is not None:
        return existing
    if not force and not await is_relevant(obj, author, base_url):
        return None
    named = await _local_space([*obj.audience, *obj.to, *obj.cc], base_url)
    if named is not None and named.private:
        return None  # remote actors cannot post into a private space
    values = await drop_rejected_media(fields_from(obj, author), author)
    space = await _destination(named, obj.in_reply_to, author, values["visibility"])
    if space is not None and space.private:
        return None  # nor reply inside one
    return await Post.create(
        id=new_id(),
        uri=obj.id,
        actor=author,
        local=False,
        space=space,
        audience=space.uri if space else (obj.audience[0] if obj.audience else None),
        published=parse_published(obj.published),
        **values,
    )


def addressed_publicly(obj: ParsedObject) -> bool:
    return any(is_public(a) for a in (*obj.to, *obj.cc))
