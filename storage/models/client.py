"""What the client API keeps per member: notifications, bookmarks, mutes, media, markers,
OAuth authorization codes and idempotent requests."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class Notification(Model):
    id = fields.BigIntField(primary_key=True, generated=False)
    recipient: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="notifications", on_delete=fields.CASCADE
    )
    # mention | status | reblog | follow | follow_request | favourite | update | poll
    type = fields.CharField(max_length=32)
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="caused_notifications", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    dismissed = fields.BooleanField(default=False)
    # Held back by the member's notification policy: shown only through its request.
    filtered = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notifications"
        indexes = (("recipient_id", "id"),)


class Bookmark(Model):
    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="bookmarks", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Post", related_name="bookmarks", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "bookmarks"
        unique_together = (("actor", "post"),)


class Mute(Model):
    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="mutes", on_delete=fields.CASCADE
    )
    target: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="muted_by", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mutes"
        unique_together = (("actor", "target"),)


class MediaAttachment(Model):
    """An uploaded file, stored under the data directory by content hash."""

    id = fields.BigIntField(primary_key=True, generated=False)
    owner: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="media", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="media", null=True, on_delete=fields.SET_NULL
    )
    sha256 = fields.CharField(max_length=64, db_index=True)
    content_type = fields.CharField(max_length=128)
    size = fields.BigIntField()
    filename = fields.CharField(max_length=255, default="")
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_attachments"


class Marker(Model):
    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="markers", on_delete=fields.CASCADE
    )
    timeline = fields.CharField(max_length=32)
    last_read_id = fields.CharField(max_length=32)
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "markers"
        unique_together = (("actor", "timeline"),)


class AuthorizationCode(Model):
    """A one-time OAuth code (stored hashed) with its PKCE challenge."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=128, unique=True)
    app: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.OAuthApp", related_name="codes", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="oauth_codes", on_delete=fields.CASCADE
    )
    redirect_uri = fields.TextField()
    scopes = fields.CharField(max_length=512)
    code_challenge = fields.CharField(max_length=128, null=True)
    code_challenge_method = fields.CharField(max_length=16, null=True)
    expires_at = fields.DatetimeField()
    used = fields.BooleanField(default=False)

    class Meta:
        table = "oauth_codes"


class IdempotentRequest(Model):
    """`Idempotency-Key`: the same key from the same member returns the first result."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="idempotent_requests", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=128)
    post_id = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotent_requests"
        unique_together = (("actor", "key"),)


class Translation(Model):
    """A cached translation of one post into one language."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Post", related_name="translations", on_delete=fields.CASCADE
    )
    target_language = fields.CharField(max_length=8)
    content = fields.TextField()
    spoiler_text = fields.TextField(default="")
    detected_source_language = fields.CharField(max_length=8, default="")
    provider = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "translations"
        unique_together = (("post", "target_language"),)
