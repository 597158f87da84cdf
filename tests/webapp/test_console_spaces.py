"""The admin console's spaces pages through Quart's test client, on both engines: list and
search, create a public or private space, rename it, change its owner (after a confirmation),
appoint and remove moderators, answer join requests, restrict posting to moderators and archive
it (after a confirmation) — each through `spaces.administration`, each in the audit log — and
that the rules reach every door: a restricted or archived space refuses a member's post through
the Mastodon API, and an archived one refuses a join. Moderators get 403; CSRF is refused."""

from __future__ import annotations

from typing import Any

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from storage.models import Actor, AuditEntry, Follow, Post, SpaceRole
from tests.webapp.browser import HTML, page, submit
from tests.webapp.test_console import PASSWORD, _staff


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _roles(space: Actor) -> dict[str, str]:
    rows = await SpaceRole.filter(space=space).prefetch_related("member")
    return {r.member.username: r.role for r in rows}


async def test_spaces_are_created_listed_and_run_through_the_core(browser, web_settings):
    root = await _staff(browser, web_settings, "root", "admin")
    amina = await create_member(web_settings, "amina", password=PASSWORD)
    carla = await create_member(web_settings, "carla", password=PASSWORD)
    await create_space(web_settings, "agora", private=False)
    form = {"name": "casefile", "display_name": "Case file", "kind": "private", "owner": "amina"}
    created = await submit(browser, "/admin/spaces", form, from_page="/admin/spaces")
    assert created.status_code == 303
    space = await Actor.get(local_username="casefile")
    assert space.private and (await _roles(space)) == {"amina": "owner"}
    status, html = await page(browser, "/admin/spaces?q=case")
    assert status == 200 and "@casefile" in html and "@agora" not in html
    assert "private" in html and "@amina" in html
    where = f"/admin/spaces/{space.id}"
    act = f"{where}/action"
    await submit(browser, act, {"type": "rename", "display_name": "Dossiers"}, from_page=where)
    assert (await Actor.get(id=space.id)).display_name == "Dossiers"
    await submit(browser, act, {"type": "moderator_add", "member": "carla"}, from_page=where)
    assert (await _roles(space))["carla"] == "moderator"
    assert await Follow.exists(follower=carla, target=space, accepted=True)
    _status, html = await page(browser, where)
    assert '<dd id="moderators"><span dir="ltr">@carla' in html
    await submit(browser, act, {"type": "moderator_remove", "member": "carla"}, from_page=where)
    assert "carla" not in await _roles(space)
    # Changing the owner asks first; the previous owner stays a moderator.
    asked = await submit(browser, act, {"type": "owner", "member": "carla"}, from_page=where)
    assert asked.status_code == 200 and (await _roles(space))["amina"] == "owner"
    assert "Are you sure?" in await asked.get_data(as_text=True)
    form = {"type": "owner", "member": "carla", "confirmed": "yes"}
    await submit(browser, act, form, from_page=where)
    assert await _roles(space) == {"amina": "moderator", "carla": "owner"}
    actions = [e.action for e in await AuditEntry.filter(target=space.uri).order_by("id")]
    assert actions == [
        "space.create",
        "space.rename",
        "space.moderator_add",
        "space.moderator_remove",
        "space.change_owner",
    ]
    assert {e.who for e in await AuditEntry.filter(target=space.uri)} == {root.acct}
    assert amina.id  # still a member: the role changed, not the membership


