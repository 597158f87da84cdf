"""A member's lists (Mastodon's lists) and content filters (Mastodon's filters v2)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class MemberList(Model):
    """A member's list of accounts they follow, read as its own timeline.

    `replies_policy`: followed | list | none (whose replies the list timeline shows);
    `exclusive`: its members' posts leave the owner's home timeline."""

    id = fields.BigIntField(primary_key=True, generated=False)
    owner: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="lists", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    replies_policy = fields.CharField(max_length=16, default="list")
    exclusive = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lists"


class ListAccount(Model):
    id = fields.IntField(primary_key=True)
    member_list: fields.ForeignKeyRelation[MemberList] = fields.ForeignKeyField(
        "models.MemberList", related_name="entries", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="in_lists", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "list_accounts"
        unique_together = (("member_list", "account"),)


class ContentFilter(Model):
    """A member's filter: where it applies (`context`), until when, and whether a match hides
    the post or shows it behind a warning (`action`: warn | hide)."""

    id = fields.BigIntField(primary_key=True, generated=False)
    owner: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="content_filters", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    context = fields.JSONField(default=list)
    action = fields.CharField(max_length=8, default="warn")
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "content_filters"


class FilterKeyword(Model):
    id = fields.BigIntField(primary_key=True, generated=False)
    content_filter: fields.ForeignKeyRelation[ContentFilter] = fields.ForeignKeyField(
        "models.ContentFilter", related_name="keywords", on_delete=fields.CASCADE
    )
    keyword = fields.CharField(max_length=255)
    whole_word = fields.BooleanField(default=True)

    class Meta:
        table = "filter_keywords"


class FilterStatus(Model):
    id = fields.BigIntField(primary_key=True, generated=False)
    content_filter: fields.ForeignKeyRelation[ContentFilter] = fields.ForeignKeyField(
        "models.ContentFilter", related_name="statuses", on_delete=fields.CASCADE
    )
    post: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Post", related_name="filtered_by", on_delete=fields.CASCADE
    )

    class Meta:
        table = "filter_statuses"
        unique_together = (("content_filter", "post"),)
