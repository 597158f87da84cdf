"""Which inboxes an activity goes to: pure, so the rules are table-tested.

One POST per shared inbox per host (Mastodon's and GoToSocial's economy), the personal inbox
where a recipient has no shared one, never to our own host (local recipients are handled in
process), and never to a host the domain policy refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    uri: str
    inbox: str
    shared_inbox: str | None
    host: str


@dataclass(frozen=True)
class Target:
    inbox: str
    host: str


def delivery_targets(
    recipients: Iterable[Recipient],
    *,
    local_host: str,
    refused: Callable[[str], bool] = lambda host: False,
) -> list[Target]:
    seen: set[str] = set()
    targets: list[Target] = []
    for recipient in recipients:
        host = recipient.host.lower()
        if host == local_host.lower() or refused(host):
            continue
        inbox = recipient.shared_inbox or recipient.inbox
        if inbox in seen:
            continue
        seen.add(inbox)
        targets.append(Target(inbox=inbox, host=host))
    return targets
