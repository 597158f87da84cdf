"""Request parameters the way Mastodon apps send them: path, query, form, multipart or JSON.

The client API's one parser of input. Apps differ (Tusky and Mastodon.py send forms with
`source[language]` and `ids[]=`, Elk and web apps send JSON), so an endpoint reads one view and
never cares which encoding arrived; every field it uses is type-checked here. Whatever a
stranger sends, the answer is a 4xx naming the field, never a 500:

- ids (path segments and id parameters) are `storage.ids.parse_id`: ASCII digits within the
  column's range, else the same 404 as a missing row (`id_or_404`) or a 422 for a body field;
- numbers (limit, offset, expires_in, ...) are bounded (`number`), else 422 naming the field;
- JSON bodies go through `federation.activities.parse_json`, the parser every JSON door shares
  (nesting depth and size bounded, invalid UTF-8 refused), and must be objects. A body that
  does not parse is `400 {"error": "the body is not valid JSON"}` on every route of the API,
  before the route runs (`refuse_malformed_json`): an app that sent broken JSON learns that,
  not that some field it did send is "blank". A body sent without a content type (or as
  text/plain, as `curl -d` and some scripts do) that starts like JSON is read as JSON;
- strings are strings of bounded length (`text`), booleans are the spellings apps use (`flag`).

Two views of the same parameters: `body_params()` is one flat dict (the last value of a form
field, nested JSON objects also under their form spelling `a[b]`), used by OAuth, accounts and
the instance; `request_params()` is a `Params` of lists merged from the query string and the
body, used where a field may repeat (`media_ids[]`, `choices[]`).
"""

from __future__ import annotations

from typing import Any

from quart import request
from tortoise.models import Model

from federation.activities import NOT_AN_OBJECT, NOT_JSON, parse_json
from federation.errors import BadRequest, NotFound, Unprocessable
from storage.ids import MAX_BIGINT, MAX_INT, parse_id, parse_int

__all__ = [
    "MAX_BIGINT",
    "MAX_INT",
    "NOT_JSON",
    "Params",
    "body_params",
    "flag",
    "id_list",
    "id_or_404",
    "number",
    "refuse_malformed_json",
    "request_params",
    "row_id",
    "text",
]

TRUE_VALUES = frozenset({"1", "true", "on", "yes", "t"})
FALSE_VALUES = frozenset({"0", "false", "off", "no", "f", ""})
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_API_PREFIXES = ("/api/", "/oauth/")
_UNDECLARED = ("", "text/plain")  # no content type, or curl's and scripts' plain text


async def _is_json() -> bool:
    """Is the body JSON: declared so, or undeclared and starting like a JSON object or array."""
    mimetype = request.mimetype or ""
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return True
    if mimetype in _UNDECLARED and request.method in _BODY_METHODS:
        return (await request.get_data()).lstrip()[:1] in (b"{", b"[")
    return False


async def _json_body() -> dict[str, Any]:
    """The JSON body as an object ({} when empty), through the one bounded JSON parser."""
    raw = await request.get_data()
    if not raw.strip() or raw.strip() == b"null":
        return {}  # a client's "no body" (some libraries send JSON null)
    return parse_json(raw)  # a body that does not decode: 400 NOT_JSON


async def refuse_malformed_json() -> None:
    """Before any client API or OAuth route runs: a JSON body that does not parse is a 400.

    Mastodon (Rails) refuses such a body before its controllers run, whatever the route; so
    do we, so no route can read a broken body as an empty one.
    """
    if request.method in _BODY_METHODS and request.path.startswith(_API_PREFIXES):
        if await _is_json():
            try:
                await _json_body()
            except BadRequest as refusal:
                # JSON that decodes but is no object (`null` from a client sending no body)
                # is the route's to judge: a DELETE reads no body and should not fail on it.
                if refusal.reason != NOT_AN_OBJECT:
                    raise


async def body_params() -> dict[str, Any]:
    """The body as a dict: JSON objects flattened one level, forms with `a[b]` keys as sent."""
    if await _is_json():
        return _flatten_json(await _json_body())
    form = await request.form
    params: dict[str, Any] = {}
    for key in _named(form):
        values = form.getlist(key)
        params[key] = values if key.endswith("[]") else values[-1]
    return params


