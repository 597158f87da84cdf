"""Member choices (domain blocks, conversation mutes, followed tags), direct conversations,
scheduled statuses and the instance's rules (`storage/models/member_choices.py`)."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


def _actor(related_name: str, source: str = "actor") -> fields.ForeignKeyField:
    return fields.ForeignKeyField(
        "models.Actor",
        source_field=f"{source}_id",
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        on_delete=OnDelete.CASCADE,
    )


def _int_id() -> fields.IntField:
    return fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)


def _created() -> fields.DatetimeField:
    return fields.DatetimeField(auto_now=False, auto_now_add=True)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_federation")]

    operations: list = [
        ops.CreateModel(
            name="UserDomainBlock",
            fields=[
                ("id", _int_id()),
                ("actor", _actor("domain_blocks")),
                ("domain", fields.CharField(max_length=255)),
                ("created_at", _created()),
            ],
            options={
                "table": "user_domain_blocks",
                "app": "models",
                "unique_together": (("actor", "domain"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConversationMute",
            fields=[
                ("id", _int_id()),
                ("actor", _actor("conversation_mutes")),
                ("root_uri", fields.CharField(max_length=512)),
                ("created_at", _created()),
            ],
            options={
                "table": "conversation_mutes",
                "app": "models",
                "unique_together": (("actor", "root_uri"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowedTag",
            fields=[
                ("id", _int_id()),
                ("actor", _actor("followed_tags")),
                ("name", fields.CharField(max_length=100)),
                ("created_at", _created()),
            ],
            options={
                "table": "followed_tags",
                "app": "models",
                "unique_together": (("actor", "name"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Conversation",
            fields=[
                ("id", fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ("owner", _actor("conversations", "owner")),
                ("root_uri", fields.CharField(max_length=512)),
                (
                    "last_post",
                    fields.ForeignKeyField(
                        "models.Post",
                        source_field="last_post_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="conversations",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("unread", fields.BooleanField(default=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "conversations",
                "app": "models",
                "unique_together": (("owner", "root_uri"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ScheduledStatus",
            fields=[
                ("id", fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ("actor", _actor("scheduled_statuses")),
                (
                    "scheduled_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("params", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("media_ids", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", _created()),
            ],
            options={"table": "scheduled_statuses", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="InstanceRule",
            fields=[
                ("id", _int_id()),
                ("text", fields.TextField(unique=False)),
                ("hint", fields.TextField(default="", unique=False)),
                ("position", fields.IntField(default=0)),
                ("created_at", _created()),
            ],
            options={"table": "instance_rules", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
