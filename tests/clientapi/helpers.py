"""Members and tokens for client API tests."""

from __future__ import annotations

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Actor


async def member_with_token(
    settings: Settings, name: str, scopes: str = "read write follow"
) -> tuple[Actor, dict[str, str]]:
    member = await create_member(settings, name)
    token, _ = await issue_token(member, scopes)
    return member, {"Authorization": f"Bearer {token}"}
