"""Content negotiation: which representation a request asked for. Pure, table-tested."""

from __future__ import annotations

AS2_TYPES = ("application/activity+json", "application/ld+json")


def _parse_accept(accept: str) -> list[tuple[str, float, str]]:
    """(media type, q, parameters) for each entry, in the order given."""
    entries = []
    for part in accept.split(","):
        part = part.strip()
        if not part:
            continue
        media, _, params = part.partition(";")
        q = 1.0
        rest = []
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            elif key.strip():
                rest.append(param.strip())
        entries.append((media.strip().lower(), q, ";".join(rest)))
    return entries


def wants_html(accept: str | None) -> bool:
    """True when text/html is preferred over every ActivityStreams type; AS2 otherwise.

    Browsers send `text/html,...,*/*;q=0.8`; fediverse servers send an AS2 type, sometimes
    with `*/*`. A request naming neither gets AS2 (the design says other types get AS2).
    """
    if not accept:
        return False
    html_q = -1.0
    as2_q = -1.0
    for media, q, _ in _parse_accept(accept):
        if media == "text/html":
            html_q = max(html_q, q)
        elif media in AS2_TYPES:
            as2_q = max(as2_q, q)
    return html_q > 0 and html_q > as2_q


def is_as2_content_type(content_type: str | None) -> bool:
    """Inbox bodies: AS2 types, or plain JSON (some peers send application/json)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media in AS2_TYPES or media == "application/json"
