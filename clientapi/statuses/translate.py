"""Translating a post for a reader: Mastodon's `/translate`, backed by a self-hosted LibreTranslate.

The network's text goes only to the operator's own LibreTranslate (`BARAZA_TRANSLATE_URL`),
through the one outbound client. A translation is stored per post and target language, so a
thread read by many members costs one call; and what a reader may not see, they cannot have
translated (the post answers 404 as if it did not exist).
"""

from __future__ import annotations

from typing import Any

import orjson
from quart import Blueprint, Response
from tortoise.exceptions import IntegrityError

from baraza.language import validate_language
from baraza.responses import json_response
from baraza.services import services, settings
from clientapi.auth import require
from clientapi.params import request_params
from federation.client import FetchError
from federation.errors import ServiceUnavailable, Unprocessable
from outbox.viewing import visible_post
from storage.models import Post, Translation

blueprint = Blueprint("clientapi_translate", __name__)

PROVIDER = "LibreTranslate"
NOT_CONFIGURED = "translation is not available: this server has no translation service configured"


def _backend_url() -> str:
    url = settings().translate_url
    if not url:
        raise ServiceUnavailable(NOT_CONFIGURED)
    return url


async def _call(path: str, payload: dict[str, Any] | None = None) -> Any:
    url = f"{_backend_url()}{path}"
    http = services().backend_http  # the operator's own service, maybe on this machine
    try:
        if payload is None:
            response = await http.get(url, accept="application/json")
        else:
            response = await http.post(url, orjson.dumps(payload), "application/json")
    except FetchError as exc:
        raise ServiceUnavailable(f"the translation service did not answer ({exc.reason})") from exc
    if response.status != 200:
        raise ServiceUnavailable(f"the translation service refused ({response.status})")
    try:
        return orjson.loads(response.body)
    except orjson.JSONDecodeError as exc:
        raise ServiceUnavailable("the translation service answered with something else") from exc


async def _translate_html(html: str, source: str, target: str) -> tuple[str, str]:
    """(translated html, detected source language) for one text."""
    if not html:
        return "", source
    answer = await _call(
        "/translate", {"q": html, "source": source, "target": target, "format": "html"}
    )
    text = answer.get("translatedText") if isinstance(answer, dict) else None
    if not isinstance(text, str):
        raise ServiceUnavailable("the translation service answered without a translation")
    detected = answer.get("detectedLanguage")
    if (
        source == "auto"
        and isinstance(detected, dict)
        and isinstance(detected.get("language"), str)
    ):
        source = detected["language"]
    return text, source


async def _translation(post: Post, target: str) -> Translation:
    cached = await Translation.get_or_none(post=post, target_language=target)
    if cached is not None:
        return cached
    content, detected = await _translate_html(post.content, post.language or "auto", target)
    spoiler, _ = await _translate_html(post.summary, detected, target)
    try:
        return await Translation.create(
            post=post,
            target_language=target,
            content=content,
            spoiler_text=spoiler,
            detected_source_language=detected if detected != "auto" else "",
            provider=PROVIDER,
        )
    except IntegrityError:  # a concurrent request translated it first
        return await Translation.get(post=post, target_language=target)


def translation_entity(row: Translation) -> dict[str, Any]:
    return {
        "content": row.content,
        "spoiler_text": row.spoiler_text,
        "detected_source_language": row.detected_source_language,
        "provider": row.provider,
        "media_attachments": [],
        "poll": None,
    }


@blueprint.post("/api/v1/statuses/<status_id>/translate")
async def translate_status(status_id: str) -> Response:
    caller = await require("read:statuses")
    member = caller.account
    post = await visible_post(status_id, member)
    _backend_url()
    params = await request_params()
    wanted = params.text("lang") or (member.ui_language if member else None) or "en"
    target = validate_language(wanted)
    if post.language == target:
        raise Unprocessable(f"this post is already in {target!r}")
    return json_response(translation_entity(await _translation(post, target)))


@blueprint.get("/api/v1/instance/translation_languages")
async def translation_languages() -> Response:
    """Source language -> target languages, as the backend lists them; {} with no backend."""
    if not settings().translate_url:
        return json_response({})
    listed = await _call("/languages")
    pairs: dict[str, list[str]] = {}
    for entry in listed if isinstance(listed, list) else []:
        code = entry.get("code") if isinstance(entry, dict) else None
        targets = entry.get("targets") if isinstance(entry, dict) else None
        if isinstance(code, str) and isinstance(targets, list):
            pairs[code] = [t for t in targets if isinstance(t, str) and t != code]
    return json_response(pairs)
