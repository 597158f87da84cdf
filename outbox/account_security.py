"""A member ends one of their own browser sessions or an app's access.

Only the member's own rows: another member's session or token id answers as unknown (404),
so ids reveal nothing. A revoked token closes its open streams and co-editing sockets and
ends its Web Push subscription, exactly as the OAuth revoke endpoint's revocation does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from federation.errors import NotFound
from outbox import push, surface
from outbox.commit import action
from storage.models import AccessToken, Actor, WebSession

UNKNOWN = "Record not found"


async def revoke_web_session(member: Actor, session_id: int | None) -> None:
    revoked = await WebSession.filter(id=session_id or 0, account=member, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    if not revoked:
        raise NotFound(UNKNOWN)


async def revoke_app_token(member: Actor, token_id: int | None) -> None:
    async with action() as after:
        revoked = await AccessToken.filter(
            id=token_id or 0, account=member, revoked_at=None
        ).update(revoked_at=datetime.now(UTC))
        if not revoked:
            raise NotFound(UNKNOWN)
        after.add(lambda: surface.token_revoked(token_id or 0))
        after.add(lambda: push.token_revoked(token_id or 0))
