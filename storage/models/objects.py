"""Posts and the interactions with them (likes, boosts)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class Post(Model):
    """A Note, Article, Question, Page, Event or other object, local or remote."""

    id = fields.BigIntField(primary_key=True, generated=False)
    uri = fields.CharField(max_length=512, unique=True)
    url = fields.CharField(max_length=512, null=True)
    type = fields.CharField(max_length=32, default="Note")
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="posts", on_delete=fields.CASCADE
    )
    local = fields.BooleanField(default=False)
    content = fields.TextField(default="")
    summary = fields.TextField(default="")
    name = fields.TextField(default="")
    sensitive = fields.BooleanField(default=False)
    language = fields.CharField(max_length=8, null=True)
    in_reply_to_uri = fields.CharField(max_length=512, null=True, db_index=True)
    # public | unlisted | followers | direct | space
    visibility = fields.CharField(max_length=16, default="public")
    space: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="space_posts", null=True, on_delete=fields.SET_NULL
    )
    audience = fields.CharField(max_length=512, null=True)
    to = fields.JSONField(default=list)
    cc = fields.JSONField(default=list)
    tags = fields.JSONField(default=list)
    attachments = fields.JSONField(default=list)
    poll = fields.JSONField(null=True)
    pinned = fields.BooleanField(default=False)
    edits = fields.JSONField(default=list)
    document = fields.JSONField(null=True)
    published = fields.DatetimeField(db_index=True)
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "posts"
        indexes = (
            ("actor_id", "published"),
            ("visibility", "published"),
            ("actor_id", "id"),
            ("actor_id", "deleted_at", "id"),  # home: the followed authors' live post ids
        )


class Like(Model):
    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=512, null=True, unique=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="likes", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="likes", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "likes"
        unique_together = (("actor", "post"),)


class Announce(Model):
    """A boost (reblog) of a post, or a space relaying a post to its members."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=512, null=True, unique=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="announces", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "models.Post", related_name="announces", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "announces"
        unique_together = (("actor", "post"),)
