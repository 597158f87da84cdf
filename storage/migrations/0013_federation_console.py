"""Peer instances and report forwarding in the admin console (filled in by that work)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0012_space_admin")]

    operations: list = []
