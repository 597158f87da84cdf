"""Spaces run from the admin console: a space can be archived (read-only, reversible)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0011_timeline_index")]

    operations = [
        ops.AddField(
            model_name="Actor",
            name="archived_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
