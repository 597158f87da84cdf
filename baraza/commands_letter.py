"""Sub-commands for the Letter: `letter preview`, `letter send`, and `member email`."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from typing import Any

from baraza.settings import Settings


def _cli_error(message: str) -> Exception:
    from baraza.cli_errors import CliError

    return CliError(message)


def _since(value: str | None, now: datetime) -> datetime:
    if value is None:
        return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _cli_error(f"--since wants a date like 2026-11-01, not {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _window(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    """A month's Letter exactly as it is sent (`--period`), or from `--since` until now."""
    from spaces.letter import month_bounds

    if args.period is None:
        return _since(args.since, now), now
    if args.since is not None:
        raise _cli_error("give --period or --since, not both")
    try:
        return month_bounds(args.period)
    except ValueError as exc:
        raise _cli_error(f"--period wants a month like 2026-11, not {args.period!r}") from exc


async def cmd_letter_preview(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_member, require_space
    from spaces.letter import NETWORK, build_digest, render_text

    if bool(args.space) == bool(args.network):
        raise _cli_error("name a SPACE or give --network")
    since, until = _window(args, datetime.now(UTC))
    scope: Any = NETWORK if args.network else await require_space(args.space)
    reader = await require_member(args.member) if args.member else None
    digest = await build_digest(reader, scope, since, until)
    language = args.language or (reader.ui_language if reader else None) or "en"
    print(render_text(digest, language), end="")
    return 0


async def cmd_letter_send(settings: Settings, args: argparse.Namespace) -> int:
    from spaces.letter import month_bounds, previous_period
    from spaces.letter_mail import send_due_letters, smtp_server

    try:
        server = smtp_server(os.environ.get("BARAZA_SMTP_URL"))
    except ValueError as exc:
        raise _cli_error(str(exc)) from exc
    if server is None:
        print("email is off: set BARAZA_SMTP_URL=smtp://host:port to send the Letter")
        return 0
    period = args.period or previous_period(datetime.now(UTC))
    try:
        month_bounds(period)
    except ValueError as exc:
        raise _cli_error(f"--period wants a month like 2026-11, not {period!r}") from exc
    from baraza.progress_bar import ProgressBar

    with ProgressBar(f"sending the Letter for {period}", threshold=args.progress_over) as bar:
        sent = await send_due_letters(settings, period, server, progress=bar)
    print(f"sent {sent} letters for {period}")
    return 0


def _configured_server() -> Any:
    from spaces.letter_mail import smtp_server

    try:
        server = smtp_server(os.environ.get("BARAZA_SMTP_URL"))
    except ValueError as exc:
        raise _cli_error(str(exc)) from exc
    if server is None:
        raise _cli_error("email is off: set BARAZA_SMTP_URL (see docs/admin.md)")
    return server


async def cmd_letter_test_mail(settings: Settings, args: argparse.Namespace) -> int:
    """One message to `address`; a refusal or a TLS or login failure is the one-line error."""
    import aiosmtplib

    from spaces.letter_mail import send_test_message

    server = _configured_server()
    try:
        await send_test_message(settings, server, args.address)
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise _cli_error(f"the mail server refused: {exc}") from exc
    print(f"sent a test message to {args.address} through {server.host}:{server.port}")
    return 0


async def cmd_letter_mail_status(settings: Settings, args: argparse.Namespace) -> int:
    from spaces.letter_mail import mail_statuses

    for row in await mail_statuses():
        print(f"{row.acct}\t{row.address}\t{row.state}\t{row.at}\t{row.detail}".rstrip())
    return 0


async def cmd_member_email(settings: Settings, args: argparse.Namespace) -> int:
    from actors.accounts import require_member

    if "@" not in args.address or any(c.isspace() for c in args.address):
        raise _cli_error(f"not an email address: {args.address!r}")
    member = await require_member(args.name)
    doc = dict(member.document) if isinstance(member.document, dict) else {}
    doc["email"] = args.address
    member.document = doc
    await member.save(update_fields=["document"])
    print(f"{member.username} receives the Letter at {args.address}")
    return 0


def _member_commands(sub: Any) -> Any:
    """The `member` sub-command's own sub-parsers, to add `member email` beside the others."""
    for action in sub.choices["member"]._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the member command has no sub-commands")


def register_letter(sub: Any) -> None:
    email = _member_commands(sub).add_parser("email", help="set where a member gets the Letter")
    email.add_argument("name")
    email.add_argument("address")
    email.set_defaults(handler=cmd_member_email)

    letter = sub.add_parser("letter", help="the network's monthly Letter").add_subparsers(
        dest="letter_action", required=True
    )
    preview = letter.add_parser("preview", help="print a Letter as plain text")
    preview.add_argument("space", nargs="?")
    preview.add_argument("--network", action="store_true")
    preview.add_argument("--since", help="start date (default: the first of this month)")
    preview.add_argument("--period", help="a month's Letter as sent, like 2026-11")
    preview.add_argument("--member", help="as this member sees it (default: anonymous)")
    preview.add_argument("--language", help="en, fr, ar, de or pt")
    preview.set_defaults(handler=cmd_letter_preview)
    send = letter.add_parser("send", help="send the Letters that are due, once")
    send.add_argument("--period", help="month to send, like 2026-11 (default: last month)")
    send.add_argument(
        "--progress-over", type=int, default=50, help="draw a progress bar from N members"
    )
    send.set_defaults(handler=cmd_letter_send)
    test_mail = letter.add_parser("test-mail", help="send one test message with the settings")
    test_mail.add_argument("address")
    test_mail.set_defaults(handler=cmd_letter_test_mail)
    letter.add_parser(
        "mail-status", help="members whose Letter bounced or who unsubscribed"
    ).set_defaults(handler=cmd_letter_mail_status)
