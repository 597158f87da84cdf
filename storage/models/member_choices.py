"""What a member chooses to see and not see, and what waits on their behalf: domains they
block, conversations they mute, hashtags they follow, their direct conversations, the posts
they scheduled; and the rules an admin sets for the instance."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class UserDomainBlock(Model):
    """A member hides a whole domain: its accounts' posts and notifications, and follows."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="domain_blocks", on_delete=fields.CASCADE
    )
    domain = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_domain_blocks"
        unique_together = (("actor", "domain"),)


class ConversationMute(Model):
    """A muted thread, named by its root post's URI (what every reply in it leads back to)."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="conversation_mutes", on_delete=fields.CASCADE
    )
    root_uri = fields.CharField(max_length=512)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "conversation_mutes"
        unique_together = (("actor", "root_uri"),)


class FollowedTag(Model):
    """A hashtag a member follows (lower case, without `#`): its posts join their home."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="followed_tags", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "followed_tags"
        unique_together = (("actor", "name"),)


class Conversation(Model):
    """One member's view of one direct thread: its latest post and whether they have read it."""

    id = fields.BigIntField(primary_key=True, generated=False)
    owner: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="conversations", on_delete=fields.CASCADE
    )
    root_uri = fields.CharField(max_length=512)
    last_post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="conversations", null=True, on_delete=fields.SET_NULL
    )
    unread = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "conversations"
        unique_together = (("owner", "root_uri"),)


class ScheduledStatus(Model):
    """A post a member wrote for later: its parameters as sent, published by the worker."""

    id = fields.BigIntField(primary_key=True, generated=False)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="scheduled_statuses", on_delete=fields.CASCADE
    )
    scheduled_at = fields.DatetimeField(db_index=True)
    params = fields.JSONField(default=dict)
    media_ids = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "scheduled_statuses"


class InstanceRule(Model):
    """A rule of the instance, set by an admin, shown to apps in order."""

    id = fields.IntField(primary_key=True)
    text = fields.TextField()
    hint = fields.TextField(default="")
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "instance_rules"
