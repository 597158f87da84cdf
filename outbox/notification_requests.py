"""Changes to what the notification policy holds back: the policy itself, and accepting or
dismissing a sender's request. Accepting lets the held notifications through (streamed as
they would have been) and every later one from that sender; dismissing drops them."""

from __future__ import annotations

from typing import Any

from outbox.commit import action
from outbox.notification_policy import Policy, policy_of
from outbox.surface import notification_released
from storage.models import (
    Actor,
    Notification,
    NotificationPermission,
    NotificationPolicy,
    NotificationRequest,
)


async def set_policy(member: Actor, changes: dict[str, Any]) -> Policy:
    async with action():
        row, _ = await NotificationPolicy.get_or_create(owner=member)
        if changes:
            for name, value in changes.items():
                setattr(row, name, value)
            await row.save()
    return await policy_of(member)


async def accept(member: Actor, requests: list[NotificationRequest]) -> None:
    released: list[int] = []
    async with action() as after:
        for request in requests:
            account_id = request.account_id  # type: ignore[attr-defined]
            await NotificationPermission.get_or_create(recipient=member, account_id=account_id)
            held = Notification.filter(
                recipient=member, account_id=account_id, filtered=True, dismissed=False
            )
            released.extend(await held.values_list("id", flat=True))
            await held.update(filtered=False)
            await request.delete()
        for notification_id in released:
            after.add(lambda n=notification_id: notification_released(n, member.id))


async def dismiss(member: Actor, requests: list[NotificationRequest]) -> None:
    async with action():
        for request in requests:
            await Notification.filter(
                recipient=member,
                account_id=request.account_id,  # type: ignore[attr-defined]
                filtered=True,
            ).delete()
            await request.delete()
