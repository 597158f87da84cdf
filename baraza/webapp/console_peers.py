"""The admin console's peer instances (admins only): every known peer with its software and
state, and one peer's page with its accounts, deliveries and block, whose buttons block (with a
severity, after a confirmation), unblock or refresh its NodeInfo.

The facts and the state rule are `outbox.peers`; blocking goes through the blocks page's own
routes (`console_federation`), so a block from here is the same core action as from there.
"""

from __future__ import annotations

from quart import Blueprint, Response, abort, request

from baraza.i18n import N_
from baraza.services import services
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from outbox.peers import PeerBlocked, known_peers, peer, refresh_peer

blueprint = Blueprint("web_admin_peers", __name__)
PAGE = "/admin/federation/instances"
SEVERITIES = ("suspend", "silence", "reject-media", "noop")


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


@blueprint.get(PAGE)
async def instances_page() -> Response:
    await enter("federation")
    query = request.args.get("q", "").strip()[:255]
    return await render_page(
        "web/admin/instances.html",
        peers=await known_peers(query),
        query=query,
        console="federation",
    )


@blueprint.get(f"{PAGE}/<domain>")
async def instance_page(domain: str) -> Response:
    await enter("federation")
    found = await peer(domain[:255].lower())
    if found is None:
        abort(404)
    return await render_page(
        "web/admin/instance.html",
        peer=found,
        severities=SEVERITIES,
        console="federation",
    )


@blueprint.post(f"{PAGE}/<domain>/refresh")
async def refresh_instance(domain: str) -> Response:
    """Fetch the peer's NodeInfo now; the page shows what it said or why it said nothing."""
    await check_csrf()
    await enter("federation")
    found = await peer(domain[:255].lower())
    if found is None:
        abort(404)
    where = f"{PAGE}/{found.domain}"
    shared = services()
    try:
        row = await refresh_peer(shared.http, found.domain, default_scheme=shared.settings.scheme)
    except PeerBlocked:
        return see_other(where, notice=N_("This peer is blocked: nothing is fetched from it."))
    if row.error:
        return see_other(where, notice=N_("The peer gave no usable NodeInfo."))
    return see_other(where, notice=N_("NodeInfo refreshed."))
