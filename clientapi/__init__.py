"""The Mastodon-compatible client API (`/api/v1`, `/api/v2`) and OAuth 2 (`/oauth`).

Each module holds one group of endpoints as a blueprint; `BLUEPRINTS` lists the modules the
app registers, so adding a group is one line here.
"""

from __future__ import annotations

import importlib

from quart import Quart

BLUEPRINT_MODULES: list[str] = []
BLUEPRINT_MODULES += ["clientapi.oauth", "clientapi.instance", "clientapi.accounts"]
BLUEPRINT_MODULES += ["clientapi.statuses", "clientapi.status_actions", "clientapi.timelines"]
BLUEPRINT_MODULES += ["clientapi.notifications"]
BLUEPRINT_MODULES += ["clientapi.admin", "clientapi.reports"]  # moderation (issue 5)
BLUEPRINT_MODULES += ["clientapi.spaces", "clientapi.space_library"]  # spaces (issue 4)
BLUEPRINT_MODULES += ["clientapi.translate"]  # translation (issue 7)
BLUEPRINT_MODULES += ["clientapi.media", "clientapi.search", "clientapi.streaming"]  # issue 6
BLUEPRINT_MODULES += ["clientapi.polls"]  # polls (issue 6)
BLUEPRINT_MODULES += ["clientapi.streaming_sse"]  # HTTP streaming for Mastodon.py
BLUEPRINT_MODULES += ["clientapi.letter_feeds"]  # the Letter (issue 10)
BLUEPRINT_MODULES += ["clientapi.live"]  # live co-editing (issue 10)


def register(app: Quart) -> None:
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        app.register_blueprint(module.blueprint)
