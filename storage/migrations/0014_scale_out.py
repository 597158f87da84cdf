"""Scale-out across processes (filled in by that work)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0013_federation_console")]

    operations: list = []
