"""ActivityStreams documents for local actors, shaped like Mastodon's so every peer reads them."""

from __future__ import annotations

from typing import Any

from actors.urls import actor_urls
from baraza.settings import Settings
from storage.models import Actor

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"

# The extension terms our documents use, defined inline as Mastodon does.
EXTENSION_TERMS: dict[str, Any] = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "lemmy": "https://join-lemmy.org/ns#",
    "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
    "moderators": {"@id": "lemmy:moderators", "@type": "@id"},
    # Mastodon's vocabulary beyond the above, as its own documents define it: polls' voter
    # counts, featured collections, custom emoji, profile fields, media hints, moves.
    "votersCount": "toot:votersCount",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
    "Emoji": "toot:Emoji",
    "blurhash": "toot:blurhash",
    "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    "indexable": "toot:indexable",
    "memorial": "toot:memorial",
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
    "movedTo": {"@id": "as:movedTo", "@type": "@id"},
    # A Talk's join mode, as Mobilizon publishes an Event.
    "mz": "https://joinmobilizon.org/ns#",
    "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
}
"""Every term our documents use beyond the two contexts they name; tests/outbox/test_jsonld.py
expands every served document with a JSON-LD processor and fails on any term left out."""

ACTOR_CONTEXT: list[Any] = [AS_CONTEXT, SECURITY_CONTEXT, EXTENSION_TERMS]


def iso(dt: object) -> str | None:
    if dt is None:
        return None
    text = dt.isoformat()  # type: ignore[attr-defined]
    return text.replace("+00:00", "Z")


def actor_document(settings: Settings, actor: Actor) -> dict[str, Any]:
    """Never includes the private key: the document is built field by field from an allowlist."""
    urls = actor_urls(settings, actor.type, actor.username)
    doc: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": actor.uri,
        "type": actor.type,
        "preferredUsername": actor.username,
        "name": actor.display_name,
        "summary": actor.summary,
        "url": actor.url,
        "inbox": actor.inbox_url,
        "outbox": urls.outbox,
        "followers": urls.followers,
        "following": urls.following,
        "endpoints": {"sharedInbox": actor.shared_inbox_url},
        "publicKey": {
            "id": actor.key_id,
            "owner": actor.uri,
            "publicKeyPem": actor.public_key_pem,
        },
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.discoverable,
        "published": iso(actor.created_at),
    }
    if actor.type == "Person" and actor.local:
        doc["featured"] = f"{actor.uri}/collections/featured"  # pinned posts (Mastodon)
    if actor.type == "Group":
        # FEP-1b12: the moderators collection, as Lemmy publishes it.
        doc["attributedTo"] = urls.moderators
        doc["moderators"] = urls.moderators
        doc["postingRestrictedToMods"] = actor.posting_restricted_to_mods
    return doc


KEY_FIELDS = (
    "@context",
    "id",
    "type",
    "preferredUsername",
    "inbox",
    "outbox",
    "endpoints",
    "publicKey",
)
"""What authorized fetch still serves to an unsigned GET: Mastodon's `restrict_fields_to`.

A peer that fetches our key unsigned (Fedify does, and must, to verify the very request that
would let it sign) gets it; names, summaries and follower counts stay behind the signature.
"""


def key_document(settings: Settings, actor: Actor) -> dict[str, Any]:
    """The minimal actor document: enough to verify a signature and to deliver, nothing more."""
    full = actor_document(settings, actor)
    return {name: full[name] for name in KEY_FIELDS}
