"""A space's library of documents (each with its versions) and its Talks' participants."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models.actors import Actor


class LibraryDocument(Model):
    id = fields.BigIntField(primary_key=True, generated=False)
    uri = fields.CharField(max_length=512, unique=True)
    space: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="library", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    current_version = fields.IntField(default=1)
    created_by: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="documents_created", null=True, on_delete=fields.SET_NULL
    )
    post: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Post", related_name="library_documents", null=True, on_delete=fields.SET_NULL
    )
    # Live co-editing: the CRDT state (Yjs update bytes, base64) and when it was compacted.
    live_state = fields.TextField(default="")
    deleted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "library_documents"


class LibraryVersion(Model):
    id = fields.IntField(primary_key=True)
    document: fields.ForeignKeyRelation[LibraryDocument] = fields.ForeignKeyField(
        "models.LibraryDocument", related_name="versions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    size = fields.BigIntField()
    content_type = fields.CharField(max_length=128)
    filename = fields.CharField(max_length=255)
    uploader: fields.ForeignKeyNullableRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="versions_uploaded", null=True, on_delete=fields.SET_NULL
    )
    coauthors = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "library_versions"
        unique_together = (("document", "version"),)


class EventParticipation(Model):
    """A member's answer to a Talk: Accept, TentativeAccept or Reject (Mobilizon's way)."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Post", related_name="participations", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="participations", on_delete=fields.CASCADE
    )
    state = fields.CharField(max_length=16)
    uri = fields.CharField(max_length=512, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event_participations"
        unique_together = (("post", "actor"),)


class LetterDelivery(Model):
    """One Letter sent to one member for one period: the idempotency record of `letter send`."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "models.Actor", related_name="letters", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=255)  # "network" or a space uri
    period = fields.CharField(max_length=16)  # e.g. 2026-11
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "letter_deliveries"
        unique_together = (("member", "scope", "period"),)
