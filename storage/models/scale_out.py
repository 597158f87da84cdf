"""What several server processes on one PostgreSQL share beyond the data itself.

`BusMessage` holds a cross-process message too big for a NOTIFY payload (`storage.bus`);
`RateCounter` is one fixed window of a request rate limit, counted by every process together
(`storage.rate_counters`). SQLite has the tables too (one schema) but, one process by design,
never uses them.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class BusMessage(Model):
    """A message whose row id was NOTIFYed; pruned minutes later, once every listener read it."""

    id = fields.BigIntField(primary_key=True)
    payload = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "bus_messages"


class RateCounter(Model):
    """Hits for one limiter key since `window_start` (Unix seconds), across every process."""

    key = fields.CharField(max_length=255, primary_key=True)
    window_start = fields.FloatField()
    hits = fields.IntField(default=0)

    class Meta:
        table = "rate_counters"
