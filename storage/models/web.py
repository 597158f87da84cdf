"""The web app's own rows: browser sessions, second factors, recovery codes, invitations.

Every secret a browser or an invitee holds is kept here only as a SHA-256 hash: a copy of
the database signs nobody in. A session's cookie is `selector.verifier`; the selector finds
the row, the verifier is compared with its hash in constant time.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class WebSession(Model):
    """One signed-in browser. `second_factor_pending` rows are half-way: password given,
    code not yet; they sign nobody in."""

    id = fields.IntField(primary_key=True)
    selector = fields.CharField(max_length=32, unique=True)
    verifier_hash = fields.CharField(max_length=64)
    csrf_token = fields.CharField(max_length=64)
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="web_sessions", on_delete=fields.CASCADE
    )
    second_factor_pending = fields.BooleanField(default=False)
    user_agent = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "web_sessions"


class TwoFactor(Model):
    """A member's TOTP secret; `enabled_at` is set once a code from it was confirmed.
    `last_step` refuses a code used twice in its 30-second window."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="two_factor", on_delete=fields.CASCADE, unique=True
    )
    secret = fields.CharField(max_length=64)
    enabled_at = fields.DatetimeField(null=True)
    last_step = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "two_factors"


class RecoveryCode(Model):
    """A one-time code that stands in for the second factor; hashed, spent once."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "recovery_codes"


class Invitation(Model):
    """An invite link: `max_uses` None is unlimited, `expires_at` None never expires."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    created_by: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="invitations", null=True, on_delete=fields.SET_NULL
    )
    max_uses = fields.IntField(null=True)
    uses = fields.IntField(default=0)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invitations"
