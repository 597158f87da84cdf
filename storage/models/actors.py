"""Actors (local and remote) and the relations between them.

Local and remote actors share one table so that follows, likes and deliveries point at a
single kind of row; columns that only make sense locally (keys, password) are null for
remote actors.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Actor(Model):
    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=512, unique=True)
    type = fields.CharField(max_length=32)
    username = fields.CharField(max_length=255)
    domain = fields.CharField(max_length=255, db_index=True)
    local = fields.BooleanField(default=False)
    # Set only for local actors: makes local names unique across members and spaces.
    local_username = fields.CharField(max_length=64, null=True, unique=True)
    display_name = fields.TextField(default="")
    summary = fields.TextField(default="")
    url = fields.CharField(max_length=512, null=True)
    inbox_url = fields.CharField(max_length=512)
    outbox_url = fields.CharField(max_length=512, null=True)
    followers_url = fields.CharField(max_length=512, null=True)
    following_url = fields.CharField(max_length=512, null=True)
    shared_inbox_url = fields.CharField(max_length=512, null=True)
    key_id = fields.CharField(max_length=512, db_index=True)
    public_key_pem = fields.TextField()
    private_key_pem = fields.TextField(null=True)
    manually_approves_followers = fields.BooleanField(default=False)
    discoverable = fields.BooleanField(default=True)
    # Spaces (Group actors) only.
    private = fields.BooleanField(default=False)
    posting_restricted_to_mods = fields.BooleanField(default=False)
    # Archived by an admin: read-only (no posts, joins or edits), still read by its members.
    archived_at = fields.DatetimeField(null=True)
    # Local members only.
    password_hash = fields.TextField(null=True)
    is_admin = fields.BooleanField(default=False)
    # The moderation parts of the admin console and API, without the admin's other powers.
    is_moderator = fields.BooleanField(default=False)
    language = fields.CharField(max_length=8, null=True)
    # Mastodon's chosen_languages (public timelines) and the interface language.
    chosen_languages = fields.JSONField(default=list)
    ui_language = fields.CharField(max_length=8, null=True)
    header_url = fields.CharField(max_length=512, null=True)
    avatar_url = fields.CharField(max_length=512, null=True)
    also_known_as = fields.JSONField(default=list)
    moved_to = fields.CharField(max_length=512, null=True)
    document = fields.JSONField(null=True)
    fetched_at = fields.DatetimeField(null=True)
    suspended_at = fields.DatetimeField(null=True)
    # Limited (Mastodon's silence): reaches only its followers (`outbox/account_actions.py`).
    silenced_at = fields.DatetimeField(null=True)
    # Sign-in refused, tokens and sessions revoked; the account is otherwise intact.
    disabled_at = fields.DatetimeField(null=True)
    last_active_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "actors"

    @property
    def is_space(self) -> bool:
        return self.type == "Group"

    @property
    def acct(self) -> str:
        return f"{self.username}@{self.domain}"

    def __str__(self) -> str:
        return self.acct


class Follow(Model):
    """`follower` follows `target`. Following a space is membership of it."""

    id = fields.IntField(primary_key=True)
    follower: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="following_rel", on_delete=fields.CASCADE
    )
    target: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="followers_rel", on_delete=fields.CASCADE
    )
    uri = fields.CharField(max_length=512, null=True, unique=True)
    accepted = fields.BooleanField(default=False)
    # Mastodon's `notify`: the follower hears of each new post (`status` notifications).
    notify = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follows"
        unique_together = (("follower", "target"),)


class SpaceRole(Model):
    """Owners and moderators of a space (FEP-1b12's moderators collection)."""

    id = fields.IntField(primary_key=True)
    space: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="roles", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="space_roles", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "space_roles"
        unique_together = (("space", "member"),)
