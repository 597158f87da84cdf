"""Request parameters the way Mastodon apps send them: query, form, multipart or JSON.

Apps differ (Tusky sends forms, Elk JSON, Mastodon.py forms with `source[language]`), so
the OAuth, account and instance endpoints read one flat view of them and type-check each
field they use; a field of the wrong type is a 422 naming the field, never a 500. Nested JSON
objects also answer to their form spelling (`{"source": {"language": "fr"}}` is
`source[language]`), so one code path serves both encodings.
"""

from __future__ import annotations

from typing import Any

import orjson
from quart import request

from federation.errors import NotFound, Unprocessable

MAX_ROW_ID = 2**63 - 1  # BIGINT ids (posts, media): a larger number overflows the driver
MAX_SERIAL_ID = 2**31 - 1  # INTEGER ids (actors, reports): PostgreSQL refuses larger ones
TRUE_VALUES = frozenset({"1", "true", "on", "yes", "t"})
FALSE_VALUES = frozenset({"0", "false", "off", "no", "f", ""})


async def body_params() -> dict[str, Any]:
    """The body as a dict: JSON objects flattened one level, forms with `a[b]` keys as sent."""
    mimetype = request.mimetype or ""
    if mimetype == "application/json" or mimetype.endswith("+json"):
        raw = await request.get_data()
        if not raw.strip():
            return {}
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise Unprocessable("the body is not valid JSON") from exc
        if not isinstance(doc, dict):
            raise Unprocessable("the JSON body must be an object")
        return _flatten_json(doc)
    form = await request.form
    params: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        params[key] = values if key.endswith("[]") else values[-1]
    return params


def _flatten_json(doc: dict[str, Any]) -> dict[str, Any]:
    flat = dict(doc)
    for key, value in doc.items():
        if isinstance(value, dict):
            for inner, item in value.items():
                flat.setdefault(f"{key}[{inner}]", item)
        if isinstance(value, list):
            flat.setdefault(f"{key}[]", value)
    return flat


def text(params: dict[str, Any], name: str, *, max_length: int = 5000) -> str | None:
    """A string parameter (None when absent); 422 when it is not a string or too long."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unprocessable(f"{name} must be a string")
    if len(value) > max_length:
        raise Unprocessable(f"{name} is longer than {max_length} characters")
    return value


def flag(params: dict[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_VALUES:
        return True
    if isinstance(value, str) and value.strip().lower() in FALSE_VALUES:
        return False
    raise Unprocessable(f"{name} must be true or false")


def row_id(value: object, maximum: int = MAX_ROW_ID) -> int | None:
    """A database id from a path or a parameter; `None` for anything no row can have."""
    if not isinstance(value, str) or not value.isdecimal() or len(value) > 19:
        return None
    number = int(value)
    return number if number <= maximum else None


def id_or_404(value: object, maximum: int = MAX_ROW_ID, *, reason: str = "Record not found") -> int:
    """`row_id` for path segments: an id no row can have is simply not found."""
    number = row_id(value, maximum)
    if number is None:
        raise NotFound(reason)
    return number


def id_list(values: list[str], name: str) -> list[int]:
    """Account ids as apps send them (strings); 422 for anything that is not one."""
    ids: list[int] = []
    for value in values:
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise Unprocessable(f"{name} must be a list of ids")
        number = row_id(str(value), MAX_SERIAL_ID)
        if number is None:
            raise Unprocessable(f"{name} must be a list of ids")
        ids.append(number)
    return ids
