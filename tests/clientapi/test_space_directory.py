"""`GET /api/v1/spaces/directory`: the public spaces to find and join, for anyone."""

from __future__ import annotations

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token


async def test_the_directory_lists_public_spaces_only(app, client, settings) -> None:
    owner = await create_member(settings, "owner")
    for name in ("climate", "archive", "hearings"):
        await create_space(settings, name, private=False, owner=owner)
    casefile = await create_space(settings, "casefile", private=True, owner=owner)
    carla = await create_member(settings, "carla")
    await join_space(casefile, carla)
    token, _ = await issue_token(carla, "read")

    newest = await (await client.get("/api/v1/spaces/directory")).get_json()
    assert [s["username"] for s in newest] == ["hearings", "archive", "climate"]
    alpha = await (await client.get("/api/v1/spaces/directory?order=alpha&limit=2")).get_json()
    assert [s["username"] for s in alpha] == ["archive", "climate"]
    rest = await (await client.get("/api/v1/spaces/directory?order=alpha&offset=2")).get_json()
    assert [s["username"] for s in rest] == ["hearings"]
    # A member of the private space does not find it here either: it is in her own spaces.
    hers = await client.get(
        "/api/v1/spaces/directory", headers={"Authorization": f"Bearer {token}"}
    )
    assert "casefile" not in [s["username"] for s in await hers.get_json()]
    assert all(s["group"] and s["membership"] is None for s in await hers.get_json())
    bad = await client.get("/api/v1/spaces/directory?offset=-1")
    assert bad.status_code == 422 and "error" in await bad.get_json()
