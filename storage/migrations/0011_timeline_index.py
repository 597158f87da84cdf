"""The home timeline's index: the followed authors' live post ids, newest first, read from the
index alone (`docs/performance.md` shows the plans before and after)."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0010_console")]

    operations = [
        ops.AddIndex(model_name="Post", index=Index(fields=["actor_id", "deleted_at", "id"])),
    ]
