"""The directory of spaces lists the public spaces of this instance and nothing else."""

from __future__ import annotations

import pytest

from spaces.directory import Listing, listed


@pytest.mark.parametrize(
    ("actor", "shown", "why"),
    [
        (Listing(is_group=True, local=True, private=False, suspended=False), True, "public"),
        (Listing(is_group=True, local=True, private=True, suspended=False), False, "private"),
        (Listing(is_group=True, local=True, private=False, suspended=True), False, "suspended"),
        (Listing(is_group=True, local=False, private=False, suspended=False), False, "remote"),
        (Listing(is_group=False, local=True, private=False, suspended=False), False, "a person"),
    ],
)
def test_listed(actor: Listing, shown: bool, why: str) -> None:
    assert listed(actor) is shown, why