async def test_join_requests_are_answered_from_the_space_page(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    space = await create_space(web_settings, "casefile", private=True)
    bongani = await create_member(web_settings, "bongani", password=PASSWORD)
    dario = await create_member(web_settings, "dario", password=PASSWORD)
    asked = await Follow.create(follower=bongani, target=space, accepted=False)
    other = await Follow.create(follower=dario, target=space, accepted=False)
    where = f"/admin/spaces/{space.id}"
    _status, html = await page(browser, where)
    assert "@bongani" in html and "@dario" in html
    form = {"type": "admit", "request": str(asked.id)}
    assert (await submit(browser, f"{where}/action", form, from_page=where)).status_code == 303
    assert (await Follow.get(id=asked.id)).accepted
    form = {"type": "refuse", "request": str(other.id)}
    await submit(browser, f"{where}/action", form, from_page=where)
    assert not await Follow.exists(id=other.id)
    gone = await submit(browser, f"{where}/action", form, from_page=where)
    assert gone.status_code == 422  # answered already: a readable page, not a 500
    actions = {e.action for e in await AuditEntry.filter(target=space.uri)}
    assert {"space.admit", "space.refuse"} <= actions


async def test_restricted_and_archived_spaces_refuse_posts_from_every_app(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    amina = await create_member(web_settings, "amina", password=PASSWORD)
    carla = await create_member(web_settings, "carla", password=PASSWORD)
    dario = await create_member(web_settings, "dario", password=PASSWORD)
    space = await create_space(web_settings, "climate", private=False, owner=amina)
    await join_space(space, carla)
    tokens = {a.username: (await issue_token(a, "read write follow"))[0] for a in (amina, carla)}
    tokens["dario"] = (await issue_token(dario, "read write follow"))[0]
    where = f"/admin/spaces/{space.id}"
    act = f"{where}/action"

    async def post(name: str, text: str) -> Any:
        return await browser.post(
            "/api/v1/statuses", json={"status": text}, headers=bearer(tokens[name])
        )

    await submit(browser, act, {"type": "restrict"}, from_page=where)
    assert (await Actor.get(id=space.id)).posting_restricted_to_mods
    refused = await post("carla", "@climate members may not post now")
    assert refused.status_code == 422
    assert "moderators" in (await refused.get_json())["error"]
    allowed = await post("amina", "@climate the owner still posts")
    assert allowed.status_code == 200
    assert (await Post.get(id=int((await allowed.get_json())["id"]))).space_id == space.id
    await submit(browser, act, {"type": "unrestrict"}, from_page=where)
    assert (await post("carla", "@climate open again")).status_code == 200

    # Archiving asks first, then nobody posts (not even the owner) and nobody joins.
    asked = await submit(browser, act, {"type": "archive", "reason": "ended"}, from_page=where)
    assert asked.status_code == 200 and (await Actor.get(id=space.id)).archived_at is None
    await submit(browser, act, {"type": "archive", "confirmed": "yes"}, from_page=where)
    assert (await Actor.get(id=space.id)).archived_at is not None
    before = await Post.filter(space=space).count()
    for name in ("carla", "amina"):
        refused = await post(name, "@climate anyone there?")
        assert refused.status_code == 422 and "archived" in (await refused.get_json())["error"]
    assert await Post.filter(space=space).count() == before
    joined = await browser.post(f"/api/v1/spaces/{space.id}/join", headers=bearer(tokens["dario"]))
    assert joined.status_code == 422 and not await Follow.exists(follower=dario, target=space)
    # Still read by its members.
    timeline = await browser.get(
        f"/api/v1/spaces/{space.id}/timeline", headers=bearer(tokens["carla"])
    )
    assert timeline.status_code == 200 and len(await timeline.get_json()) == before
    shown = await browser.get(f"/api/v1/spaces/{space.id}", headers=bearer(tokens["carla"]))
    assert (await shown.get_json())["archived"] is True
    _status, html = await page(browser, "/admin/spaces")
    assert "archived" in html
    await submit(browser, act, {"type": "unarchive"}, from_page=where)
    assert (await post("carla", "@climate back")).status_code == 200
    actions = {e.action for e in await AuditEntry.filter(target=space.uri)}
    assert {"space.restrict", "space.unrestrict", "space.archive", "space.unarchive"} <= actions


async def test_bad_space_forms_get_a_readable_answer(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    space = await create_space(web_settings, "agora", private=False)
    for path in ("/admin/spaces/abc", "/admin/spaces/99999999", "/admin/spaces/" + "9" * 40):
        status, _html = await page(browser, path)
        assert status == 404, path
    cases = [
        {"name": "bad name!", "kind": "public"},
        {"name": "agora", "kind": "public"},
        {"name": "fine", "kind": "secret"},
        {"name": "fine", "kind": "public", "owner": "nobody"},
    ]
    for form in cases:
        response = await submit(browser, "/admin/spaces", form, from_page="/admin/spaces")
        assert response.status_code == 422, form
    where = f"/admin/spaces/{space.id}"
    for form in (
        {"type": "moderator_add", "member": "nobody"},
        {"type": "moderator_remove", "member": "root"},
        {"type": "rename", "display_name": "  "},
        {"type": "admit", "request": "x"},
    ):
        response = await submit(browser, f"{where}/action", form, from_page=where)
        assert response.status_code == 422, form
    odd = await submit(browser, f"{where}/action", {"type": "explode"}, from_page=where)
    assert odd.status_code == 303


async def test_spaces_pages_are_closed_to_moderators_and_forged_forms(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    space = await create_space(web_settings, "casefile", private=True)
    for path in ("/admin/spaces", f"/admin/spaces/{space.id}"):
        status, html = await page(browser, path)
        assert status == 403 and "@casefile" not in html, path
    form = {"type": "archive", "confirmed": "yes"}
    where = f"/admin/spaces/{space.id}/action"
    refused = await submit(browser, where, form, from_page="/admin/reports")
    forged = await browser.post(where, form=form, headers=HTML)
    create = {"name": "sneaky", "kind": "public"}
    made = await submit(browser, "/admin/spaces", create, from_page="/admin/reports")
    assert refused.status_code == forged.status_code == made.status_code == 403
    assert (await Actor.get(id=space.id)).archived_at is None
    assert not await Actor.exists(local_username="sneaky")
