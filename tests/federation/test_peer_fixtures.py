"""Every payload real peers published parses, and passes the origin checks as its own actor.

The payloads are Lemmy's collection of what Mastodon, Pleroma, Friendica, PeerTube and others
send (see ../shared/fixtures/README.md). They are unsigned, so the origin check is run as if
each was signed by its own actor: what is tested is that legitimate traffic is not refused.
The few refusals are listed below with the reason, so a new one is a test failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from federation.activities import parse_activity, parse_json, parse_object
from federation.errors import FederationError
from federation.origin import check_origin

_REPO_ROOT = Path(__file__).resolve().parents[2]


def _fixtures_root() -> Path | None:
    configured = os.environ.get("BARAZA_PEER_FIXTURES")
    candidates = [Path(configured)] if configured else []
    candidates.append(_REPO_ROOT.parent / "shared" / "fixtures" / "peers")
    return next((c for c in candidates if c.is_dir()), None)


ROOT = _fixtures_root()
if ROOT is None:
    pytest.skip(
        "peer fixtures not found: set BARAZA_PEER_FIXTURES or provide ../shared/fixtures/peers/",
        allow_module_level=True,
    )
assert ROOT is not None


def _files(kind: str) -> list[str]:
    return sorted(
        p.relative_to(ROOT).as_posix() for p in ROOT.glob(f"*/{kind}/**/*.json") if p.is_file()
    )


ACTIVITIES = _files("activities")
OBJECTS = _files("objects")
COLLECTIONS = _files("collections")

# relative path -> reason substring: payloads parse_activity must refuse, and why.
PARSE_REFUSALS = {
    # A bare Note filed with the activities: it has no actor, and no inbox takes it as is.
    "mastodon/activities/private_message.json": "no actor",
}

# relative path -> reason substring: real traffic check_origin refuses on purpose, and why.
ORIGIN_REFUSALS = {
    # A moderator on ds9 updating a community hosted on enterprise. Only the group may
    # update itself; Lemmy also sends this wrapped in the community's own Announce, which
    # passes (and makes us refetch the group from its origin).
    "lemmy/activities/community/update_community.json": "another host",
    # A moderator on enterprise removing a comment hosted on ds9: same story, the community
    # announces the removal, and that Announce passes.
    "lemmy/activities/deletion/remove_note.json": "another host",
}


def _load(relative: str) -> dict[str, Any]:
    return parse_json((ROOT / relative).read_bytes())


def test_fixture_tables_name_existing_files() -> None:
    assert ACTIVITIES and OBJECTS, f"no payloads found under {ROOT}"
    assert set(PARSE_REFUSALS) | set(ORIGIN_REFUSALS) <= set(ACTIVITIES)


@pytest.mark.parametrize("relative", ACTIVITIES, ids=ACTIVITIES)
def test_peer_activity_parses_and_passes_origin_checks(relative: str) -> None:
    doc = _load(relative)
    if relative in PARSE_REFUSALS:
        with pytest.raises(FederationError, match=PARSE_REFUSALS[relative]):
            parse_activity(doc)
        return
    activity = parse_activity(doc)
    if relative in ORIGIN_REFUSALS:
        with pytest.raises(FederationError, match=ORIGIN_REFUSALS[relative]):
            check_origin(activity, activity.actor)
        return
    check_origin(activity, activity.actor)
    if isinstance(activity.object, dict) and activity.object.get("attributedTo"):
        parse_object(activity.object)


@pytest.mark.parametrize("relative", OBJECTS, ids=OBJECTS)
def test_peer_object_parses(relative: str) -> None:
    doc = _load(relative)
    parsed = parse_object(doc)
    assert parsed.id == doc["id"]


@pytest.mark.parametrize("relative", COLLECTIONS, ids=COLLECTIONS)
def test_peer_collection_items_parse(relative: str) -> None:
    """Outboxes hold activities and featured collections hold objects; both must parse."""
    doc = _load(relative)
    parse_object(doc)
    for item in doc.get("orderedItems") or doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        if "actor" in item:
            activity = parse_activity(item)
            check_origin(activity, activity.actor)
        else:
            parse_object(item)
