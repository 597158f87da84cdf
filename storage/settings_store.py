"""Reading and writing instance settings; every process reads the same rows, so a change made by
the CLI takes effect in running servers and workers at once."""

from __future__ import annotations

from storage.models import InstanceSetting


async def get_setting(key: str, default: str) -> str:
    row = await InstanceSetting.get_or_none(key=key)
    return row.value if row is not None else default


async def set_setting(key: str, value: str) -> None:
    await InstanceSetting.update_or_create(key=key, defaults={"value": value})
