"""Turning the plain text a member typed into the status HTML Mastodon apps and peers expect.

Pure: `mentioned_handles` finds what must be resolved (the caller does the WebFinger I/O),
then `render` writes the HTML with the resolved mentions linked. Text is escaped before any
markup is added, so nothing the member types becomes markup by itself.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# A URL runs to whitespace; trailing punctuation belongs to the sentence, not the link.
_URL = r"https?://[^\s<>\"']+"
_MENTION = (
    r"(?<![\w/@])@(?P<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
    r"(?:@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d+)?))?"
)
_HASHTAG = r"(?<![\w/&#])#(?P<name>\w*[^\W\d_]\w*)"
_TOKEN = re.compile(f"(?P<url>{_URL})|(?P<mention>{_MENTION})|(?P<tag>{_HASHTAG})")
_TRAILING = ".,;:!?)]}'\""

ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu".split()
)


@dataclass(frozen=True)
class MentionLink:
    """A resolved mention: where it links and how Mastodon spells it (`user` or `user@host`)."""

    url: str
    username: str


@dataclass(frozen=True)
class Composed:
    html: str
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # handles that were linked


def valid_language(code: str) -> bool:
    return code.lower() in ISO_639_1


def _handle(user: str, domain: str | None) -> str:
    return f"{user}@{domain.lower()}" if domain else user


def mentioned_handles(text: str) -> list[str]:
    """`user` or `user@domain` for each mention, in order, without repeats."""
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.group("mention"):
            handle = _handle(match.group("user"), match.group("domain"))
            if handle not in found:
                found.append(handle)
    return found


def _split_trailing(url: str) -> tuple[str, str]:
    end = len(url)
    while end > 0 and url[end - 1] in _TRAILING:
        end -= 1
    return url[:end], url[end:]


def _link_url(url: str) -> str:
    href = html.escape(url, quote=True)
    shown = re.sub(r"^https?://(www\.)?", "", url)
    rel = "nofollow noopener noreferrer"
    return f'<a href="{href}" rel="{rel}" target="_blank">{html.escape(shown)}</a>'


def _render_line(
    line: str, mentions: dict[str, MentionLink], base_url: str, tags: list[str], linked: list[str]
) -> str:
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(line):
        out.append(html.escape(line[pos : match.start()], quote=False))
        pos = match.end()
        if match.group("url"):
            url, rest = _split_trailing(match.group("url"))
            out.append(_link_url(url) + html.escape(rest, quote=False))
        elif match.group("mention"):
            handle = _handle(match.group("user"), match.group("domain"))
            link = mentions.get(handle)
            if link is None:
                out.append(html.escape(match.group(0), quote=False))
                continue
            if handle not in linked:
                linked.append(handle)
            out.append(
                f'<span class="h-card"><a href="{html.escape(link.url)}" class="u-url mention">'
                f"@<span>{html.escape(link.username)}</span></a></span>"
            )
        else:
            name = match.group("name")
            if name.lower() not in (t.lower() for t in tags):
                tags.append(name)
            href = html.escape(f"{base_url}/tags/{name.lower()}")
            out.append(
                f'<a href="{href}" class="mention hashtag" rel="tag">'
                f"#<span>{html.escape(name)}</span></a>"
            )
    out.append(html.escape(line[pos:], quote=False))
    return "".join(out)


def render(text: str, mentions: dict[str, MentionLink], base_url: str) -> Composed:
    """Paragraphs at blank lines, `<br>` at single line breaks, links, tags and mentions."""
    tags: list[str] = []
    linked: list[str] = []
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", normalised) if p.strip()]
    parts = []
    for paragraph in paragraphs:
        lines = [
            _render_line(line, mentions, base_url, tags, linked) for line in paragraph.split("\n")
        ]
        parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return Composed(html="".join(parts), hashtags=tags, mentions=linked)
