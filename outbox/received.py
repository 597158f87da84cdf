"""An activity that arrived, signed, from another server, as the core's actions take it.

The core actions (`outbox.interactions`, `outbox.graph`) serve a local member and a remote
actor alike. A local act mints its own activity and publishes it; a remote one already has an
id and a document, which the action keeps (the row's `uri`, so a later Undo finds it) and
relays unchanged when a public space must pass it on (FEP-1b12). Passing this value is what
tells an action that it is applying someone else's activity rather than making one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Received:
    uri: str
    document: dict[str, Any]
