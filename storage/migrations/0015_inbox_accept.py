"""The inbox accept path (filled in by that work)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0014_scale_out")]

    operations: list = []
