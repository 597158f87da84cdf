"""Mastodon.py's streaming (HTTP server-sent events) against a live `baraza serve`."""

from __future__ import annotations

import asyncio
import threading

import pytest
from mastodon import Mastodon, StreamListener

from tests.conftest import one_engine
from tests.e2e.instance import Instance


class Recorder(StreamListener):
    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.notifications: list[dict] = []
        self.seen = threading.Event()

    def on_update(self, status: dict) -> None:
        self.updates.append(status)
        self.seen.set()

    def on_notification(self, notification: dict) -> None:
        self.notifications.append(notification)
        self.seen.set()


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_stream_user_receives_new_statuses_and_notifications(make_instance) -> None:
    instance: Instance = await make_instance("127.0.0.2")
    for name in ("amina", "bruno"):
        await asyncio.to_thread(instance.cli, "member", "add", name)
    amina = Mastodon(
        access_token=await asyncio.to_thread(instance.token, "amina"),
        api_base_url=instance.base_url,
        version_check_mode="none",
    )
    bruno = Mastodon(
        access_token=await asyncio.to_thread(instance.token, "bruno"),
        api_base_url=instance.base_url,
        version_check_mode="none",
    )
    recorder = Recorder()
    handle = await asyncio.to_thread(
        amina.stream_user, recorder, run_async=True, reconnect_async=False
    )
    try:
        await asyncio.sleep(1.0)  # the stream is open before anything is posted
        mine = await asyncio.to_thread(amina.status_post, "streamed to myself")
        assert await asyncio.to_thread(recorder.seen.wait, 15)
        assert any(u["id"] == mine["id"] for u in recorder.updates)
        recorder.seen.clear()
        await asyncio.to_thread(bruno.status_favourite, mine["id"])
        assert await asyncio.to_thread(recorder.seen.wait, 15)
        assert any(n["type"] == "favourite" for n in recorder.notifications)
    finally:
        handle.close()
