"""Federation: the signature style each remote host is known to accept (double knocking)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0002_coediting")]

    operations: list = [
        ops.AddField(
            model_name='Host',
            name='signature_style',
            field=fields.CharField(null=True, max_length=16),
        ),
    ]
