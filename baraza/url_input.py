"""What a URL may carry, checked once for every route: strict converters and a NUL-free query.

`<int:…>` means a row id the database can hold. Werkzeug's own `int` converter matches
`\\d+`, and `\\d` is any Unicode decimal digit: Arabic-Indic digits matched and became 123,
and `9223372036854775808` (2**63) reached the query and overflowed the driver (500). Replacing
the converter app-wide covers every `<int:…>` route at once, present and future: only ASCII
digits naming 1..2**63-1 (or the rule's `max`) match; anything else does
not match the rule, which is the same 404 as an id with no row behind it.

A NUL character is never part of a name, a tag or a search, and PostgreSQL refuses it in any
text value (a 500 where SQLite shrugs): `<name>` and `<path:…>` segments never match one, and a
query string carrying one is a 400 before any handler runs.
"""

from __future__ import annotations

from typing import Any

from quart import Quart, request, websocket
from werkzeug.routing import BaseConverter, Map, PathConverter, UnicodeConverter, ValidationError

from federation.errors import BadRequest
from storage.ids import MAX_BIGINT, parse_id


class RowIdConverter(BaseConverter):
    """`<int:post_id>` or `<int(max=2147483647):actor_id>`: a strict, bounded row id."""

    regex = r"[0-9]{1,19}"
    weight = 50
    part_isolating = True

    def __init__(self, map: Map, *, max: int = MAX_BIGINT) -> None:
        super().__init__(map)
        self.maximum = max

    def to_python(self, value: str) -> int:
        number = parse_id(value, self.maximum)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


class SegmentConverter(UnicodeConverter):
    """`<name>`: one path segment, as werkzeug's default, but never one holding a NUL."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


class NulFreePathConverter(PathConverter):
    """`<path:…>`: several segments, never a NUL."""

    regex = "[^/\\x00][^\\x00]*?"


CONVERTERS: dict[str, type[BaseConverter]] = {
    "int": RowIdConverter,
    "default": SegmentConverter,
    "string": SegmentConverter,
    "path": NulFreePathConverter,
}


async def refuse_nul_in_query() -> None:
    """A query string with a NUL is malformed input: 400 here, not 500 at PostgreSQL."""
    args = websocket.args if websocket else request.args
    for key, value in args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise BadRequest("the query string contains a NUL character")


def install_url_input(app: Quart) -> None:
    """Before any rule is added: the strict converters; and the query check on every route."""
    app.url_map.converters.update(CONVERTERS)
    app.before_request(refuse_nul_in_query)
    app.before_websocket(refuse_nul_in_query)
