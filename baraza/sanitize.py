"""The one HTML allowlist: remote content and local posts are cleaned with it before display."""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "span",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "del",
    "pre",
    "code",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )


_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>|</(?:li|h[1-4]|blockquote|pre)>", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """Plain text for fields apps show as text (a content warning is `spoiler_text`): tags
    go, line breaks and paragraphs become newlines, entities are decoded once."""
    stripped = nh3.clean(_BREAKS.sub("\n", html), tags=set(), attributes={})
    return unescape(stripped).strip()
