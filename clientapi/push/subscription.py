"""`/api/v1/push/subscription`: an app subscribes its token to Web Push (POST), reads (GET),
changes alerts and policy (PUT), and unsubscribes (DELETE), as Mastodon documents.

Parses and renders only: the rules are `outbox.push_rules`, the state changes `outbox.push`.
Forms send `subscription[keys][p256dh]` and `data[alerts][mention]`; JSON sends the same as
nested objects. Both are read into one nested mapping.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import offered_token
from clientapi.auth import Caller, require
from clientapi.params import body_params
from federation.errors import NotFound, Unprocessable
from outbox import push
from outbox.push_keys import vapid_public_key
from outbox.push_rules import parse_alerts

blueprint = Blueprint("push", __name__)


def nested(params: dict[str, Any]) -> dict[str, Any]:
    """`a[b][c]=v` keys (and already-nested JSON values) as one nested dict. Pure."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        leaf = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            node[leaf] = {**value, **node[leaf]}
        elif leaf not in node:
            node[leaf] = value
    return out


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Unprocessable(f"{name} is required")
    return value.strip()


async def _caller() -> Caller:
    caller = await require("push")
    assert caller.account is not None and caller.token is not None
    return caller


async def _render(subscription: Any) -> Response:
    return json_response(push.entity(subscription, await vapid_public_key()))


@blueprint.post("/api/v1/push/subscription")
async def create() -> Response:
    caller = await _caller()
    body = nested(await body_params())
    sub = body.get("subscription") if isinstance(body.get("subscription"), dict) else {}
    keys = sub.get("keys") if isinstance(sub.get("keys"), dict) else {}
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    raw_token = offered_token()
    assert raw_token is not None  # `require` found a token
    try:
        created = await push.subscribe(
            settings().data_dir,
            caller.token,
            raw_token,
            caller.account,
            endpoint=_text(sub.get("endpoint"), "subscription[endpoint]"),
            p256dh=_text(keys.get("p256dh"), "subscription[keys][p256dh]"),
            auth=_text(keys.get("auth"), "subscription[keys][auth]"),
            alerts=parse_alerts(data.get("alerts")),
            policy=str(data.get("policy") or "all"),
        )
    except push.InvalidSubscription as exc:
        raise Unprocessable(str(exc)) from exc
    return await _render(created)


@blueprint.get("/api/v1/push/subscription")
async def show() -> Response:
    caller = await _caller()
    found = await push.current(caller.token)
    if found is None:
        raise NotFound("Record not found")
    return await _render(found)


@blueprint.put("/api/v1/push/subscription")
async def change() -> Response:
    caller = await _caller()
    found = await push.current(caller.token)
    if found is None:
        raise NotFound("Record not found")
    data = nested(await body_params()).get("data")
    data = data if isinstance(data, dict) else {}
    try:
        changed = await push.update(
            found,
            parse_alerts(data.get("alerts"), found.alerts),
            str(data.get("policy") or found.policy),
        )
    except push.InvalidSubscription as exc:
        raise Unprocessable(str(exc)) from exc
    return await _render(changed)


@blueprint.delete("/api/v1/push/subscription")
async def remove() -> Response:
    caller = await _caller()
    await push.unsubscribe(caller.token)
    return json_response({})
