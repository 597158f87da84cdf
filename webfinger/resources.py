"""Which local actor a WebFinger `resource` names. Pure, so every odd form is table-tested."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from actors.names import NAME_PATTERN


class MalformedResource(ValueError):
    pass


@dataclass(frozen=True)
class Lookup:
    """A local name to look up, and the kind of actor when the URL form says it."""

    name: str
    kind: str | None = None


def parse_resource(resource: str | None, base_url: str, host: str) -> Lookup | None:
    """`None` means "not ours" (another domain, an unknown path): the caller answers 404.

    Raises `MalformedResource` (400) for a missing or unparseable resource. Names are matched
    exactly against the local alphabet, so homoglyphs and case tricks never resolve.
    """
    if not resource or not resource.strip():
        raise MalformedResource("missing resource parameter")
    resource = unquote(resource.strip())
    if resource.startswith("acct:"):
        handle = resource.removeprefix("acct:").lstrip("@")
        name, sep, domain = handle.rpartition("@")
        if not sep or not name or not domain:
            raise MalformedResource("resource must look like acct:name@domain")
        if domain.lower() != host.lower():
            return None
        return Lookup(name) if NAME_PATTERN.fullmatch(name) else None
    if resource.startswith(("http://", "https://")):
        parts = urlsplit(resource)
        if f"{parts.scheme}://{parts.netloc}".lower() != base_url.lower():
            return None
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) == 2 and segments[0] in ("users", "spaces"):
            kind = "Person" if segments[0] == "users" else "Group"
            return Lookup(segments[1], kind) if NAME_PATTERN.fullmatch(segments[1]) else None
        if len(segments) == 1 and segments[0].startswith("@"):
            name = segments[0][1:]
            return Lookup(name) if NAME_PATTERN.fullmatch(name) else None
        return None
    raise MalformedResource("resource must be an acct: URI or an http(s) URL")
