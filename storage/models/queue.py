"""Durable work: received activities waiting to be handled, and outgoing deliveries.

Each row carries a state, an attempt count and a next-try time so that any process can
resume the work after a crash (Takahē's stator pattern).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class Activity(Model):
    """Every activity we accepted or produced, keyed by its id (the dedupe key)."""

    id = fields.BigIntField(primary_key=True, generated=False)
    uri = fields.CharField(max_length=512, unique=True)
    type = fields.CharField(max_length=32)
    actor_uri = fields.CharField(max_length=512, db_index=True)
    object_uri = fields.CharField(max_length=512, null=True, db_index=True)
    local = fields.BooleanField(default=False)
    document = fields.JSONField()
    # Inbound handling: received -> handled | failed.  Local activities start as handled.
    state = fields.CharField(max_length=16, default="received", db_index=True)
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField(null=True)
    error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "activities"


class Delivery(Model):
    """One POST of one activity to one inbox, written with the activity, in one transaction."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "models.Activity", related_name="deliveries", on_delete=fields.CASCADE
    )
    signer: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="deliveries", on_delete=fields.CASCADE
    )
    inbox_url = fields.CharField(max_length=512)
    host = fields.CharField(max_length=255, db_index=True)
    # queued -> sending -> delivered | failed | cancelled (and back to queued on a retry)
    state = fields.CharField(max_length=16, default="queued")
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "deliveries"
        indexes = (("state", "next_try_at"),)


class Host(Model):
    """What we know about a remote host's availability (the per-host breaker)."""

    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    consecutive_failures = fields.IntField(default=0)
    unavailable_since = fields.DatetimeField(null=True)
    last_success_at = fields.DatetimeField(null=True)
    # `cavage` or `rfc9421`: the style this host last accepted (None: not learned yet).
    signature_style = fields.CharField(max_length=16, null=True)

    class Meta:
        table = "hosts"
