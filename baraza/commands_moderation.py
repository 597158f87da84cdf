"""Moderation sub-commands of `baraza`: domain blocks, allowlist mode, actor suspension, reports,
and the audit log. Every action is recorded in the audit log as `cli:<unix user>`.

Errors an admin can cause (a bad domain, a malformed CSV line, an unknown account) end in one
line on stderr and exit 1, like every other `baraza` command.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from baraza.cli_errors import CliError
from baraza.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], Awaitable[int]]


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _command(handler: Handler) -> Handler:
    """Turn this module's domain errors into one-line CLI errors."""

    @functools.wraps(handler)
    async def run(settings: Settings, args: argparse.Namespace) -> int:
        from federation.domain_blocks import DomainError
        from outbox.account_actions import AccountActionError
        from outbox.post_removal import RemovalError
        from outbox.report_resolution import ResolutionError
        from outbox.reports import ReportError
        from outbox.suspension import ActorModerationError

        try:
            return await handler(settings, args)
        except (
            DomainError,
            ActorModerationError,
            ReportError,
            AccountActionError,
            RemovalError,
            ResolutionError,
        ) as exc:
            raise CliError(str(exc)) from exc

    return run


@_command
async def cmd_domain_block(settings: Settings, args: argparse.Namespace) -> int:
    from baraza.progress_bar import ProgressBar
    from federation.domain_blocks import BlockRequest, block_domain, normalize_severity

    severity, media = normalize_severity(args.severity)
    with ProgressBar(f"suspending {args.domain}'s cached actors", threshold=500) as bar:
        row, created = await block_domain(
            _who(),
            BlockRequest(
                domain=args.domain,
                severity=severity,
                reject_media=media,
                reject_reports=args.reject_reports,
                private_comment=args.reason or "",
                public_comment=args.public_comment or "",
                obfuscate=args.obfuscate,
            ),
            progress=bar,
        )
    print(f"{'blocked' if created else 'updated block on'} {row.domain} ({_describe(row)})")
    return 0


def _describe(row: Any) -> str:
    parts = [row.severity]
    parts += ["reject-media"] * row.reject_media + ["reject-reports"] * row.reject_reports
    parts += ["obfuscated"] * row.obfuscate
    return ", ".join(parts)


@_command
async def cmd_domain_unblock(settings: Settings, args: argparse.Namespace) -> int:
    from federation.domain_blocks import normalize_domain, unblock_domain

    if not await unblock_domain(_who(), args.domain, args.reason or ""):
        raise CliError(f"{normalize_domain(args.domain)} is not blocked")
    print(f"unblocked {normalize_domain(args.domain)}")
    return 0


@_command
async def cmd_domain_list(settings: Settings, args: argparse.Namespace) -> int:
    from federation.domain_blocks import federation_mode, list_blocks
    from storage.models import DomainAllow

    for row in await list_blocks():
        comment = row.private_comment or row.public_comment
        print(f"{row.domain}\t{_describe(row)}\t{comment}")
    if await federation_mode() == "allowlist":
        for allowed in await DomainAllow.all().order_by("domain"):
            print(f"{allowed.domain}\tallowed")
    return 0


@_command
async def cmd_domain_allow(settings: Settings, args: argparse.Namespace) -> int:
    from federation.domain_blocks import allow_domain

    row, created = await allow_domain(_who(), args.domain)
    print(f"{'allowed' if created else 'already allowed:'} {row.domain}")
    return 0


@_command
async def cmd_domain_disallow(settings: Settings, args: argparse.Namespace) -> int:
    from federation.domain_blocks import disallow_domain, normalize_domain

    if not await disallow_domain(_who(), args.domain):
        raise CliError(f"{normalize_domain(args.domain)} is not on the allowlist")
    print(f"removed {normalize_domain(args.domain)} from the allowlist")
    return 0


@_command
async def cmd_domain_import(settings: Settings, args: argparse.Namespace) -> int:
    from federation.blocklist_csv import import_blocklist

    path = Path(args.file)
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    from baraza.progress_bar import ProgressBar

    with ProgressBar(f"importing {path.name}", threshold=1000) as bar:
        result = await import_blocklist(
            _who(),
            text,
            source=path.name,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            progress=bar,
        )
    for error in result.skipped:
        print(f"skipped {error}", file=sys.stderr)
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {result.added}, updated {result.updated}, unchanged {result.unchanged}, "
        f"skipped {len(result.skipped)}"
    )
    return 0


@_command
async def cmd_domain_export(settings: Settings, args: argparse.Namespace) -> int:
    from federation.blocklist_csv import export_blocklist
    from federation.domain_blocks import list_blocks

    sys.stdout.write(export_blocklist(await list_blocks()))
    return 0


