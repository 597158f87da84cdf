"""What a report points at, read for the console's report page: the posts it names as this
server stored them (remote ones as received, deleted ones too: a moderator must see what was
reported even after its author removed it). Rendering sanitises their HTML; nothing here
fetches from the network."""

from __future__ import annotations

from storage.models import Post, Report

MAX_POSTS = 50


async def reported_posts(report: Report) -> list[Post]:
    uris = [uri for uri in report.status_uris or [] if isinstance(uri, str)][:MAX_POSTS]
    if not uris:
        return []
    return list(await Post.filter(uri__in=uris).order_by("id"))
