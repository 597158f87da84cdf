"""What the admin console keeps about peer instances and blocklist imports awaiting approval."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PeerInstance(Model):
    """A peer's software as its NodeInfo last said, so the console shows it without a fetch.

    `domain` is spelled as actors and delivery hosts spell it (with a port when there is one);
    `error` says why the last fetch gave nothing (the software kept from before stays).
    """

    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    software_name = fields.CharField(max_length=100, default="")
    software_version = fields.CharField(max_length=100, default="")
    fetched_at = fields.DatetimeField(null=True)
    error = fields.CharField(max_length=255, default="")

    class Meta:
        table = "peer_instances"


class BlocklistUpload(Model):
    """An uploaded blocklist CSV between its preview and "Apply": kept on the server so what
    is applied is recomputed from exactly the file that was previewed, and compared with the
    preview's digest before anything is written."""

    id = fields.IntField(primary_key=True)
    who = fields.CharField(max_length=255)
    source = fields.CharField(max_length=255, default="")
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blocklist_uploads"
