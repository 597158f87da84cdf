"""OAuth 2 applications and access tokens; tokens are stored only as hashes."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class OAuthApp(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    website = fields.CharField(max_length=512, null=True)
    client_id = fields.CharField(max_length=64, unique=True)
    client_secret_hash = fields.CharField(max_length=128)
    redirect_uris = fields.TextField(default="urn:ietf:wg:oauth:2.0:oob")
    scopes = fields.CharField(max_length=512, default="read")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "oauth_apps"


class AccessToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=128, unique=True)
    refresh_hash = fields.CharField(max_length=128, null=True, unique=True)
    app: fields.ForeignKeyNullableRelation[OAuthApp] = fields.ForeignKeyField(
        "models.OAuthApp", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    scopes = fields.CharField(max_length=512)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "access_tokens"