def _named(form: Any) -> list[str]:
    """Form field names; a multipart part without a `name` is dropped, not a crash.

    A NUL in a name or a value is refused (422): no text we keep may hold one, and PostgreSQL
    rejects it at insert time. JSON bodies get the same check from `parse_json`.
    """
    names = [key for key in form if isinstance(key, str)]
    for key in names:
        if "\x00" in key or any("\x00" in value for value in form.getlist(key)):
            raise Unprocessable(f"{key[:40]} contains a NUL character")
    return names


def _flatten_json(doc: dict[str, Any]) -> dict[str, Any]:
    flat = dict(doc)
    for key, value in doc.items():
        if isinstance(value, dict):
            for inner, item in value.items():
                flat.setdefault(f"{key}[{inner}]", item)
        if isinstance(value, list):
            flat.setdefault(f"{key}[]", value)
    return flat


class Params:
    """Query and body parameters merged, each name holding the list of values sent."""

    def __init__(self, values: dict[str, list[Any]]) -> None:
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        found = self._values.get(name) or self._values.get(f"{name}[]")
        return found[0] if found else default

    def text(self, name: str, default: str = "") -> str:
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Unprocessable(f"{name} must be a string")
        return str(value)

    def getlist(self, name: str) -> list[Any]:
        return [*self._values.get(name, []), *self._values.get(f"{name}[]", [])]

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in TRUE_VALUES

    def number(self, name: str, *, default: int, minimum: int, maximum: int) -> int:
        """A bounded whole number; absent is `default`, anything else out of range is 422."""
        return number(self.get(name), name, default=default, minimum=minimum, maximum=maximum)

    def __contains__(self, name: str) -> bool:
        return name in self._values or f"{name}[]" in self._values


def _add(values: dict[str, list[Any]], key: str, value: Any) -> None:
    if isinstance(value, list):
        values.setdefault(key, []).extend(value)
    else:
        values.setdefault(key, []).append(value)


async def request_params() -> Params:
    """Query string and body (JSON or form) merged into one `Params`."""
    values: dict[str, list[Any]] = {}
    for key in request.args:
        for value in request.args.getlist(key):
            _add(values, key, value)
    if request.method in _BODY_METHODS or (request.method == "GET" and await _is_json()):
        # Mastodon (Rails) also reads a JSON body sent with a GET, and Mastodon.py sends its
        # list of ids that way for familiar_followers.
        if await _is_json():
            for key, value in (await _json_body()).items():
                _add(values, key, value)
        else:
            form = await request.form
            for key in _named(form):
                for value in form.getlist(key):
                    _add(values, key, value)
    return Params(values)


def text(params: dict[str, Any], name: str, *, max_length: int = 5000) -> str | None:
    """A string parameter (None when absent); 422 when not a string, too long, or has a NUL."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unprocessable(f"{name} must be a string")
    if "\x00" in value:
        raise Unprocessable(f"{name} contains a NUL character")
    if len(value) > max_length:
        raise Unprocessable(f"{name} is longer than {max_length} characters")
    return value


def flag(params: dict[str, Any], name: str) -> bool | None:
    """A boolean as apps spell it (true/1/on, false/0/off); 422 for anything else."""
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


def number(value: object, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A bounded whole number from a query or body field: absent/empty is `default`.

    Anything else that is not plain ASCII decimal in [minimum, maximum] is a 422 naming the
    field and its range, so an app learns what it sent wrong instead of getting a 500.
    """
    if value is None or value == "":
        return default
    parsed = parse_int(value, minimum=minimum, maximum=maximum)
    if parsed is None:
        raise Unprocessable(f"{name} must be a whole number from {minimum} to {maximum}")
    return parsed


def row_id(value: object, bound: int | type[Model] = MAX_BIGINT) -> int | None:
    """A database id from a path or a parameter; `None` for anything no row can have.

    `bound` is the model queried (its id column's range) or a number.
    """
    return parse_id(value, bound)


def id_or_404(
    value: object, bound: int | type[Model] = MAX_BIGINT, *, reason: str = "Record not found"
) -> int:
    """`row_id` for path segments: an id no row can have is simply not found."""
    number_ = parse_id(value, bound)
    if number_ is None:
        raise NotFound(reason)
    return number_


def id_list(values: list[Any], name: str, bound: int | type[Model] = MAX_INT) -> list[int]:
    """Ids as apps send them (strings or numbers); 422 for anything that is not one."""
    if not isinstance(values, list):
        raise Unprocessable(f"{name} must be a list of ids")
    ids: list[int] = []
    for value in values:
        parsed = parse_id(value, bound)
        if parsed is None:
            raise Unprocessable(f"{name} must be a list of ids")
        ids.append(parsed)
    return ids
