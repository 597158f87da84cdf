"""Web Push: a member's app subscribed to hear of notifications, and each push waiting to go.

A subscription belongs to one access token (Mastodon: one per token) and is deleted with it.
A push is a durable row like a federation delivery: written with the notification, claimed by
a worker, retried with backoff, so a crash or a phone's push service being down loses nothing.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor
from storage.models.auth import AccessToken
from storage.models.client import Notification


class PushSubscription(Model):
    id = fields.IntField(primary_key=True)
    token: fields.ForeignKeyRelation[AccessToken] = fields.ForeignKeyField(
        "models.AccessToken", related_name="push_subscription", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=2048)
    p256dh = fields.CharField(max_length=256)  # the app's public key, base64url (RFC 8291)
    auth = fields.CharField(max_length=64)  # the app's auth secret, base64url
    alerts = fields.JSONField(default=dict)  # notification type -> bool
    policy = fields.CharField(max_length=16, default="all")  # all | followed | follower | none
    # The app's token, sealed (AES-GCM) under a key kept in the data directory, not the
    # database: Mastodon's payload carries it, and tokens are otherwise stored only as hashes.
    sealed_token = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "push_subscriptions"
        unique_together = (("token",),)


class PushDelivery(Model):
    """One encrypted POST of one notification to one subscription's push endpoint."""

    id = fields.BigIntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[PushSubscription] = fields.ForeignKeyField(
        "models.PushSubscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="push_deliveries", on_delete=fields.CASCADE
    )
    host = fields.CharField(max_length=255)
    # queued -> sending -> delivered | failed (and back to queued on a retry), as deliveries
    state = fields.CharField(max_length=16, default="queued")
    attempts = fields.IntField(default=0)
    next_try_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_deliveries"
        indexes = (("state", "next_try_at"),)
