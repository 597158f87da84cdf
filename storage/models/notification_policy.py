"""What decides whether a notification reaches a member: their policy, the requests it files
(one per sender whose notifications it held back), the senders they accepted, and the polls
whose ending has been announced."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class NotificationPolicy(Model):
    """Mastodon 4.3's policy: each field is accept | filter | drop."""

    id = fields.IntField(primary_key=True)
    owner: fields.OneToOneRelation[Actor] = fields.OneToOneField(
        "models.Actor", related_name="notification_policy", on_delete=fields.CASCADE
    )
    for_not_following = fields.CharField(max_length=8, default="accept")
    for_not_followers = fields.CharField(max_length=8, default="accept")
    for_new_accounts = fields.CharField(max_length=8, default="accept")
    for_private_mentions = fields.CharField(max_length=8, default="filter")
    for_limited_accounts = fields.CharField(max_length=8, default="filter")

    class Meta:
        table = "notification_policies"


class NotificationRequest(Model):
    """The held-back notifications from one sender to one member, until accepted or dismissed."""

    id = fields.BigIntField(primary_key=True, generated=False)
    recipient: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="notification_requests", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="requested_notifications", on_delete=fields.CASCADE
    )
    last_post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="notification_requests", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_requests"
        unique_together = (("recipient", "account"),)


class NotificationPermission(Model):
    """A sender the member accepted: their notifications pass the policy from then on."""

    id = fields.IntField(primary_key=True)
    recipient: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="notification_permissions", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="notification_permitted", on_delete=fields.CASCADE
    )

    class Meta:
        table = "notification_permissions"
        unique_together = (("recipient", "account"),)


class PollEnding(Model):
    """A poll whose end the worker has announced (its `poll` notifications are made): the row
    is written with the notifications, so a poll is announced once, even after a crash."""

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation = fields.OneToOneField(
        "models.Post", related_name="poll_ending", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "poll_endings"
