"""What apps ask at start-up: the instance, its limits and peers, and the member's settings.

Apps call these before anything else and give up on a server that 404s them, so each answers
in Mastodon's shape: real data where Baraza has it (instance, peers, markers, preferences),
an empty list where it has no such feature (filters, lists, announcements, trends).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from actors.existence import knowledge, not_in_hidden_spaces
from baraza import __version__
from baraza.responses import json_response
from baraza.services import settings
from clientapi.accounts.account_entity import account
from clientapi.auth import require, require_member
from clientapi.params import body_params
from federation.errors import Unprocessable
from outbox.push_keys import vapid_public_key
from storage.ids import MAX_BIGINT, parse_int
from storage.models import Actor, Marker, Post
from webfinger.compatibility import MASTODON_API_VERSION

blueprint = Blueprint("instance", __name__)

# Mastodon.py and apps enable features by this version; the suffix names what really answers.
MASTODON_VERSION = f"{MASTODON_API_VERSION} (compatible; Baraza {__version__})"
MAX_CHARACTERS = 5000
MAX_MEDIA_ATTACHMENTS = 4
IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
VIDEO_SIZE_LIMIT = 0  # no video upload
SUPPORTED_MIME_TYPES = [
    "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
]  # fmt: skip
MARKER_TIMELINES = ("home", "notifications")


def _configuration() -> dict[str, Any]:
    return {
        "statuses": {
            "max_characters": MAX_CHARACTERS,
            "max_media_attachments": MAX_MEDIA_ATTACHMENTS,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": SUPPORTED_MIME_TYPES,
            "image_size_limit": IMAGE_SIZE_LIMIT,
            "image_matrix_limit": 4096 * 4096,
            "video_size_limit": VIDEO_SIZE_LIMIT,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
            "description_limit": 1500,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2629746,
        },
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 5},
        "translation": {"enabled": bool(settings().translate_url)},
    }


async def _contact_account() -> dict[str, Any] | None:
    admin = (
        await Actor.filter(local=True, type="Person", is_admin=True, suspended_at=None)
        .order_by("id")
        .first()
    )
    return await account(admin) if admin is not None else None


async def _languages() -> list[str]:
    members = Actor.filter(local=True, type="Person", language__not_isnull=True)
    found = await members.distinct().values_list("language", flat=True)
    return sorted({lang for lang in found if lang}) or ["en"]


async def _peers() -> list[str]:
    domains = await Actor.filter(local=False).distinct().values_list("domain", flat=True)
    return sorted(set(domains))


def _streaming_url() -> str:
    config = settings()
    scheme = "wss" if config.scheme == "https" else "ws"
    return f"{scheme}://{config.domain}"


@blueprint.get("/api/v1/instance")
@blueprint.get("/api/v1/instance/")  # Mastodon.py asks with the slash
async def instance_v1() -> Response:
    config = settings()
    users = await Actor.filter(local=True, type="Person", suspended_at=None).count()
    # Anyone may ask: a private space's posts count as if they did not exist.
    hidden = (await knowledge(None)).hidden
    statuses = await Post.filter(not_in_hidden_spaces(hidden), local=True, deleted_at=None).count()
    return json_response(
        {
            "uri": config.host,
            "title": config.node_name,
            "short_description": f"{config.node_name}, a Baraza server",
            "description": f"{config.node_name}, a Baraza server",
            "email": "",
            "version": MASTODON_VERSION,
            "urls": {"streaming_api": _streaming_url()},
            "stats": {
                "user_count": users,
                "status_count": statuses,
                "domain_count": len(await _peers()),
            },
            "thumbnail": config.url("/static/header.png"),
            "languages": await _languages(),
            "registrations": config.open_registrations,
            "approval_required": False,
            "invites_enabled": False,
            "configuration": _configuration(),
            "contact_account": await _contact_account(),
            "rules": await _rules(),
        }
    )


@blueprint.get("/api/v2/instance")
@blueprint.get("/api/v2/instance/")
async def instance_v2() -> Response:
    config = settings()
    configuration = _configuration()
    configuration["urls"] = {"streaming": _streaming_url(), "status": None}
    configuration["vapid"] = {"public_key": await vapid_public_key()}
    configuration["timelines_access"] = await _timelines_access()
    return json_response(
        {
            "domain": config.host,
            "title": config.node_name,
            "version": MASTODON_VERSION,
            "source_url": config.url("/"),
            "description": f"{config.node_name}, a Baraza server",
            "usage": {"users": {"active_month": await _active_members()}},
            "thumbnail": {"url": config.url("/static/header.png")},
            "icon": [],
            "languages": await _languages(),
            "configuration": configuration,
            "urls": {"streaming_api": _streaming_url()},
            "registrations": {
                "enabled": config.open_registrations,
                "approval_required": False,
                "message": None,
                "url": None,
            },
            "api_versions": {"mastodon": 2},
            "contact": {"email": "", "account": await _contact_account()},
            "rules": await _rules(),
        }
    )


async def _timelines_access() -> dict[str, dict[str, str]]:
    """Mastodon 4.4's answer to "may a logged-out app show these feeds?": `public` while the
    instance allows logged-out reading, `authenticated` once an admin turns it off."""
    from storage.settings_store import logged_out_reading

    access = "public" if await logged_out_reading() else "authenticated"
    feeds = {"local": access, "remote": access}
    return {
        "live_feeds": feeds,
        "hashtag_feeds": dict(feeds),
        "trending_link_feeds": {"local": "disabled", "remote": "disabled"},
    }


async def _rules() -> list[dict[str, Any]]:
    from clientapi.instance.instance_about import rule_entities

    return await rule_entities()


async def _active_members() -> int:
    return await Actor.filter(local=True, type="Person", suspended_at=None).count()


@blueprint.get("/api/v1/instance/peers")
async def peers() -> Response:
    return json_response(await _peers())


@blueprint.get("/api/v1/custom_emojis")
async def custom_emojis() -> Response:
    return json_response([])


@blueprint.get("/api/v1/trends")
@blueprint.get("/api/v1/trends/tags")
@blueprint.get("/api/v1/trends/statuses")
@blueprint.get("/api/v1/trends/links")
async def trends() -> Response:
    return json_response([])


def _empty_list_route(path: str, scope: str) -> None:
    """An authenticated list of a feature Baraza does not have: scope-checked, then `[]`."""

    async def view() -> Response:
        await require(scope)
        return json_response([])

    view.__name__ = "empty_" + path.strip("/").replace("/", "_")
    blueprint.add_url_rule(path, view.__name__, view, methods=["GET"])


for _path, _scope in (
    ("/api/v1/announcements", "read"),
):
    _empty_list_route(_path, _scope)


@blueprint.get("/api/v1/preferences")
async def preferences() -> Response:
    member = await require_member("read:accounts")
    return json_response(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": member.language,
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


def _marker_entity(marker: Marker) -> dict[str, Any]:
    return {
        "last_read_id": marker.last_read_id,
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


@blueprint.get("/api/v1/markers")
async def get_markers() -> Response:
    member = await require_member("read:statuses")
    wanted = request.args.getlist("timeline[]") + request.args.getlist("timeline")
    unknown = [t for t in wanted if t not in MARKER_TIMELINES]
    if unknown:
        raise Unprocessable(f"timeline must be one of {', '.join(MARKER_TIMELINES)}")
    markers = await Marker.filter(actor=member, timeline__in=wanted or list(MARKER_TIMELINES))
    return json_response({m.timeline: _marker_entity(m) for m in markers})


def _last_read_id(params: dict[str, Any], timeline: str) -> str | None:
    value = params.get(f"{timeline}[last_read_id]")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if parse_int(value, minimum=0, maximum=MAX_BIGINT) is None:
        raise Unprocessable(f"{timeline}[last_read_id] must be an id")
    return value


@blueprint.post("/api/v1/markers")
async def save_markers() -> Response:
    member = await require_member("write:statuses")
    params = await body_params()
    updates = {t: _last_read_id(params, t) for t in MARKER_TIMELINES}
    updates = {t: v for t, v in updates.items() if v is not None}
    if not updates:
        raise Unprocessable("give home[last_read_id] or notifications[last_read_id]")
    answer: dict[str, Any] = {}
    for timeline, last_read_id in updates.items():
        marker, created = await Marker.get_or_create(
            actor=member, timeline=timeline, defaults={"last_read_id": last_read_id}
        )
        if not created:
            marker.last_read_id = last_read_id
            marker.version += 1
            marker.updated_at = datetime.now(UTC)
            await marker.save(update_fields=["last_read_id", "version", "updated_at"])
        answer[timeline] = _marker_entity(marker)
    return json_response(answer)