@_command
async def cmd_federation_mode(settings: Settings, args: argparse.Namespace) -> int:
    from federation.domain_blocks import federation_mode, set_federation_mode

    if args.mode:
        await set_federation_mode(_who(), args.mode)
    print(f"federation mode: {await federation_mode()}")
    return 0


@_command
async def cmd_actor_suspend(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.suspension import find_actor, suspend_actor

    actor = await find_actor(settings, args.acct)
    if actor.suspended_at is not None:
        raise CliError(f"{actor.acct} is already suspended")
    deleted = await suspend_actor(settings, _who(), actor, args.reason or "")
    print(f"suspended {actor.acct}" + (f"; deleted {deleted} posts" if actor.local else ""))
    return 0


@_command
async def cmd_actor_unsuspend(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.suspension import find_actor, unsuspend_actor

    actor = await find_actor(settings, args.acct)
    if actor.suspended_at is None:
        raise CliError(f"{actor.acct} is not suspended")
    restored = await unsuspend_actor(_who(), actor)
    print(f"unsuspended {actor.acct}" + (f"; restored {restored} posts" if actor.local else ""))
    return 0


# `baraza actor ACTION NAME`: what each prints once it is done.
ACTOR_ACTIONS = {
    "silence": "limited {acct}: its posts reach its followers only",
    "unsilence": "lifted the limit on {acct}",
    "disable": "disabled sign-in for {acct}; its tokens and sessions are revoked",
    "enable": "enabled sign-in for {acct}",
    "reset-two-factor": "removed the second factor of {acct}",
    "role": "{acct} is now {role}",
}


@_command
async def cmd_actor_action(settings: Settings, args: argparse.Namespace) -> int:
    """Every account action but suspension (whose output counts posts) goes through the core's
    one `apply`, as the operator of the server (the admin role)."""
    from outbox.account_actions import Acting, apply
    from outbox.suspension import find_actor

    actor = await find_actor(settings, args.acct)
    kind = {"reset-two-factor": "reset_two_factor", "role": "change_role"}.get(
        args.action, args.action
    )
    role = getattr(args, "role", None)
    await apply(
        settings,
        Acting(who=_who(), role="admin"),
        kind,
        actor,
        reason=args.reason or "",
        new_role=role,
    )
    print(ACTOR_ACTIONS[args.action].format(acct=actor.acct, role=role))
    return 0


@_command
async def cmd_report_assign(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.reports import assign, get_report
    from outbox.suspension import find_actor

    report = await get_report(args.id)
    to = await find_actor(settings, args.to) if args.to else None
    await assign(_who(), report, to)
    print(f"report {args.id} assigned to {to.acct}" if to else f"report {args.id} unassigned")
    return 0


@_command
async def cmd_report_list(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.reports import assignee, list_reports

    for report in await list_reports(resolved=None if args.all else False):
        reporter = report.reporter.acct if report.reporter else report.origin_domain or "?"
        target = report.target.acct if report.target else "?"
        state = "resolved" if report.resolved_at else "open"
        assigned = await assignee(report)
        who = assigned.acct if assigned else "-"
        comment = report.comment.replace("\n", " ")[:80]
        print(f"{report.id}\t{state}\t{reporter} -> {target}\t{who}\t{comment}")
    return 0


@_command
async def cmd_report_resolve(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.reports import get_report, resolve

    report = await get_report(args.id)
    if report.resolved_at is not None:
        raise CliError(f"report {args.id} is already resolved")
    action = getattr(args, "with_action", None)
    if action:
        # The console's resolutions, through the same core action, as the server's operator.
        from outbox.account_actions import Acting
        from outbox.report_resolution import resolve_with

        await resolve_with(settings, Acting(who=_who(), role="admin"), report, action)
        print(f"resolved report {args.id}: {action}")
        return 0
    await resolve(_who(), report, args.reason or "")
    print(f"resolved report {args.id}")
    return 0


@_command
async def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.audit_log import AuditQuery, entries

    query = AuditQuery(who=args.actor, action=args.action, since=args.since, limit=args.limit)
    for entry in await entries(query):
        when = entry.created_at.strftime("%Y-%m-%d %H:%M:%S")
        reason = f"\t{entry.reason}" if entry.reason else ""
        print(f"{when}\t{entry.who}\t{entry.action}\t{entry.target}{reason}")
    return 0


def _since(text: str) -> datetime:
    """`--since`: an ISO date or time (UTC unless it says), or an age such as 7d, 12h, 30m."""
    from outbox.audit_log import parse_since

    try:
        return parse_since(text, datetime.now(UTC))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register_moderation(sub: Any) -> None:
    domain = sub.add_parser("domain", help="block, allow, import and export domains")
    dsub = domain.add_subparsers(dest="action", required=True)
    block = dsub.add_parser("block", help="suspend, silence or reject media from a domain")
    block.add_argument("domain")
    block.add_argument("--severity", required=True, help="suspend | silence | reject-media")
    block.add_argument("--reason", help="private comment, for admins")
    block.add_argument("--public-comment", help="shown in the public list of blocked domains")
    block.add_argument("--obfuscate", action="store_true", help="mask it in the public list")
    block.add_argument("--reject-reports", action="store_true")
    block.set_defaults(handler=cmd_domain_block)
    unblock = dsub.add_parser("unblock", help="lift a domain block")
    unblock.add_argument("domain")
    unblock.add_argument("--reason")
    unblock.set_defaults(handler=cmd_domain_unblock)
    dsub.add_parser("list", help="list domain blocks").set_defaults(handler=cmd_domain_list)
    allow = dsub.add_parser("allow", help="add a domain to the allowlist")
    allow.add_argument("domain")
    allow.set_defaults(handler=cmd_domain_allow)
    disallow = dsub.add_parser("disallow", help="remove a domain from the allowlist")
    disallow.add_argument("domain")
    disallow.set_defaults(handler=cmd_domain_disallow)
    imp = dsub.add_parser("import", help="import a Mastodon blocklist CSV")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="report what would change")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid lines only")
    imp.set_defaults(handler=cmd_domain_import)
    dsub.add_parser("export", help="print the blocklist as Mastodon CSV").set_defaults(
        handler=cmd_domain_export
    )

    federation = sub.add_parser("federation", help="federation settings")
    fsub = federation.add_subparsers(dest="action", required=True)
    mode = fsub.add_parser("mode", help="open, or allowlist (federate only with allowed domains)")
    mode.add_argument("mode", nargs="?", choices=("open", "allowlist"))
    mode.set_defaults(handler=cmd_federation_mode)

    actor = sub.add_parser("actor", help="suspend or unsuspend an account instance-wide")
    asub = actor.add_subparsers(dest="action", required=True)
    for name, handler in (("suspend", cmd_actor_suspend), ("unsuspend", cmd_actor_unsuspend)):
        parser = asub.add_parser(name, help=f"{name} NAME, NAME@DOMAIN or actor URI")
        parser.add_argument("acct")
        parser.add_argument("--reason")
        parser.set_defaults(handler=handler)
    for name in ACTOR_ACTIONS:
        parser = asub.add_parser(name, help=f"{name} NAME (see docs/admin.md)")
        parser.add_argument("acct")
        if name == "role":
            parser.add_argument("role", choices=("admin", "moderator", "member"))
        parser.add_argument("--reason")
        parser.set_defaults(handler=cmd_actor_action)

    report = sub.add_parser("report", help="read and resolve reports")
    rsub = report.add_subparsers(dest="action", required=True)
    rlist = rsub.add_parser("list", help="open reports (all with --all)")
    rlist.add_argument("--all", action="store_true")
    rlist.set_defaults(handler=cmd_report_list)
    resolve = rsub.add_parser("resolve", help="mark a report resolved")
    resolve.add_argument("id", type=int)
    resolve.add_argument("--reason")
    resolve.add_argument(
        "--action",
        dest="with_action",
        choices=("dismiss", "remove_posts", "limit", "suspend", "block_domain"),
        help="act as the console does: remove the reported posts, limit or suspend the "
        "account, block its domain (severity suspend), or dismiss",
    )
    resolve.set_defaults(handler=cmd_report_resolve)
    assign_cmd = rsub.add_parser("assign", help="assign a report to an account, or unassign it")
    assign_cmd.add_argument("id", type=int)
    assign_cmd.add_argument("to", nargs="?", help="NAME of the admin or moderator; none: unassign")
    assign_cmd.set_defaults(handler=cmd_report_assign)

    audit = sub.add_parser("audit", help="the audit log of admin actions, oldest first")
    audit.add_argument("--limit", type=int, default=100, help="the latest LIMIT entries")
    audit.add_argument("--actor", help="only entries by this admin (as written, e.g. cli:root)")
    audit.add_argument("--action", help="only this action, or a prefix: account, report.assign")
    audit.add_argument("--since", type=_since, help="only entries since: 2026-11-01, or 7d, 12h")
    audit.set_defaults(handler=cmd_audit)
