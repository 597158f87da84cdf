"""Scale-out across processes on PostgreSQL (`storage/models/scale_out.py`): large bus
messages, and rate-limit windows shared by every process."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def unlogged(apps: Any, schema_editor: Any) -> None:
    """On PostgreSQL both tables are UNLOGGED: what they hold is worth nothing after a crash
    (a message every listener read, a window minutes long), and a write that makes no WAL
    commits without waiting for a disk flush (a rate-limit upsert per request: 5 ms -> well
    under 1 on a loaded disk). SQLite has no such thing and needs none."""
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    for table in ("bus_messages", "rate_counters"):
        await schema_editor.client.execute_query(f"ALTER TABLE {table} SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("models", "0013_federation_console")]

    operations: list = [
        ops.CreateModel(
            name="BusMessage",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("payload", fields.TextField(unique=False)),
                (
                    "created_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=True, db_index=True),
                ),
            ],
            options={"table": "bus_messages", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RateCounter",
            fields=[
                (
                    "key",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255),
                ),
                ("window_start", fields.FloatField()),
                ("hits", fields.IntField(default=0)),
            ],
            options={"table": "rate_counters", "app": "models", "pk_attr": "key"},
            bases=["Model"],
        ),
        ops.RunPython(unlogged),
    ]
