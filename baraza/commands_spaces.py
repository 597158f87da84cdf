"""`baraza space ...`: what the admin console's spaces pages do, from a terminal, through the
same core actions (`spaces.administration`) and so the same audit entries: rename, owner,
moderators, restriction, join requests, archive."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Awaitable, Callable
from typing import Any

from baraza.cli_errors import CliError
from baraza.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], Awaitable[int]]


def cli_who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _command(handler: Handler) -> Handler:
    """A refused space action is one line for the person at the terminal."""

    async def run(settings: Settings, args: argparse.Namespace) -> int:
        from spaces.administration import SpaceAdminError

        try:
            return await handler(settings, args)
        except SpaceAdminError as exc:
            raise CliError(str(exc)) from exc

    return run


async def _space_and_member(args: argparse.Namespace) -> tuple[Any, Any]:
    from actors.accounts import require_member, require_space

    return await require_space(args.space), await require_member(args.member)


@_command
async def cmd_space_rename(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_space
    from spaces.administration import rename

    space = await require_space(args.space)
    await rename(settings, cli_who(), space, args.display_name)
    print(f"{space.username} is now called {space.display_name}")
    return 0


@_command
async def cmd_space_owner(settings: Settings, args: argparse.Namespace) -> int:
    from spaces.administration import change_owner

    space, member = await _space_and_member(args)
    await change_owner(cli_who(), space, member)
    print(f"{member.username} owns {space.username}")
    return 0


@_command
async def cmd_space_moderator_remove(settings: Settings, args: argparse.Namespace) -> int:
    from spaces.administration import remove_moderator

    space, member = await _space_and_member(args)
    await remove_moderator(cli_who(), space, member)
    print(f"{member.username} no longer moderates {space.username}")
    return 0


@_command
async def cmd_space_restrict(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_space
    from spaces.administration import restrict_posting

    space = await require_space(args.space)
    await restrict_posting(settings, cli_who(), space, on=not args.off)
    who = "its moderators only" if space.posting_restricted_to_mods else "every member"
    print(f"{space.username}: {who} may post")
    return 0


@_command
async def cmd_space_archive(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_space
    from spaces.administration import archive

    space = await require_space(args.space)
    await archive(cli_who(), space, on=not args.undo, reason=args.reason or "")
    print(f"{space.username} is {'archived' if space.archived_at else 'open again'}")
    return 0


@_command
async def cmd_space_requests(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_space
    from spaces.console_spaces import pending_requests

    space = await require_space(args.space)
    for follow in await pending_requests(space):
        print(f"{follow.follower.acct}\t{follow.created_at:%Y-%m-%d %H:%M}")
    return 0


@_command
async def cmd_space_answer(settings: Settings, args: argparse.Namespace) -> int:
    from spaces.administration import SpaceAdminError, answer_request
    from storage.models import Follow

    space, member = await _space_and_member(args)
    follow = await Follow.get_or_none(follower=member, target=space, accepted=False)
    if follow is None:
        raise SpaceAdminError(f"{member.username} has not asked to join {space.username}")
    await answer_request(settings, cli_who(), space, follow, admit=args.admit)
    print(f"{member.username} {'admitted to' if args.admit else 'refused by'} {space.username}")
    return 0


def register_space_admin(space: Any, moderator: Any) -> None:
    """Added under `baraza space` (and its `moderator` group) by `baraza.commands`."""
    mremove = moderator.add_parser("remove", help="remove a moderator (they stay a member)")
    mremove.add_argument("space")
    mremove.add_argument("member")
    mremove.set_defaults(handler=cmd_space_moderator_remove)

    rename = space.add_parser("rename", help="change a space's display name")
    rename.add_argument("space")
    rename.add_argument("display_name")
    rename.set_defaults(handler=cmd_space_rename)

    owner = space.add_parser("owner", help="make a member the space's owner")
    owner.add_argument("space")
    owner.add_argument("member")
    owner.set_defaults(handler=cmd_space_owner)

    restrict = space.add_parser("restrict", help="only moderators post (--off: every member)")
    restrict.add_argument("space")
    restrict.add_argument("--off", action="store_true")
    restrict.set_defaults(handler=cmd_space_restrict)

    archive = space.add_parser("archive", help="make a space read-only (--undo: open it again)")
    archive.add_argument("space")
    archive.add_argument("--undo", action="store_true")
    archive.add_argument("--reason")
    archive.set_defaults(handler=cmd_space_archive)

    requests = space.add_parser("requests", help="list pending join requests")
    requests.add_argument("space")
    requests.set_defaults(handler=cmd_space_requests)

    for verb, admit in (("admit", True), ("refuse", False)):
        answer = space.add_parser(verb, help=f"{verb} a pending join request")
        answer.add_argument("space")
        answer.add_argument("member")
        answer.set_defaults(handler=cmd_space_answer, admit=admit)
