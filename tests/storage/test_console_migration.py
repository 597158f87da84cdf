"""Migration 0010 moves report assignees kept as instance settings into the new column; its
SQL runs here on rows like the ones older instances hold, on both engines."""

from __future__ import annotations

import importlib

from tortoise import connections
from tortoise.migrations import operations as ops

from storage.models import Actor, InstanceSetting, Report


async def test_assignees_move_into_the_column(any_db: str) -> None:
    migration = importlib.import_module("storage.migrations.0010_console").Migration
    statements = [op.sql for op in migration.operations if isinstance(op, ops.RunSQL)]
    assert len(statements) == 2

    def person(name: str) -> Actor:
        uri = f"https://testserver.example/users/{name}"
        return Actor(
            uri=uri,
            type="Person",
            username=name,
            domain="testserver.example",
            local=True,
            local_username=name,
            inbox_url=f"{uri}/inbox",
            key_id=f"{uri}#key",
            public_key_pem="-",
        )

    admin, member = person("root"), person("amina")
    await admin.save()
    await member.save()
    taken = await Report.create(reporter=member, target=admin, comment="a")
    open_one = await Report.create(reporter=member, target=admin, comment="b")
    await InstanceSetting.create(key=f"report_assignee:{taken.id}", value=admin.uri)
    await InstanceSetting.create(key="identity.keep", value="x")
    conn = connections.get("default")
    for sql in statements:
        await conn.execute_script(sql)
    assert (await Report.get(id=taken.id)).assigned_to_id == admin.id
    assert (await Report.get(id=open_one.id)).assigned_to_id is None
    keys = set(await InstanceSetting.all().values_list("key", flat=True))
    assert "identity.keep" in keys and not any(k.startswith("report_assignee:") for k in keys)
