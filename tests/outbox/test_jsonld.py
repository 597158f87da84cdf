"""Every document Baraza serves is JSON-LD that means what it says.

Each document met by the walk of `tests.outbox.served` (actors, posts, polls, Talks,
collections and their pages, every activity, tombstones) is expanded with PyLD, a JSON-LD
processor we did not write. A term its `@context` does not define is lost to a JSON-LD reader:
the ActivityStreams context maps it to a blank node (`_:term`) and compaction would drop it.
So: no `_:` property or type after expansion, and compacting the expansion again with the
document's own context gives back every key the document had.

The context documents are the official ones as Fedify ships them in its npm package
(installed by `make interop`, which `make test` runs), read at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from actors.accounts import create_member
from actors.documents import actor_document, key_document
from baraza.settings import Settings
from tests.conftest import REPO, make_settings
from tests.outbox.served import build_world, walk

CONTEXTS = REPO / "tests/interop/fedify/node_modules/@fedify/vocab-runtime/src/contexts"
CONTEXT_FILES = {
    "https://www.w3.org/ns/activitystreams": "activitystreams.json",
    "https://w3id.org/security/v1": "security-v1.json",
}


class UnknownContext(Exception):
    """Our documents may name only contexts every peer can load without a network."""


def load_context(url: str, options: Any = None) -> dict[str, Any]:
    name = CONTEXT_FILES.get(url)
    if name is None:
        raise UnknownContext(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads((CONTEXTS / name).read_text()),
    }


OPTIONS = {"documentLoader": load_context}


def keys_of(doc: Any) -> set[str]:
    """Every key with a value, at every depth (JSON-LD drops nulls, so they are no loss)."""
    found: set[str] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "@context" or value is None:
                continue
            found.add(key)
            found |= keys_of(value)
    elif isinstance(doc, list):
        for value in doc:
            found |= keys_of(value)
    return found


def blank_terms(expanded: Any) -> set[str]:
    """Properties and types that expanded to blank nodes: terms no context defined."""
    found: set[str] = set()
    if isinstance(expanded, dict):
        for key, value in expanded.items():
            if key.startswith("_:"):
                found.add(key)
            if key == "@type":
                types = value if isinstance(value, list) else [value]
                found |= {t for t in types if t.startswith("_:")}
            found |= blank_terms(value)
    elif isinstance(expanded, list):
        for value in expanded:
            found |= blank_terms(value)
    return found


def lost_terms(doc: dict[str, Any]) -> set[str]:
    """What a JSON-LD reader would not understand in `doc` (empty when all is well)."""
    expanded = jsonld.expand(doc, OPTIONS)
    compacted = jsonld.compact(expanded, {"@context": doc["@context"]}, OPTIONS)
    return blank_terms(expanded) | (keys_of(doc) - keys_of(compacted))


@pytest.fixture(scope="module", autouse=True)
def _contexts_installed() -> None:
    missing = [n for n in CONTEXT_FILES.values() if not (CONTEXTS / n).is_file()]
    if missing:
        pytest.fail(f"JSON-LD contexts not installed ({missing}): run `make interop`")


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def app(settings: Settings):
    from baraza.app import create_app

    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application


def test_the_check_catches_an_undefined_term() -> None:
    """The check itself: the bug this test guards against (an outbox page with only the
    ActivityStreams context whose items use Hashtag and sensitive) is caught."""
    page = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://x.example/outbox?page=1",
        "type": "OrderedCollectionPage",
        "orderedItems": [
            {
                "id": "https://x.example/1",
                "type": "Note",
                "sensitive": False,
                "tag": [{"type": "Hashtag", "name": "#a", "href": "https://x.example/tags/a"}],
            }
        ],
    }
    assert {"_:sensitive", "_:Hashtag"} <= lost_terms(page)
    page["@context"] = [
        "https://www.w3.org/ns/activitystreams",
        {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"},
    ]
    assert lost_terms(page) == set()
    with pytest.raises(jsonld.JsonLdError):
        lost_terms({**page, "@context": "https://unknown.example/context"})


async def test_every_served_document_keeps_every_term(app, settings) -> None:
    world = await build_world(settings)
    found = await walk(app.test_client(), world)
    assert not found.problems, "\n".join(found.problems)
    failures = {}
    kinds = set()
    for url, (_, doc) in found.documents.items():
        kinds.add(doc.get("type"))
        lost = lost_terms(doc)
        if lost:
            failures[url] = sorted(lost)
    assert not failures, json.dumps(failures, indent=1)
    assert {"Person", "Group", "Application", "Note", "Question", "Event", "Tombstone"} <= kinds
    assert {"Create", "Update", "Like", "Announce", "Delete", "Undo", "Accept"} <= kinds
    assert {"OrderedCollection", "OrderedCollectionPage"} <= kinds


async def test_actor_documents_keep_every_term(settings) -> None:
    member = await create_member(settings, "amina")
    assert lost_terms(actor_document(settings, member)) == set()
    assert lost_terms(key_document(settings, member)) == set()
