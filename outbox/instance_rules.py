"""The instance's rules and its extended description, set by an admin (`baraza rules`,
`baraza description`), shown by `/api/v1/instance/rules`, `/extended_description` and in the
instance entity."""

from __future__ import annotations

from datetime import UTC, datetime

from outbox.commit import action
from storage.models import InstanceRule
from storage.settings_store import get_setting, set_setting

DESCRIPTION_KEY = "about.extended_description"
DESCRIPTION_UPDATED_KEY = "about.extended_description_updated_at"
MAX_DESCRIPTION_LENGTH = 20_000

MAX_RULE_LENGTH = 1000
MAX_RULES = 50


class RuleError(ValueError):
    """A rule an admin wrote that cannot be kept (empty, too long, too many)."""


def checked(texts: list[str]) -> list[str]:
    """The rules as they will be kept: trimmed; refused when empty, too long or too many."""
    rules = [t.strip() for t in texts]
    if len(rules) > MAX_RULES:
        raise RuleError(f"at most {MAX_RULES} rules")
    for rule in rules:
        if not rule or len(rule) > MAX_RULE_LENGTH or "\x00" in rule:
            raise RuleError(f"a rule is 1 to {MAX_RULE_LENGTH} characters of text")
    return rules


async def set_rules(texts: list[str]) -> list[InstanceRule]:
    """Replace every rule with `texts`, in order, in one transaction."""
    rules = checked(texts)
    async with action():
        await InstanceRule.all().delete()
        for position, text in enumerate(rules):
            await InstanceRule.create(text=text, position=position)
    return await rules_in_order()


async def rules_in_order() -> list[InstanceRule]:
    return list(await InstanceRule.all().order_by("position", "id"))


async def set_description(text: str) -> None:
    """The extended description, as plain text (paragraphs split by blank lines)."""
    text = text.strip()
    if len(text) > MAX_DESCRIPTION_LENGTH or "\x00" in text:
        raise RuleError(f"the description is at most {MAX_DESCRIPTION_LENGTH} characters of text")
    async with action():
        await set_setting(DESCRIPTION_KEY, text)
        await set_setting(DESCRIPTION_UPDATED_KEY, datetime.now(UTC).isoformat())


async def description() -> tuple[str, datetime | None]:
    """The extended description's text and when it was last set (None: never)."""
    text = await get_setting(DESCRIPTION_KEY, "")
    updated = await get_setting(DESCRIPTION_UPDATED_KEY, "")
    return text, datetime.fromisoformat(updated) if updated else None
