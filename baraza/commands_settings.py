"""`baraza settings`: instance settings an admin changes while the instance runs.

Settings live in the database (`storage.settings_store`), so a change made here takes effect in
every running server and worker at once, with no restart; each change is in the audit log.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from baraza.settings import Settings

SWITCH = {"on": True, "off": False}


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


async def cmd_settings_show(settings: Settings, args: argparse.Namespace) -> int:
    from storage.settings_store import logged_out_reading

    print(f"logged-out-reading: {'on' if await logged_out_reading() else 'off'}")
    return 0


async def cmd_logged_out_reading(settings: Settings, args: argparse.Namespace) -> int:
    """Without a value, say what it is; with `on` or `off`, set it (and audit who did)."""
    from federation.domain_blocks import audit
    from storage.settings_store import logged_out_reading, set_logged_out_reading

    if args.value is not None:
        await set_logged_out_reading(SWITCH[args.value])
        await audit(_who(), "settings.logged_out_reading", args.value)
    print(f"logged-out-reading: {'on' if await logged_out_reading() else 'off'}")
    return 0


def register_settings(sub: Any) -> None:
    parser = sub.add_parser("settings", help="instance settings (shown, or changed while running)")
    ssub = parser.add_subparsers(dest="setting", required=True)
    ssub.add_parser("show", help="every setting and its value").set_defaults(
        handler=cmd_settings_show
    )
    reading = ssub.add_parser(
        "logged-out-reading",
        help="may apps and browsers without an account read public posts and spaces (on)",
    )
    reading.add_argument("value", nargs="?", choices=tuple(SWITCH))
    reading.set_defaults(handler=cmd_logged_out_reading)
