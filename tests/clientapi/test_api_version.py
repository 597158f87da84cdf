"""The Mastodon version Baraza reports matches the API it serves (issue 16, item 6).

Apps switch features on by `/api/v1/instance`'s `version` (Mastodon.py refuses a call whose
endpoint is newer than the server's version; masto.js, Elk and Phanpy enable screens by it).
So the version must be at least the release that introduced every endpoint Baraza serves, or
apps hide what works; and no more than the newest of them, or apps call what is not there.

`ENDPOINTS` is Mastodon's client API by the release that introduced each endpoint, as
Mastodon.py 2.x declares them (`@api_version`) and docs.joinmastodon.org lists them. Each is
either served (it must route) or a known gap, with the reason, in `GAPS`: the test fails when
a served endpoint stops routing, when a gap starts being served (move it), when the reported
version is not the newest release among the served endpoints, and when an endpoint is in
neither list.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect, WebsocketMismatch

from webfinger.compatibility import MASTODON_API_VERSION

# (introduced in, method, a concrete path)
ENDPOINTS: list[tuple[str, str, str]] = [
    ("1.0.0", "GET", "/api/v1/accounts/1"),
    ("1.0.0", "GET", "/api/v1/accounts/verify_credentials"),
    ("1.0.0", "GET", "/api/v1/accounts/1/statuses"),
    ("1.0.0", "GET", "/api/v1/accounts/1/followers"),
    ("1.0.0", "POST", "/api/v1/accounts/1/follow"),
    ("1.0.0", "POST", "/api/v1/accounts/1/block"),
    ("1.0.0", "GET", "/api/v1/accounts/relationships"),
    ("1.0.0", "GET", "/api/v1/accounts/search"),
    ("1.0.0", "GET", "/api/v1/blocks"),
    ("1.0.0", "GET", "/api/v1/favourites"),
    ("1.0.0", "GET", "/api/v1/follow_requests"),
    ("1.0.0", "POST", "/api/v1/media"),
    ("1.0.0", "GET", "/api/v1/notifications"),
    ("1.0.0", "POST", "/api/v1/notifications/clear"),
    ("1.0.0", "POST", "/api/v1/statuses"),
    ("1.0.0", "GET", "/api/v1/statuses/1"),
    ("1.0.0", "DELETE", "/api/v1/statuses/1"),
    ("1.0.0", "GET", "/api/v1/statuses/1/context"),
    ("1.0.0", "POST", "/api/v1/statuses/1/favourite"),
    ("1.0.0", "POST", "/api/v1/statuses/1/reblog"),
    ("1.0.0", "GET", "/api/v1/timelines/home"),
    ("1.0.0", "GET", "/api/v1/timelines/public"),
    ("1.0.0", "GET", "/api/v1/timelines/tag/x"),
    ("1.1.0", "POST", "/api/v1/accounts/1/mute"),
    ("1.1.0", "GET", "/api/v1/mutes"),
    ("1.1.0", "GET", "/api/v1/instance"),
    ("1.1.0", "POST", "/api/v1/reports"),
    ("1.1.0", "GET", "/api/v1/streaming"),
    ("1.1.1", "PATCH", "/api/v1/accounts/update_credentials"),
    ("1.3.0", "POST", "/api/v1/notifications/1/dismiss"),
    ("1.4.0", "GET", "/api/v1/domain_blocks"),
    ("1.4.0", "POST", "/api/v1/domain_blocks"),
    ("1.4.0", "DELETE", "/api/v1/domain_blocks"),
    ("1.4.0", "POST", "/api/v1/statuses/1/mute"),
    ("1.4.0", "POST", "/api/v1/statuses/1/unmute"),
    ("2.0.0", "GET", "/api/v1/apps/verify_credentials"),
    ("2.1.0", "GET", "/api/v1/custom_emojis"),
    ("2.1.0", "GET", "/api/v1/lists"),
    ("2.1.0", "POST", "/api/v1/lists"),
    ("2.1.0", "GET", "/api/v1/lists/1/accounts"),
    ("2.1.0", "GET", "/api/v1/timelines/list/1"),
    ("2.1.0", "GET", "/api/v1/accounts/1/lists"),
    ("2.1.0", "POST", "/api/v1/statuses/1/pin"),
    ("2.1.0", "POST", "/api/v1/statuses/1/unpin"),
    ("2.1.2", "GET", "/api/v1/instance/activity"),
    ("2.1.2", "GET", "/api/v1/instance/peers"),
    ("2.3.0", "PUT", "/api/v1/media/1"),
    ("2.4.0", "GET", "/api/v1/push/subscription"),
    ("2.4.0", "POST", "/api/v1/push/subscription"),
    ("2.4.1", "GET", "/api/v2/search"),
    ("2.4.3", "GET", "/api/v1/filters"),
    ("2.4.3", "POST", "/api/v1/filters"),
    ("2.4.3", "GET", "/api/v2/suggestions"),
    ("2.5.0", "POST", "/api/v1/accounts/1/pin"),
    ("2.5.0", "GET", "/api/v1/endorsements"),
    ("2.6.0", "GET", "/api/v1/conversations"),
    ("2.6.0", "POST", "/api/v1/conversations/1/read"),
    ("2.7.0", "GET", "/api/v1/scheduled_statuses"),
    ("2.7.0", "GET", "/api/v1/scheduled_statuses/1"),
    ("2.7.0", "PUT", "/api/v1/scheduled_statuses/1"),
    ("2.7.0", "DELETE", "/api/v1/scheduled_statuses/1"),
    ("2.7.0", "POST", "/api/v1/accounts"),
    ("2.8.0", "GET", "/api/v1/polls/1"),
    ("2.8.0", "POST", "/api/v1/polls/1/votes"),
    ("2.8.0", "GET", "/api/v1/preferences"),
    ("3.0.0", "GET", "/api/v1/directory"),
    ("3.0.0", "GET", "/api/v1/featured_tags"),
    ("3.0.0", "GET", "/api/v1/markers"),
    ("3.0.0", "POST", "/api/v1/markers"),
    ("3.1.0", "GET", "/api/v1/announcements"),
    ("3.1.0", "GET", "/api/v1/bookmarks"),
    ("3.1.0", "POST", "/api/v1/statuses/1/bookmark"),
    ("3.1.4", "POST", "/api/v2/media"),
    ("3.2.0", "POST", "/api/v1/accounts/1/note"),
    ("3.3.0", "GET", "/api/v1/accounts/1/featured_tags"),
    ("3.4.0", "GET", "/api/v1/accounts/lookup"),
    ("3.4.0", "GET", "/api/v1/instance/rules"),
    ("3.5.0", "GET", "/api/v1/accounts/familiar_followers"),
    ("3.5.0", "POST", "/api/v1/accounts/1/remove_from_followers"),
    ("3.5.0", "PUT", "/api/v1/statuses/1"),
    ("3.5.0", "GET", "/api/v1/statuses/1/history"),
    ("3.5.0", "GET", "/api/v1/statuses/1/source"),
    ("3.5.0", "GET", "/api/v1/trends/statuses"),
    ("4.0.0", "GET", "/api/v2/instance"),
    ("4.0.0", "GET", "/api/v2/filters"),
    ("4.0.0", "POST", "/api/v2/filters"),
    ("4.0.0", "GET", "/api/v1/followed_tags"),
    ("4.0.0", "GET", "/api/v1/tags/x"),
    ("4.0.0", "POST", "/api/v1/tags/x/follow"),
    ("4.0.0", "POST", "/api/v1/tags/x/unfollow"),
    ("4.0.0", "GET", "/api/v1/instance/domain_blocks"),
    ("4.0.0", "GET", "/api/v1/instance/extended_description"),
    ("4.0.0", "POST", "/api/v1/statuses/1/translate"),
    ("4.0.0", "GET", "/api/v1/admin/domain_blocks"),
    ("4.1.0", "GET", "/api/v1/instance/translation_languages"),
    ("4.2.0", "GET", "/api/v1/instance/languages"),
    ("4.2.0", "DELETE", "/api/v1/profile/avatar"),
    ("4.3.0", "GET", "/api/v1/statuses"),
    ("4.3.0", "GET", "/api/v1/accounts"),
    ("4.3.0", "GET", "/api/v2/notifications"),
    ("4.3.0", "GET", "/api/v2/notifications/unread_count"),
    ("4.3.0", "GET", "/api/v2/notifications/policy"),
    ("4.3.0", "GET", "/api/v1/notifications/requests"),
    ("4.3.0", "GET", "/oauth/userinfo"),
    ("4.4.0", "GET", "/api/v1/instance/terms_of_service"),
    ("4.4.0", "POST", "/api/v1/accounts/1/endorse"),
    ("4.4.0", "POST", "/api/v1/tags/x/feature"),
    ("4.5.0", "GET", "/api/v1/statuses/1/quotes"),
]

GAPS: dict[tuple[str, str], str] = {
    ("GET", "/api/v2/suggestions"): "no follow suggestions",
    ("POST", "/api/v1/accounts/1/pin"): "no endorsements (featured accounts)",
    ("GET", "/api/v1/endorsements"): "no endorsements (featured accounts)",
    ("POST", "/api/v1/accounts"): "members are created by an admin (`baraza member add`)",
    ("GET", "/api/v1/directory"): "no profile directory",
    ("GET", "/api/v1/featured_tags"): "no featured tags",
    ("GET", "/api/v1/accounts/1/featured_tags"): "no featured tags",
    ("POST", "/api/v1/accounts/1/note"): "no private notes on accounts",
    ("POST", "/api/v1/accounts/1/remove_from_followers"): "not yet: reject a follower",
    ("GET", "/api/v1/instance/languages"): "no language list endpoint",
    ("DELETE", "/api/v1/profile/avatar"): "avatars are not uploaded through the API",
    ("GET", "/oauth/userinfo"): "no OpenID Connect",
    ("GET", "/api/v1/instance/terms_of_service"): "4.4: not claimed",
    ("POST", "/api/v1/accounts/1/endorse"): "4.4: not claimed",
    ("POST", "/api/v1/tags/x/feature"): "4.4: not claimed",
    ("GET", "/api/v1/statuses/1/quotes"): "4.5: not claimed",
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _routes(app: Any, method: str, path: str) -> bool:
    adapter = app.url_map.bind("testserver.example")
    try:
        adapter.match(path, method=method)
    except (NotFound, MethodNotAllowed):
        return False
    except (RequestRedirect, WebsocketMismatch):
        return True  # a trailing-slash redirect, or the streaming socket asked over HTTP
    return True


@pytest.fixture
async def served(app: Any) -> dict[tuple[str, str], bool]:
    return {(m, p): _routes(app, m, p) for _, m, p in ENDPOINTS}


async def test_every_endpoint_is_served_or_a_known_gap(served) -> None:
    wrong = [
        (m, p, "served but listed as a gap" if ok else "neither served nor a known gap")
        for (m, p), ok in served.items()
        if ok == ((m, p) in GAPS)
    ]
    assert not wrong, wrong
    assert set(GAPS) <= set(served), "a gap names an endpoint missing from ENDPOINTS"


async def test_the_reported_version_is_the_newest_release_served(served) -> None:
    newest = max(_version(v) for v, m, p in ENDPOINTS if served[(m, p)])
    assert _version(MASTODON_API_VERSION) == newest


async def test_instance_entities_report_it(client) -> None:
    for path in ("/api/v1/instance", "/api/v2/instance"):
        body = await (await client.get(path)).get_json()
        assert body["version"].split(" ")[0] == MASTODON_API_VERSION
