"""Cache versions: one counter per kind of cached data, bumped by the database itself.

In-process caches (the domain policy and signing keys on the inbox path, rendered actor and
object documents on reads) compare a counter they read with the one they filled under
(`storage/cache_versions.py`). Triggers bump the counters, so no writer can forget to,
whether it is a core action, the CLI, an import, raw SQL or a test writing rows directly:

- `policy`: any change to `domain_blocks` or `domain_allows`, and the `federation_mode` setting;
- `actors`: an actor updated or deleted (keys, profiles, suspensions, privacy of a space);
- `posts`: a post updated or deleted (edits, deletions, moves between spaces);
- `new_posts`: a post inserted (outbox collections and their counts);
- `follows`: a follow made, accepted or undone (followers and following collections).

Inserting an actor bumps nothing, nor does inserting a post bump `posts`: caches of single
documents hold only what exists, and a new row is a miss.

On PostgreSQL the bump is a deferred constraint trigger, so it runs at commit and holds the
counter rows only for that instant, and it locks every counter in name order first, so two
transactions bumping different counters can never wait on each other in a cycle. A transaction
bumps each counter once (a transaction-local setting remembers it), however many rows it wrote.
"""

from __future__ import annotations

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

COUNTERS = ("actors", "follows", "new_posts", "policy", "posts")
# (table, counter, events): what each trigger watches.
WATCHED = (
    ("domain_blocks", "policy", ("INSERT", "UPDATE", "DELETE")),
    ("domain_allows", "policy", ("INSERT", "UPDATE", "DELETE")),
    ("actors", "actors", ("UPDATE", "DELETE")),
    ("posts", "posts", ("UPDATE", "DELETE")),
    ("posts", "new_posts", ("INSERT",)),
    ("follows", "follows", ("INSERT", "UPDATE", "DELETE")),
)
SETTING_KEY = "federation_mode"

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS cache_versions ("
    "name VARCHAR(32) NOT NULL PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0)"
)
SEED = "INSERT INTO cache_versions (name, version) VALUES " + ", ".join(  # noqa: S608
    f"('{name}', 0)" for name in COUNTERS
)


def _sqlite_statements() -> list[str]:
    def trigger(name: str, event: str, table: str, counter: str, when: str = "") -> str:
        return (
            f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN "  # noqa: S608
            f"UPDATE cache_versions SET version = version + 1 WHERE name = '{counter}'; END"
        )

    statements = [
        trigger(f"cache_version_{table}_{counter}_{event.lower()}", event, table, counter)
        for table, counter, events in WATCHED
        for event in events
    ]
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        when = f" WHEN {row}.key = '{SETTING_KEY}'"
        name = f"cache_version_settings_{event.lower()}"
        statements.append(trigger(name, event, "instance_settings", "policy", when))
    return statements


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION baraza_bump_cache_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('baraza.cache_bumped_' || TG_ARGV[0], true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM cache_versions ORDER BY name FOR UPDATE;
    UPDATE cache_versions SET version = version + 1 WHERE name = TG_ARGV[0];
    PERFORM set_config('baraza.cache_bumped_' || TG_ARGV[0], 'yes', true);
    RETURN NULL;
END
$$
"""


def _postgres_statements() -> list[str]:
    def trigger(name: str, events: str, table: str, counter: str, when: str = "") -> str:
        return (
            f"CREATE CONSTRAINT TRIGGER {name} AFTER {events} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{when} "
            f"EXECUTE FUNCTION baraza_bump_cache_version('{counter}')"
        )

    statements = [PG_FUNCTION]
    statements += [
        trigger(f"cache_version_{table}_{counter}", " OR ".join(events), table, counter)
        for table, counter, events in WATCHED
    ]
    statements.append(
        trigger(
            "cache_version_settings_write",
            "INSERT OR UPDATE",
            "instance_settings",
            "policy",
            f" WHEN (NEW.key = '{SETTING_KEY}')",
        )
    )
    statements.append(
        trigger(
            "cache_version_settings_delete",
            "DELETE",
            "instance_settings",
            "policy",
            f" WHEN (OLD.key = '{SETTING_KEY}')",
        )
    )
    return statements


async def create_counters(apps: Any, schema_editor: Any) -> None:
    """The same table on both engines; the triggers in each engine's own dialect."""
    postgres = schema_editor.client.capabilities.dialect == "postgres"
    statements = [CREATE_TABLE, SEED]
    statements += _postgres_statements() if postgres else _sqlite_statements()
    for statement in statements:
        # One statement per call: the editor's own splitting on ";" would cut a trigger body.
        await schema_editor.client.execute_query(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0014_scale_out")]

    operations = [ops.RunPython(create_counters)]
