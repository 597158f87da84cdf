"""`baraza rules` and `baraza description`: the instance's rules (apps show them at sign-up
and in reports) and its extended description (the "about" page of apps)."""

from __future__ import annotations

import argparse
from typing import Any

from baraza.settings import Settings


async def cmd_rules_set(settings: Settings, args: argparse.Namespace) -> int:
    from baraza.cli_errors import CliError
    from outbox.instance_rules import RuleError, set_rules

    try:
        rules = await set_rules(list(args.rules))
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    print(f"{len(rules)} rules set")
    return 0


async def cmd_rules_list(settings: Settings, args: argparse.Namespace) -> int:
    from outbox.instance_rules import rules_in_order

    for number, rule in enumerate(await rules_in_order(), start=1):
        print(f"{number}. {rule.text}")
    return 0


async def cmd_description_set(settings: Settings, args: argparse.Namespace) -> int:
    from baraza.cli_errors import CliError
    from outbox.instance_rules import RuleError, set_description

    try:
        await set_description(args.text)
    except RuleError as exc:
        raise CliError(str(exc)) from exc
    print("description set")
    return 0


def register_rules(sub: Any) -> None:
    rules = sub.add_parser("rules", help="the instance's rules").add_subparsers(
        dest="rules_action", required=True
    )
    set_ = rules.add_parser("set", help="replace the rules with these, in order")
    set_.add_argument("rules", nargs="*", metavar="RULE")
    set_.set_defaults(handler=cmd_rules_set)
    rules.add_parser("list", help="print the rules").set_defaults(handler=cmd_rules_list)
    about = sub.add_parser("description", help="the instance's extended description")
    about_actions = about.add_subparsers(dest="description_action", required=True)
    about_set = about_actions.add_parser("set", help="set it (plain text, blank-line paragraphs)")
    about_set.add_argument("text")
    about_set.set_defaults(handler=cmd_description_set)
