"""Web Push subscriptions and their durable deliveries (`storage/models/push.py`)."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


def _fk(model: str, name: str, related_name: str) -> fields.ForeignKeyField:
    return fields.ForeignKeyField(
        f"models.{model}",
        source_field=f"{name}_id",
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=OnDelete.CASCADE,
    )


def _when(null: bool = False, add: bool = False) -> fields.DatetimeField:
    return fields.DatetimeField(null=null, auto_now=False, auto_now_add=add)


class Migration(migrations.Migration):
    dependencies = [("models", "0005_lists_filters")]

    operations: list = [
        ops.CreateModel(
            name="PushSubscription",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token", _fk("AccessToken", "token", "push_subscription")),
                ("account", _fk("Actor", "account", "push_subscriptions")),
                ("endpoint", fields.CharField(max_length=2048)),
                ("p256dh", fields.CharField(max_length=256)),
                ("auth", fields.CharField(max_length=64)),
                ("alerts", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("policy", fields.CharField(default="all", max_length=16)),
                ("sealed_token", fields.TextField(default="", unique=False)),
                ("created_at", _when(add=True)),
            ],
            options={
                "table": "push_subscriptions",
                "app": "models",
                "unique_together": (("token",),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PushDelivery",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("subscription", _fk("PushSubscription", "subscription", "deliveries")),
                ("notification", _fk("Notification", "notification", "push_deliveries")),
                ("host", fields.CharField(max_length=255)),
                ("state", fields.CharField(default="queued", max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("next_try_at", _when()),
                ("claimed_until", _when(null=True)),
                ("last_status", fields.IntField(null=True)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("created_at", _when(add=True)),
                ("delivered_at", _when(null=True)),
            ],
            options={
                "table": "push_deliveries",
                "app": "models",
                "indexes": [Index(fields=["state", "next_try_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
