"""Row ids and bounded numbers read from outside: one strict parser every door uses.

A path segment or a parameter that names a row is text a stranger wrote. Python's `int()` and
`str.isdigit()` accept far more than a database column holds: `"²".isdigit()` is true but
`int("²")` raises, `int("١٢٣")` is 123, `"9" * 10_000` is a number no driver can bind, and
2**31 fits SQLite but overflows PostgreSQL's INTEGER. Each of those used to reach a query and
answer 500. Here an id is ASCII digits naming a value the column can hold, or it is nothing,
and "nothing" becomes the same 404 as a row that does not exist (no oracle, no crash).

Pure functions; nothing here does I/O. The bound of a column is read from the model, so a
caller names the model it will query and can never pick the wrong range.
"""

from __future__ import annotations

import re

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "MAX_BIGINT",
    "MAX_INT",
    "column_max",
    "fits_column",
    "parse_id",
    "parse_int",
]

MAX_BIGINT = 2**63 - 1  # BIGINT columns (posts, media, documents, notifications)
MAX_INT = 2**31 - 1  # INTEGER columns (actors, reports, blocks): PostgreSQL refuses larger ones
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")  # 19 digits hold every BIGINT; \d takes any Nd
_SIGNED = re.compile(r"-?[0-9]{1,19}")


def column_max(model: type[Model], field_name: str = "id") -> int:
    """The largest value `model.field_name` holds on every engine we run on."""
    field = model._meta.fields_map[field_name]
    if isinstance(field, fields.BigIntField):
        return MAX_BIGINT
    if isinstance(field, fields.SmallIntField):
        return 2**15 - 1
    return MAX_INT


def fits_column(model: type[Model], field_name: str, value: str) -> bool:
    """Could `value` be stored in this text column? A longer key names no row.

    Looking a row up by a key a stranger sent (a name, a client_id, a domain) must not hand
    the ORM a value its column validator refuses: tortoise raises instead of finding nothing.
    """
    limit = getattr(model._meta.fields_map[field_name], "max_length", None)
    return limit is None or len(value) <= limit


def parse_id(value: object, bound: int | type[Model] = MAX_BIGINT) -> int | None:
    """A row id from outside: ASCII digits, 1..bound (a number or the model queried), else None.

    An `int` (a JSON number) is taken as it is, within the same range; a bool is not an id.
    """
    maximum = bound if isinstance(bound, int) else column_max(bound)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= maximum else None


def parse_int(value: object, *, minimum: int, maximum: int) -> int | None:
    """A bounded whole number (a limit, an offset, seconds): optional '-', ASCII digits.

    Strings like "1e3", "0x10", " 7", "1.5" and non-ASCII digits are not numbers here: apps
    send plain decimals, and anything else is a typo or a probe that deserves a clear 4xx.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _SIGNED.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None
