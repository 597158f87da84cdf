"""`baraza space ...`: the console's spaces actions from a terminal, parsed by the real parser
and run in process against one database (both engines), each leaving the same audit entry as
the console; a refused one is one line (CliError) and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member
from baraza.cli import build_parser
from baraza.cli_errors import CliError
from storage.models import Actor, AuditEntry, Follow, SpaceRole
from tests.conftest import make_settings


async def baraza(settings: Any, *argv: str) -> None:
    args = build_parser().parse_args(list(argv))
    await args.handler(settings, args)


async def test_spaces_are_run_from_the_terminal(any_db: str, tmp_path: Path, capsys) -> None:
    settings = make_settings(any_db, tmp_path)
    amina = await create_member(settings, "amina")
    carla = await create_member(settings, "carla")
    bongani = await create_member(settings, "bongani")
    await baraza(settings, "space", "add", "casefile", "--private", "--owner", "amina")
    space = await Actor.get(local_username="casefile")
    await baraza(settings, "space", "rename", "casefile", "Case file")
    await baraza(settings, "space", "moderator", "add", "casefile", "carla")
    await baraza(settings, "space", "moderator", "remove", "casefile", "carla")
    await baraza(settings, "space", "owner", "casefile", "carla")
    roles = {r.member_id: r.role for r in await SpaceRole.filter(space=space)}
    assert roles == {amina.id: "moderator", carla.id: "owner"}
    await baraza(settings, "space", "restrict", "casefile")
    assert (await Actor.get(id=space.id)).posting_restricted_to_mods
    await baraza(settings, "space", "restrict", "casefile", "--off")
    await Follow.create(follower=bongani, target=space, accepted=False)
    capsys.readouterr()
    await baraza(settings, "space", "requests", "casefile")
    assert "bongani@" in capsys.readouterr().out
    await baraza(settings, "space", "archive", "casefile", "--reason", "closed")
    assert (await Actor.get(id=space.id)).archived_at is not None
    capsys.readouterr()
    await baraza(settings, "space", "list")
    assert "casefile\tprivate archived\t" in capsys.readouterr().out
    with pytest.raises(CliError, match="archived"):
        await baraza(settings, "space", "admit", "casefile", "bongani")
    assert not (await Follow.get(follower=bongani, target=space)).accepted
    await baraza(settings, "space", "archive", "casefile", "--undo")
    await baraza(settings, "space", "admit", "casefile", "bongani")
    assert (await Follow.get(follower=bongani, target=space)).accepted
    with pytest.raises(CliError, match="not a moderator"):
        await baraza(settings, "space", "moderator", "remove", "casefile", "bongani")
    actions = [e.action for e in await AuditEntry.filter(target=space.uri).order_by("id")]
    assert actions == [
        "space.create",
        "space.rename",
        "space.moderator_add",
        "space.moderator_remove",
        "space.change_owner",
        "space.restrict",
        "space.unrestrict",
        "space.archive",
        "space.unarchive",
        "space.admit",
    ]
    assert all(e.who.startswith("cli") for e in await AuditEntry.filter(target=space.uri))
