"""Sub-commands of `baraza`: init, serve, worker, member, space.

Each async command is handed the database already open and settings whose identity is the
instance's stored one (`baraza.cli.open_instance`); `init` also gets the schema upgraded first.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from baraza.settings import Settings


async def cmd_init(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import ensure_instance_actor
    from outbox.push_keys import vapid_key

    await ensure_instance_actor(settings)
    await vapid_key()  # Web Push's key pair, made once; apps are shown it from the start
    print(f"initialised {settings.base_url} at {settings.database_url}")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from baraza.serve import serve

    return serve(settings, host=args.host, port=args.port, workers=args.workers)


async def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.worker import run_worker_forever

    await run_worker_forever(settings)
    return 0


async def cmd_member_add(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import create_member

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            from baraza.cli_errors import CliError

            raise CliError("--password-stdin given but no password on standard input")
    member = await create_member(
        settings,
        args.name,
        display_name=args.display_name or "",
        password=password,
        admin=args.admin,
    )
    print(f"created member {member.acct} ({member.uri})")
    return 0


async def cmd_member_token(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_member
    from clientapi.tokens import issue_token

    member = await require_member(args.name)
    token, _ = await issue_token(member, args.scopes)
    print(f"access token for {member.acct} (scopes: {args.scopes}):")
    print(token)
    return 0


async def cmd_member_list(settings: Settings, args: argparse.Namespace) -> int:
    from storage.models import Actor

    for member in await Actor.filter(local=True, type="Person").order_by("username"):
        flags = " admin" if member.is_admin else ""
        flags += " suspended" if member.suspended_at else ""
        print(f"{member.username}\t{member.display_name}{flags}")
    return 0


async def cmd_space_add(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import AccountError, require_member
    from baraza.commands_spaces import cli_who
    from spaces.administration import SpaceAdminError, create_space

    owner = await require_member(args.owner) if args.owner else None
    try:
        space = await create_space(
            settings,
            cli_who(),
            args.name,
            private=args.private,
            owner=owner,
            display_name=args.display_name or "",
        )
    except SpaceAdminError as exc:
        raise AccountError(str(exc)) from exc
    kind = "private" if space.private else "public"
    print(f"created {kind} space {space.acct} ({space.uri})")
    return 0


async def cmd_space_join(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import join_space, require_member, require_space

    space = await require_space(args.space)
    member = await require_member(args.member)
    await join_space(space, member)
    print(f"{member.username} joined {space.username}")
    return 0


async def cmd_space_moderator_add(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import AccountError, require_member, require_space
    from baraza.commands_spaces import cli_who
    from spaces.administration import SpaceAdminError, appoint_moderator

    space = await require_space(args.space)
    member = await require_member(args.member)
    try:
        await appoint_moderator(cli_who(), space, member)
    except SpaceAdminError as exc:
        raise AccountError(str(exc)) from exc
    print(f"{member.username} moderates {space.username}")
    return 0


async def cmd_space_list(settings: Settings, args: argparse.Namespace) -> int:
    from storage.models import Actor, Follow

    for space in await Actor.filter(local=True, type="Group").order_by("username"):
        members = await Follow.filter(target=space, accepted=True).count()
        kind = "private" if space.private else "public"
        kind += " archived" if space.archived_at else ""
        kind += " restricted" if space.posting_restricted_to_mods else ""
        print(f"{space.username}\t{kind}\t{members} members\t{space.display_name}")
    return 0


def register_all(sub: Any) -> None:
    init = sub.add_parser("init", help="create or upgrade the schema and the instance actor")
    init.set_defaults(handler=cmd_init, upgrade_schema=True)

    serve = sub.add_parser("serve", help="serve the instance over HTTP (Hypercorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve, sync=True)

    worker = sub.add_parser("worker", help="run the delivery and inbox worker")
    worker.set_defaults(handler=cmd_worker)

    member = sub.add_parser("member", help="manage members").add_subparsers(
        dest="action", required=True
    )
    add = member.add_parser("add", help="create a member")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(handler=cmd_member_add)
    token = member.add_parser("token", help="print a new access token (last line)")
    token.add_argument("name")
    token.add_argument("--scopes", default="read write follow")
    token.set_defaults(handler=cmd_member_token)
    member.add_parser("list", help="list members").set_defaults(handler=cmd_member_list)

    space = sub.add_parser("space", help="manage spaces").add_subparsers(
        dest="action", required=True
    )
    sadd = space.add_parser("add", help="create a space")
    sadd.add_argument("name")
    kind = sadd.add_mutually_exclusive_group(required=True)
    kind.add_argument("--public", dest="private", action="store_false")
    kind.add_argument("--private", dest="private", action="store_true")
    sadd.add_argument("--owner")
    sadd.add_argument("--display-name")
    sadd.set_defaults(handler=cmd_space_add)
    join = space.add_parser("join", help="add a member to a space")
    join.add_argument("space")
    join.add_argument("member")
    join.set_defaults(handler=cmd_space_join)
    space.add_parser("list", help="list spaces").set_defaults(handler=cmd_space_list)
    moderator = space.add_parser("moderator", help="manage moderators").add_subparsers(
        dest="moderator_action", required=True
    )
    madd = moderator.add_parser("add", help="appoint a moderator")
    madd.add_argument("space")
    madd.add_argument("member")
    madd.set_defaults(handler=cmd_space_moderator_add)
    __import__("baraza.commands_spaces").commands_spaces.register_space_admin(space, moderator)

    from baraza.commands_moderation import register_moderation

    register_moderation(sub)
    __import__("baraza.commands_letter").commands_letter.register_letter(sub)  # the Letter
    from baraza.commands_rules import register_rules

    register_rules(sub)
    __import__("baraza.commands_settings").commands_settings.register_settings(sub)
    __import__("baraza.commands_invite").commands_invite.register_invite(sub)
    __import__("baraza.commands_backup").commands_backup.register_backup(sub)
