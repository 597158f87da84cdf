"""The subset of RFC 8941 structured fields that RFC 9421 signatures are written in.

Signature verification re-serializes `Signature-Input` to rebuild the signed text, so parsing
and serialization must be exact inverses for every value a peer may send; anything outside
the subset (decimals, dates, display strings) is refused rather than guessed at.
"""

from __future__ import annotations

import base64
import binascii
import string
from dataclasses import dataclass, field

from federation.errors import BadSignature

__all__ = [
    "Bare",
    "Item",
    "Params",
    "Token",
    "parse_dictionary",
    "serialize_bare",
    "serialize_inner",
    "serialize_item",
]


class Token(str):
    """An RFC 8941 token, kept apart from strings because it serializes without quotes."""


Bare = str | int | bytes | bool
Params = dict[str, Bare]


@dataclass(frozen=True)
class Item:
    """A bare value with its parameters, e.g. `"@query-param";name="Pet"`."""

    value: Bare
    params: Params = field(default_factory=dict)


_KEY_START = string.ascii_lowercase + "*"
_KEY_CHARS = string.ascii_lowercase + string.digits + "_-.*"
_TOKEN_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~:/"
_B64_CHARS = string.ascii_letters + string.digits + "+/="


class _Parser:
    """Recursive-descent parser over one header value; errors say where it went wrong."""

    def __init__(self, text: str) -> None:
        self.s, self.i = text, 0

    def fail(self, what: str) -> BadSignature:
        return BadSignature(f"malformed structured field: {what} at position {self.i}")

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def skip(self, chars: str) -> None:
        while self.peek() and self.peek() in chars:
            self.i += 1

    def take(self, chars: str) -> str:
        start = self.i
        self.skip(chars)
        return self.s[start : self.i]

    def key(self) -> str:
        if not self.peek() or self.peek() not in _KEY_START:
            raise self.fail("expected a key")
        return self.take(_KEY_CHARS)

    def bare(self) -> Bare:
        c = self.peek()
        if c == '"':
            self.i += 1
            out: list[str] = []
            while True:
                c = self.peek()
                self.i += 1
                if c == "":
                    raise self.fail("unterminated string")
                if c == '"':
                    return "".join(out)
                if c == "\\":
                    c = self.peek()
                    if c not in ('"', "\\"):
                        raise self.fail("bad escape")
                    self.i += 1
                elif not (" " <= c <= "~"):
                    raise self.fail("non-printable in string")
                out.append(c)
        if c == "-" or c.isdigit():
            sign = -1 if c == "-" else 1
            self.i += c == "-"
            digits = self.take(string.digits)
            if not digits or len(digits) > 15 or self.peek() == ".":
                raise self.fail("unsupported number")
            return sign * int(digits)
        if c == ":":
            self.i += 1
            encoded = self.take(_B64_CHARS)
            if self.peek() != ":":
                raise self.fail("unterminated byte sequence")
            self.i += 1
            try:
                return base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise self.fail("bad base64") from None
        if c == "?":
            self.i += 1
            flag = self.take("01")
            if flag not in ("0", "1"):
                raise self.fail("bad boolean")
            return flag == "1"
        if c.isalpha() or c == "*":
            return Token(self.take(_TOKEN_CHARS))
        raise self.fail("expected an item")

    def params(self) -> Params:
        params: Params = {}
        while self.peek() == ";":
            self.i += 1
            self.skip(" ")
            name = self.key()
            if self.peek() == "=":
                self.i += 1
                params[name] = self.bare()
            else:
                params[name] = True
        return params

    def member(self) -> Item | tuple[list[Item], Params]:
        if self.peek() != "(":
            return Item(self.bare(), self.params())
        self.i += 1
        items: list[Item] = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.i += 1
                return items, self.params()
            items.append(Item(self.bare(), self.params()))
            if self.peek() not in (" ", ")"):
                raise self.fail("expected space or ) in inner list")

    def dictionary(self) -> dict[str, Item | tuple[list[Item], Params]]:
        out: dict[str, Item | tuple[list[Item], Params]] = {}
        self.skip(" ")
        while self.peek():
            name = self.key()
            if self.peek() == "=":
                self.i += 1
                out[name] = self.member()
            else:
                out[name] = Item(True, self.params())
            self.skip(" \t")
            if not self.peek():
                break
            if self.peek() != ",":
                raise self.fail("expected ,")
            self.i += 1
            self.skip(" \t")
            if not self.peek():
                raise self.fail("trailing comma")
        return out


def serialize_bare(value: Bare) -> str:
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return f":{base64.b64encode(value).decode('ascii')}:"
    if isinstance(value, Token):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def serialize_params(params: Params) -> str:
    return "".join(f";{k}" if v is True else f";{k}={serialize_bare(v)}" for k, v in params.items())


def serialize_item(item: Item) -> str:
    return serialize_bare(item.value) + serialize_params(item.params)


def serialize_inner(items: list[Item], params: Params) -> str:
    return "(" + " ".join(serialize_item(i) for i in items) + ")" + serialize_params(params)


def parse_dictionary(value: str) -> dict[str, Item | tuple[list[Item], Params]]:
    """An RFC 8941 dictionary: label -> item, or label -> (inner list, its parameters)."""
    return _Parser(value).dictionary()
