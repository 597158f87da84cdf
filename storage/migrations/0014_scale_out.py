"""Scale-out across processes on PostgreSQL (`storage/models/scale_out.py`): large bus
messages, and rate-limit windows shared by every process."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


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
    ]
