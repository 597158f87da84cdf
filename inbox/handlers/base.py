"""What every handler needs answered once: who the actor is, and which local things are named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from federation.activities import Incoming
from storage.models import Activity, Actor, Post

if TYPE_CHECKING:
    from baraza.services import Services


@dataclass
class Context:
    services: Services
    row: Activity
    activity: Incoming
    actor: Actor

    @property
    def settings(self):  # noqa: ANN201 - baraza.settings.Settings
        return self.services.settings

    def is_local_uri(self, uri: str | None) -> bool:
        return bool(uri) and uri.startswith(self.settings.base_url + "/")

    async def local_actor_named(self, uri: str | None) -> Actor | None:
        if not self.is_local_uri(uri):
            return None
        return await Actor.get_or_none(uri=uri, local=True)

    async def post(self, uri: str | None) -> Post | None:
        if not uri:
            return None
        return await Post.get_or_none(uri=uri).prefetch_related("actor")

    def inner(self) -> dict[str, Any] | None:
        """The embedded object as a dict, when the activity embeds one."""
        return self.activity.object if isinstance(self.activity.object, dict) else None
