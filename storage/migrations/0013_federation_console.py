"""Peer instances (their NodeInfo software, cached for the console) and blocklist uploads
waiting between their preview and "Apply" (`storage/models/peers.py`)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


def _id() -> fields.IntField:
    return fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)


def _options(table: str) -> dict:
    return {"table": table, "app": "models", "pk_attr": "id"}


class Migration(migrations.Migration):
    dependencies = [("models", "0012_space_admin")]

    operations: list = [
        ops.CreateModel(
            name="PeerInstance",
            fields=[
                ("id", _id()),
                ("domain", fields.CharField(unique=True, max_length=255)),
                ("software_name", fields.CharField(default="", max_length=100)),
                ("software_version", fields.CharField(default="", max_length=100)),
                ("fetched_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("error", fields.CharField(default="", max_length=255)),
            ],
            options=_options("peer_instances"),
            bases=["Model"],
        ),
        ops.CreateModel(
            name="BlocklistUpload",
            fields=[
                ("id", _id()),
                ("who", fields.CharField(max_length=255)),
                ("source", fields.CharField(default="", max_length=255)),
                ("text", fields.TextField()),
                ("created_at", fields.DatetimeField(null=False, auto_now=False, auto_now_add=True)),
            ],
            options=_options("blocklist_uploads"),
            bases=["Model"],
        ),
    ]
