"""Instance-wide settings that admins change at run time (read by every process)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class InstanceSetting(Model):
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    value = fields.TextField()

    class Meta:
        table = "instance_settings"
