"""The one parser of ids and bounded numbers from outside: a table of what is and is not one."""

from __future__ import annotations

import pytest

from storage.ids import MAX_BIGINT, MAX_INT, column_max, fits_column, parse_id, parse_int
from storage.models import Actor, OAuthApp, Post, Report


@pytest.mark.parametrize(
    ("value", "bound", "expected"),
    [
        ("1", MAX_BIGINT, 1),
        ("117699511055370058", Post, 117699511055370058),
        (str(MAX_BIGINT), MAX_BIGINT, MAX_BIGINT),
        ("9223372036854775808", MAX_BIGINT, None),  # 2**63: overflowed the driver (500)
        ("2147483647", Actor, MAX_INT),
        ("2147483648", Actor, None),  # 2**31: beyond PostgreSQL's INTEGER (500 there)
        ("2147483648", Report, None),
        ("2147483648", Post, 2147483648),
        ("²", MAX_BIGINT, None),  # isdigit() is true, int() raises (500)
        ("١٢٣", MAX_BIGINT, None),  # int() gives 123: no column has that spelling
        ("0", MAX_BIGINT, None),
        ("-1", MAX_BIGINT, None),
        ("9" * 10_000, MAX_BIGINT, None),
        ("", MAX_BIGINT, None),
        (" 7", MAX_BIGINT, None),
        ("1.5", MAX_BIGINT, None),
        ("0x10", MAX_BIGINT, None),
        ("../", MAX_BIGINT, None),
        ("\x00", MAX_BIGINT, None),
        (42, MAX_BIGINT, 42),  # a JSON number
        (True, MAX_BIGINT, None),
        (None, MAX_BIGINT, None),
        ([1], MAX_BIGINT, None),
    ],
)
def test_parse_id(value: object, bound: int | type, expected: int | None) -> None:
    assert parse_id(value, bound) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("-5", -5),
        ("40", 40),
        ("41", None),
        ("-11", None),
        ("²", None),
        ("٣", None),
        ("1e3", None),
        ("+5", None),
        ("1_0", None),
        ("9" * 400, None),
        (7, 7),
        (False, None),
        (1.5, None),
    ],
)
def test_parse_int_bounds(value: object, expected: int | None) -> None:
    assert parse_int(value, minimum=-10, maximum=40) == expected


def test_column_bounds_come_from_the_model() -> None:
    assert column_max(Post) == MAX_BIGINT
    assert column_max(Actor) == MAX_INT
    assert fits_column(OAuthApp, "client_id", "x" * 64)
    assert not fits_column(OAuthApp, "client_id", "x" * 65)
    assert not fits_column(Actor, "local_username", "9" * 10_000)
