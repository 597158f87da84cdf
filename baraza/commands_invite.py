"""`baraza invite`: invitation links from the shell, and whether members may invite too."""

from __future__ import annotations

import argparse
import re
from datetime import timedelta
from typing import Any

from baraza.settings import Settings

_DURATION = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def duration(text: str) -> timedelta:
    """`12h`, `7d`, `2w`."""
    found = _DURATION.fullmatch(text.strip())
    if not found or int(found[1]) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 12h, 7d or 2w")
    return int(found[1]) * _UNITS[found[2]]


def uses(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100000:
        raise argparse.ArgumentTypeError("--uses takes a whole number from 1")
    return int(text)


async def cmd_invite_create(settings: Settings, args: argparse.Namespace) -> int:
    from baraza.commands_spaces import cli_who
    from outbox.invitations import create_invitation

    code = await create_invitation(
        None, max_uses=args.uses, expires_in=args.expires, shell_user=cli_who()
    )
    print(f"{settings.base_url}/invite/{code}")
    return 0


async def cmd_members_may_invite(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.invitations import members_may_invite, set_members_may_invite

    if args.value is not None:
        await set_members_may_invite(args.value == "on")
    print(f"members-may-invite: {'on' if await members_may_invite() else 'off'}")
    return 0


def register_invite(sub: Any) -> None:
    parser = sub.add_parser("invite", help="invitation links")
    isub = parser.add_subparsers(dest="invite_action", required=True)
    create = isub.add_parser("create", help="print a new invitation link")
    create.add_argument("--uses", type=uses, default=1, help="how many accounts it makes (1)")
    create.add_argument(
        "--expires", type=duration, default=timedelta(days=7), help="12h, 7d, 2w (7d)"
    )
    create.set_defaults(handler=cmd_invite_create)
    members = isub.add_parser(
        "members-may-invite", help="may members other than admins invite (off)"
    )
    members.add_argument("value", nargs="?", choices=("on", "off"))
    members.set_defaults(handler=cmd_members_may_invite)
