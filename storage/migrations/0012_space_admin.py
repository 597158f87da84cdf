"""Spaces run from the admin console (filled in by that work)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0011_timeline_index")]

    operations: list = []
