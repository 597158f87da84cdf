"""What a local username may be.

Names are part of URLs and acct: handles and are shared by members and spaces, so they are
restricted to a small, unambiguous alphabet (no homoglyphs, no case games).
"""

from __future__ import annotations

import re

NAME_PATTERN = re.compile(r"[a-z0-9_]{1,30}")


class InvalidName(ValueError):
    pass


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidName(f"invalid name {name!r}: use 1 to 30 characters from a-z, 0-9 and _")
    return name
