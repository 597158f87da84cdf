"""The Mastodon-compatible client API (`/api/v1`, `/api/v2`) and OAuth 2 (`/oauth`).

One package per section of Mastodon's API documentation (accounts, statuses, timelines, ...),
each module a blueprint; `BLUEPRINT_MODULES` lists the modules the app registers. Shared by
all sections: `auth` and `scopes` (who may call what), `tokens`, `params` (the one request
parameter parser) and `pagination`.
"""

from __future__ import annotations

import importlib

from quart import Quart

# Grouped as Mastodon's API documentation groups its methods; `spaces` is Baraza's own.
BLUEPRINT_MODULES: list[str] = [
    "clientapi.oauth.oauth",
    "clientapi.instance.instance",
    "clientapi.accounts.accounts",
    "clientapi.statuses.statuses",
    "clientapi.statuses.status_actions",
    "clientapi.statuses.translate",
    "clientapi.timelines.timelines",
    "clientapi.timelines.lists",
    "clientapi.filters.filters",
    "clientapi.filters.filters_v1",
    "clientapi.notifications.notifications",
    "clientapi.notifications.grouped",
    "clientapi.notifications.policy",
    "clientapi.media.media",
    "clientapi.polls.polls",
    "clientapi.search.search",
    "clientapi.streaming.streaming",
    "clientapi.streaming.streaming_sse",
    "clientapi.push.subscription",
    "clientapi.moderation.admin",
    "clientapi.moderation.reports",
    "clientapi.spaces.spaces",
    "clientapi.spaces.space_library",
    "clientapi.spaces.letter_feeds",
    "clientapi.spaces.live",
    "clientapi.spaces.document_history",
    "clientapi.accounts.member_lists",
    "clientapi.statuses.status_choices",
    "clientapi.statuses.scheduled",
    "clientapi.tags.tags",
    "clientapi.instance.instance_about",
    "clientapi.conversations.conversations",
]


def register(app: Quart) -> None:
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        app.register_blueprint(module.blueprint)
