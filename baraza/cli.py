"""The `baraza` command: set up, serve and administer an instance.

Every failure a person can cause (a bad name, a duplicate, an unknown member, a database
that is not there) ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from baraza.settings import Settings

Command = Callable[[Settings, argparse.Namespace], Awaitable[int | None]]


class CliError(Exception):
    """A message for the person at the terminal."""


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", help="instance domain (env BARAZA_DOMAIN)")
    parser.add_argument("--database-url", help="database URL (env BARAZA_DATABASE_URL)")
    parser.add_argument("--scheme", choices=("http", "https"), help="env BARAZA_SCHEME")


def build_parser() -> argparse.ArgumentParser:
    from baraza.commands import register_all

    parser = argparse.ArgumentParser(prog="baraza", description=__doc__.splitlines()[0])
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    register_all(sub)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_overrides(
        domain=args.domain, database_url=args.database_url, scheme=args.scheme
    )


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = settings_from(args)
    handler: Any = args.handler
    if getattr(args, "sync", False):
        code = handler(settings, args)
    else:
        code = _run_async(handler, settings, args)
    sys.exit(code or 0)


def _run_async(handler: Command, settings: Settings, args: argparse.Namespace) -> int:
    from storage.database import DatabaseUnavailable, close_database

    async def run() -> int:
        try:
            return (await handler(settings, args)) or 0
        finally:
            await close_database()

    try:
        return asyncio.run(run())
    except (CliError, DatabaseUnavailable) as exc:
        print(f"baraza: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except _user_errors() as exc:
        print(f"baraza: {exc}", file=sys.stderr)
        return 1


def _user_errors() -> tuple[type[Exception], ...]:
    from actors.accounts import AccountError
    from actors.names import InvalidName

    return (AccountError, InvalidName)


def export_settings_to_env(settings: Settings) -> None:
    """Child processes (hypercorn workers) read the environment, so flags are passed on there."""
    os.environ["BARAZA_DOMAIN"] = settings.domain
    os.environ["BARAZA_DATABASE_URL"] = settings.database_url
    os.environ["BARAZA_SCHEME"] = settings.scheme
