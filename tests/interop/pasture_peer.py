"""The fediverse-pasture's one-actor server (PyPI `fediverse-pasture`, built on `bovine`), as a
peer for Baraza's interop tests: `python -m tests.interop.pasture_peer HOST PORT`.

The pasture's `BlueprintForActors` serves the actor, WebFinger and an inbox that verifies
every HTTP signature with bovine (draft-cavage and RFC 9421), fetching the sender's key with a
signed GET; its actor document itself is served only to signed GETs. What is added here is
what a test needs: an inbox that records what it verified and fetches what it names (signed),
an Accept for every Follow, the notes the test published, and a control API
(`/_control/...`) to send an activity written by the test, signed by bovine.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import aiohttp
from bovine import BovineActor
from fediverse_pasture.data_provider import bovine_actor_for_actor_data
from fediverse_pasture.data_provider.generate import generate_key_pair
from fediverse_pasture.data_provider.models import ActorData
from fediverse_pasture.server import BlueprintForActors
from quart import Quart, request

AS = "https://www.w3.org/ns/activitystreams"


def build_app(origin: str) -> Quart:
    actor_id = f"{origin}/actor"
    data = ActorData(
        actor_name="actor",
        user_part="actor",
        key_pairs=[generate_key_pair("main")],
        requires_signed_get_for_actor=True,
        requires_signed_post_for_inbox=True,
    )
    received: list[dict[str, Any]] = []
    notes: dict[str, dict[str, Any]] = {}
    tasks: set[asyncio.Task] = set()
    app = Quart(__name__)
    state: dict[str, BovineActor] = {}

    async def bovine() -> BovineActor:
        if "actor" not in state:
            actor, _ = bovine_actor_for_actor_data(actor_id, data)
            await actor.init(session=aiohttp.ClientSession())
            state["actor"] = actor
        return state["actor"]

    async def inbox_of(uri: str) -> str:
        document = await (await bovine()).get(uri)
        return document["inbox"]

    async def accept(follow: dict[str, Any]) -> None:
        follower = follow["actor"]
        await (await bovine()).post(
            await inbox_of(follower),
            {
                "@context": AS,
                "id": f"{origin}/accepts/{uuid.uuid4()}",
                "type": "Accept",
                "actor": actor_id,
                "object": follow,
                "to": [follower],
            },
        )

    async def on_inbox(activity: dict[str, Any]) -> None:
        entry: dict[str, Any] = {"activity": activity}
        inner = activity.get("object")
        target = inner.get("id") if isinstance(inner, dict) else inner
        if isinstance(target, str) and target.startswith("http") and activity["type"] != "Follow":
            try:
                entry["object"] = await (await bovine()).get(target)
            except Exception as error:
                entry["objectError"] = repr(error)
        received.append(entry)
        if activity.get("type") == "Follow" and target in (actor_id, f"{origin}/actor"):
            task = asyncio.create_task(accept(activity))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    app.register_blueprint(BlueprintForActors(actors=[data], on_inbox=on_inbox).blueprint)

    @app.after_serving
    async def close_session() -> None:
        if "actor" in state:
            await state["actor"].session.close()

    @app.get("/_control/received")
    async def control_received() -> Any:
        return received

    @app.post("/_control/send")
    async def control_send() -> Any:
        body = await request.get_json()
        if body.get("note"):
            notes[body["note"]["id"]] = body["note"]
        try:
            inbox = await inbox_of(body["to"])
            response = await (await bovine()).post(inbox, body["activity"])
        except Exception as error:
            return {"error": repr(error)}, 502
        return {"sent": body["activity"].get("id"), "status": response.status}

    @app.get("/notes/<note_id>")
    async def note(note_id: str) -> Any:
        found = notes.get(f"{origin}/notes/{note_id}")
        if found is None:
            return {"error": "not found"}, 404
        return found, 200, {"Content-Type": "application/activity+json"}

    return app


def main() -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    host, port = sys.argv[1], sys.argv[2]
    config = Config()
    config.bind = [f"{host}:{port}"]
    config.accesslog = "-"
    asyncio.run(serve(build_app(f"http://{host}:{port}"), config))


if __name__ == "__main__":
    main()
