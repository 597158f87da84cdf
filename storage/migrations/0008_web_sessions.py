"""The web app's sessions, second factors, recovery codes and invitations
(`storage/models/web.py`)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


def _fk(model: str, name: str, related_name: str, **extra: object) -> fields.ForeignKeyField:
    return fields.ForeignKeyField(
        f"models.{model}",
        source_field=f"{name}_id",
        db_constraint=True,
        to_field="id",
        related_name=related_name,
        **{"on_delete": OnDelete.CASCADE, **extra},
    )


def _when(null: bool = False, add: bool = False) -> fields.DatetimeField:
    return fields.DatetimeField(null=null, auto_now=False, auto_now_add=add)


def _id() -> fields.IntField:
    return fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)


def _options(table: str) -> dict:
    return {"table": table, "app": "models", "pk_attr": "id"}


class Migration(migrations.Migration):
    dependencies = [("models", "0007_spaces_web")]

    operations: list = [
        ops.CreateModel(
            name="WebSession",
            fields=[
                ("id", _id()),
                ("selector", fields.CharField(unique=True, max_length=32)),
                ("verifier_hash", fields.CharField(max_length=64)),
                ("csrf_token", fields.CharField(max_length=64)),
                ("account", _fk("Actor", "account", "web_sessions")),
                ("second_factor_pending", fields.BooleanField(default=False)),
                ("user_agent", fields.CharField(default="", max_length=255)),
                ("created_at", _when(add=True)),
                ("last_seen_at", _when(null=True)),
                ("revoked_at", _when(null=True)),
            ],
            options=_options("web_sessions"),
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TwoFactor",
            fields=[
                ("id", _id()),
                ("account", _fk("Actor", "account", "two_factor", unique=True)),
                ("secret", fields.CharField(max_length=64)),
                ("enabled_at", _when(null=True)),
                ("last_step", fields.BigIntField(null=True)),
                ("created_at", _when(add=True)),
            ],
            options=_options("two_factors"),
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", _id()),
                ("account", _fk("Actor", "account", "recovery_codes")),
                ("code_hash", fields.CharField(max_length=64)),
                ("used_at", _when(null=True)),
                ("created_at", _when(add=True)),
            ],
            options=_options("recovery_codes"),
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Invitation",
            fields=[
                ("id", _id()),
                ("code_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "created_by",
                    _fk(
                        "Actor", "created_by", "invitations", null=True, on_delete=OnDelete.SET_NULL
                    ),
                ),
                ("max_uses", fields.IntField(null=True)),
                ("uses", fields.IntField(default=0)),
                ("expires_at", _when(null=True)),
                ("revoked_at", _when(null=True)),
                ("created_at", _when(add=True)),
            ],
            options=_options("invitations"),
            bases=["Model"],
        ),
    ]
