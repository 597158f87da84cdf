"""The `baraza` command: set up, serve and administer an instance.

Every failure a person can cause (a bad name, a duplicate, an unknown member, a database
that is not there, a domain or scheme that is not the instance's) ends in one line on stderr and
a non-zero exit, never a traceback.

Settings are assembled once, here, before any command runs: the environment and flags give the
database and everything else, the database gives the instance's identity (see
`baraza.settings.settle_identity`). A command receives the database open and the settings final.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from baraza.cli_errors import CliError
from baraza.settings import (
    Identity,
    IdentityClaims,
    IdentityMismatch,
    Settings,
    identity_claims,
    settle_identity,
)

Command = Callable[[Settings, argparse.Namespace], Awaitable[int | None]]


def _global_options(parser: argparse.ArgumentParser) -> None:
    # Own dests: `baraza domain block DOMAIN` has a positional named `domain` of its own.
    parser.add_argument(
        "--domain",
        dest="instance_domain",
        help="instance domain, fixed at init (env BARAZA_DOMAIN)",
    )
    parser.add_argument("--database-url", help="database URL (env BARAZA_DATABASE_URL)")
    parser.add_argument(
        "--scheme",
        dest="instance_scheme",
        choices=("http", "https"),
        help="http or https, fixed at init (env BARAZA_SCHEME)",
    )


def build_parser() -> argparse.ArgumentParser:
    from baraza.commands import register_all

    parser = argparse.ArgumentParser(prog="baraza", description=__doc__.splitlines()[0])
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    register_all(sub)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_overrides(
        domain=args.instance_domain, database_url=args.database_url, scheme=args.instance_scheme
    )


def claims_from(args: argparse.Namespace) -> IdentityClaims:
    return identity_claims(
        os.environ, domain_flag=args.instance_domain, scheme_flag=args.instance_scheme
    )


async def open_instance(
    settings: Settings, claims: IdentityClaims, *, upgrade_schema: bool = False
) -> Settings:
    """Open the database and return the settings with the instance's stored identity.

    The first command to open a database that has no stored identity (`baraza init`, or any
    command on a database made before identities were stored) records one: the name its own ids
    already carry if it has minted any, otherwise the one given (or the defaults).
    """
    from tortoise.exceptions import OperationalError

    from storage import database, settings_store

    if upgrade_schema:
        await database.upgrade_schema(settings.database_url)
        await database.close_database()
    await database.open_database(settings.database_url)
    try:
        recorded = await settings_store.stored_identity()
        in_ids = await settings_store.identity_in_ids() if recorded is None else None
    except OperationalError as exc:
        raise database.DatabaseUnavailable(
            "the database has no schema yet: run `baraza init` first"
        ) from exc
    known = recorded or in_ids
    default = Identity(domain=Settings().domain, scheme=Settings().scheme)
    identity = settle_identity(Identity(*known) if known else None, claims, default)
    if recorded is None:
        kept = await settings_store.store_identity(identity.domain, identity.scheme)
        identity = settle_identity(Identity(*kept), claims, default)  # a concurrent run won?
    return settings.with_overrides(domain=identity.domain, scheme=identity.scheme)


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = settings_from(args)
    handler: Any = args.handler
    upgrade = getattr(args, "upgrade_schema", False)
    if getattr(args, "without_database", False):
        code = _without_database(handler, settings, args)
    elif getattr(args, "sync", False):
        code = _run_sync(handler, settings, claims_from(args), args)
    else:
        code = _run_async(handler, settings, claims_from(args), args, upgrade=upgrade)
    sys.exit(code or 0)


def _without_database(
    handler: Callable[[Settings, argparse.Namespace], int],
    settings: Settings,
    args: argparse.Namespace,
) -> int:
    """For `restore`: the target database is empty until the command itself fills it."""
    try:
        return handler(settings, args)
    except CliError as exc:
        print(f"baraza: {exc}", file=sys.stderr)
        return 1


def _run_sync(
    handler: Callable[[Settings, argparse.Namespace], int],
    settings: Settings,
    claims: IdentityClaims,
    args: argparse.Namespace,
) -> int:
    """For `serve`, which runs its own event loop: settle the identity, close, then hand over."""
    from storage.database import close_database

    async def settle() -> int:
        nonlocal settings
        try:
            settings = await open_instance(settings, claims)
        finally:
            await close_database()
        return 0

    failed = _guarded(settle)
    return failed or handler(settings, args)


def _run_async(
    handler: Command,
    settings: Settings,
    claims: IdentityClaims,
    args: argparse.Namespace,
    *,
    upgrade: bool = False,
) -> int:
    from storage import bus
    from storage.database import close_database

    async def run() -> int:
        try:
            instance = await open_instance(settings, claims, upgrade_schema=upgrade)
            # On PostgreSQL what a command changes reaches the running servers at once (a
            # suspension closes streams, a post streams); sent before the command exits.
            await bus.start(instance.database_url)
            return (await handler(instance, args)) or 0
        finally:
            await bus.stop()
            await close_database()

    return _guarded(run)


def _guarded(run: Callable[[], Awaitable[int]]) -> int:
    """Run the coroutine; a mistake a person made becomes one line on stderr and exit status 1."""
    from storage.database import DatabaseUnavailable

    try:
        return asyncio.run(run())
    except (CliError, DatabaseUnavailable, IdentityMismatch) as exc:
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
