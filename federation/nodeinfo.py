"""Reading a peer's NodeInfo (which software, which version) through the one outbound client.

Two GETs: `/.well-known/nodeinfo` lists schema links, and the newest 2.x document names the
software. Both go through `HttpClient`, so private addresses are refused in production as for
every other fetch. The link must stay on the peer's own host: a document served elsewhere
would let one server describe another. Parsing is pure and table-tested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from federation.client import FetchError, HttpClient
from federation.fetch import same_authority

WELL_KNOWN = "/.well-known/nodeinfo"
SCHEMAS = tuple(f"http://nodeinfo.diaspora.software/ns/schema/{v}" for v in ("2.1", "2.0"))
_FIELD = 100


class NodeInfoError(Exception):
    """The peer gave no usable NodeInfo; the message is short enough to show an admin."""


@dataclass(frozen=True)
class Software:
    name: str
    version: str


def pick_link(doc: object) -> str | None:
    """Pure: the href of the newest NodeInfo 2.x schema a discovery document lists."""
    links = doc.get("links") if isinstance(doc, dict) else None
    if not isinstance(links, list):
        return None
    found = {
        link.get("rel"): link.get("href")
        for link in links
        if isinstance(link, dict) and isinstance(link.get("href"), str)
    }
    for schema in SCHEMAS:
        if schema in found:
            return found[schema]
    return None


def parse_software(doc: object) -> Software:
    """Pure: `software.name` and `software.version`, trimmed to what the console stores."""
    software = doc.get("software") if isinstance(doc, dict) else None
    name = software.get("name") if isinstance(software, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise NodeInfoError("no software name in the NodeInfo document")
    version = software.get("version") if isinstance(software, dict) else None
    version = version if isinstance(version, str) else ""
    return Software(name.strip()[:_FIELD], version.strip()[:_FIELD])


async def _json(http: HttpClient, url: str) -> Any:
    try:
        response = await http.get(url, accept="application/json")
    except FetchError as exc:
        raise NodeInfoError(exc.reason) from exc
    if response.status != 200:
        raise NodeInfoError(f"answered {response.status}")
    try:
        return json.loads(response.body)
    except ValueError as exc:
        raise NodeInfoError("not JSON") from exc


async def fetch_software(http: HttpClient, base: str) -> Software:
    """The software the peer at `base` (scheme and authority) runs, from its NodeInfo."""
    host = base.split("://", 1)[-1]
    href = pick_link(await _json(http, base + WELL_KNOWN))
    if href is None:
        raise NodeInfoError("no NodeInfo 2.x link")
    if not same_authority(href, host):
        raise NodeInfoError("the NodeInfo link points to another host")
    return parse_software(await _json(http, href))
