"""Request parameters as Mastodon apps send them: query string, form, multipart or JSON.

Apps differ (Mastodon.py sends forms, web apps send JSON, arrays come as `ids[]=` or `ids=`),
so endpoints read one merged view and never care which encoding arrived.
"""

from __future__ import annotations

from typing import Any

from quart import request

from federation.errors import Unprocessable

TRUE = {"1", "true", "on", "yes", "t"}


class Params:
    def __init__(self, values: dict[str, list[Any]]) -> None:
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        found = self._values.get(name) or self._values.get(f"{name}[]")
        return found[0] if found else default

    def text(self, name: str, default: str = "") -> str:
        value = self.get(name)
        if value is None:
            return default
        if not isinstance(value, str | int | float):
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
        return str(value).strip().lower() in TRUE

    def __contains__(self, name: str) -> bool:
        return name in self._values or f"{name}[]" in self._values


def _add(values: dict[str, list[Any]], key: str, value: Any) -> None:
    if isinstance(value, list):
        values.setdefault(key, []).extend(value)
    else:
        values.setdefault(key, []).append(value)


async def request_params() -> Params:
    values: dict[str, list[Any]] = {}
    for key in request.args:
        for value in request.args.getlist(key):
            _add(values, key, value)
    if request.method in ("POST", "PUT", "PATCH"):
        if request.is_json:
            try:
                body = await request.get_json(silent=True)
            except UnicodeDecodeError as exc:
                raise Unprocessable("the JSON body is not valid UTF-8") from exc
            if body is not None and not isinstance(body, dict):
                raise Unprocessable("the request body must be a JSON object")
            for key, value in (body or {}).items():
                _add(values, key, value)
        else:
            form = await request.form
            for key in form:
                for value in form.getlist(key):
                    _add(values, key, value)
    return Params(values)
