"""Answers to other servers' requests: Accept and Reject of a Follow."""

from __future__ import annotations

from typing import Any

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from outbox.documents import wrap_activity
from outbox.publish import publish
from storage.models import Actor


async def _answer(
    kind: str, settings: Settings, local: Actor, remote: Actor, follow_doc: dict[str, Any]
) -> None:
    activity_id = new_id()
    doc = wrap_activity(
        activity_url(settings, activity_id), kind, local, follow_doc, to=[remote.uri], cc=[]
    )
    await publish(settings, local, doc, [remote], activity_id=activity_id)


async def send_accept(
    settings: Settings, local: Actor, remote: Actor, follow_doc: dict[str, Any]
) -> None:
    await _answer("Accept", settings, local, remote, follow_doc)


async def send_reject(
    settings: Settings, local: Actor, remote: Actor, follow_doc: dict[str, Any]
) -> None:
    await _answer("Reject", settings, local, remote, follow_doc)
