"""What admins and members decide about other actors and domains, and the record of it."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class DomainBlock(Model):
    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    severity = fields.CharField(max_length=16)  # suspend | silence | noop
    reject_media = fields.BooleanField(default=False)
    reject_reports = fields.BooleanField(default=False)
    private_comment = fields.TextField(default="")
    public_comment = fields.TextField(default="")
    obfuscate = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "domain_blocks"


class DomainAllow(Model):
    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "domain_allows"


class Block(Model):
    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=512, null=True, unique=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="blocks", on_delete=fields.CASCADE
    )
    target: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="blocked_by", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blocks"
        unique_together = (("actor", "target"),)


class Report(Model):
    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=512, null=True, unique=True)
    reporter: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="reports_made", null=True, on_delete=fields.SET_NULL
    )
    origin_domain = fields.CharField(max_length=255, null=True)
    target: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="reports_against", null=True, on_delete=fields.SET_NULL
    )
    status_uris = fields.JSONField(default=list)
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    assigned_to: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="reports_assigned", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "reports"


class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    who = fields.CharField(max_length=255)
    action = fields.CharField(max_length=64)
    target = fields.CharField(max_length=512, default="")
    reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log"
