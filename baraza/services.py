"""What a running instance shares between requests: settings, HTTP client, instance actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quart import current_app

from baraza.settings import Settings
from federation.client import ClientSettings, HttpClient

if TYPE_CHECKING:
    from storage.models import Actor


@dataclass
class Services:
    settings: Settings
    http: HttpClient = field(init=False)
    # For services the operator configured (a self-hosted LibreTranslate on this machine):
    # trusted by configuration, so private addresses are allowed; never used for peers.
    backend_http: HttpClient = field(init=False)
    instance_actor: Actor | None = None

    def __post_init__(self) -> None:
        self.http = HttpClient(
            ClientSettings(
                user_agent=self.settings.user_agent,
                allow_private_addresses=self.settings.allow_private_addresses,
            )
        )
        self.backend_http = HttpClient(
            ClientSettings(user_agent=self.settings.user_agent, allow_private_addresses=True)
        )


def services() -> Services:
    return current_app.extensions["baraza"]


def settings() -> Settings:
    return services().settings
