"""The Quart application: assembles every package's routes and the one error mapping."""

from __future__ import annotations

import logging

from markupsafe import Markup
from quart import Quart, Response, has_request_context, request
from werkzeug.exceptions import HTTPException

from baraza.i18n import install_i18n
from baraza.negotiation import wants_html
from baraza.responses import error_response
from baraza.sanitize import clean_html
from baraza.services import Services
from baraza.settings import Settings
from baraza.uploads import UploadAwareRequest
from baraza.url_input import install_url_input
from baraza.viewer import current_member
from federation.errors import FederationError, ServiceUnavailable, TooManyRequests
from storage import bus
from storage.database import DatabaseUnavailable, close_database, open_database

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' https:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings, *, manage_database: bool = True) -> Quart:
    app = Quart(__name__)
    install_url_input(app)  # before any rule is added: strict ids, NUL-free names and queries
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.request_class = UploadAwareRequest
    app.config["JSON_SORT_KEYS"] = False
    app.extensions["baraza"] = Services(settings)
    app.jinja_env.filters["safe_html"] = lambda html: Markup(clean_html(html or ""))  # noqa: S704
    app.jinja_env.globals["node_name"] = settings.node_name
    install_i18n(app, current_member)

    _register_blueprints(app)
    _register_errors(app)
    from baraza.header_limits import install_header_limits
    from baraza.limits import install_limits
    from baraza.outage import install_outage_handlers

    install_header_limits(app)
    install_limits(app)
    install_outage_handlers(app)
    _register_scope_gate(app)

    @app.after_request
    async def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.before_serving
    async def _start() -> None:
        if manage_database:
            await open_database(settings.database_url)
            await bus.start(settings.database_url)  # PostgreSQL: hear the other processes
        await startup(app)

    @app.after_serving
    async def _stop() -> None:
        await shutdown(app)
        if manage_database:
            await bus.stop()
            await close_database()

    return app


async def startup(app: Quart) -> None:
    from actors.accounts import ensure_instance_actor

    services: Services = app.extensions["baraza"]
    await _check_identity(services.settings)
    services.instance_actor = await ensure_instance_actor(services.settings)
    await services.http.start()
    for hook in app.extensions.get("baraza_startup", []):
        await hook(app)
    if services.settings.in_process_worker:
        from outbox.worker import DeliveryWorker

        worker = DeliveryWorker(services.settings)
        await worker.start()
        app.extensions["baraza_delivery_worker"] = worker


async def _check_identity(settings: Settings) -> None:
    """However the app is started (`baraza serve`, or an ASGI server on `baraza.asgi`), it
    serves under the identity fixed at `baraza init`, or not at all: ids minted under another
    name would belong to no instance."""
    from baraza.settings import IdentityMismatch
    from storage.settings_store import stored_identity

    stored = await stored_identity()
    if stored is not None and stored != (settings.domain, settings.scheme):
        domain, scheme = stored
        raise IdentityMismatch(
            f"this database belongs to {scheme}://{domain} (fixed at `baraza init`), but the "
            f"app was started as {settings.scheme}://{settings.domain}"
        )


async def shutdown(app: Quart) -> None:
    services: Services = app.extensions["baraza"]
    worker = app.extensions.pop("baraza_delivery_worker", None)
    if worker is not None:
        await worker.stop()
    for hook in app.extensions.get("baraza_shutdown", []):
        await hook(app)
    await services.http.close()
    await services.backend_http.close()


def _register_blueprints(app: Quart) -> None:
    from actors.routes import blueprint as actors_blueprint
    from baraza.editor_page import blueprint as editor_page_blueprint
    from baraza.metrics import blueprint as metrics_blueprint
    from baraza.pages import blueprint as pages_blueprint
    from inbox.routes import blueprint as inbox_blueprint
    from outbox.c2s import blueprint as c2s_blueprint
    from outbox.routes import blueprint as objects_blueprint
    from webfinger.routes import blueprint as webfinger_blueprint

    for blueprint in (
        webfinger_blueprint,
        actors_blueprint,
        pages_blueprint,
        inbox_blueprint,
        objects_blueprint,
        metrics_blueprint,
        c2s_blueprint,
        editor_page_blueprint,
    ):
        app.register_blueprint(blueprint)
    from clientapi import register as register_client_api

    register_client_api(app)
    from baraza.webapp import register as register_web_app

    register_web_app(app)
    from baraza.webapp.posting import blueprint as web_posting_blueprint
    from baraza.webapp.reading import blueprint as web_reading_blueprint

    app.register_blueprint(web_reading_blueprint)
    app.register_blueprint(web_posting_blueprint)
    from baraza.webapp.spaces_app import register_spaces

    register_spaces(app)
    app.extensions.setdefault("baraza_startup", []).append(_start_inbox_processing)
    app.extensions.setdefault("baraza_shutdown", []).append(_stop_inbox_processing)


async def _start_inbox_processing(app: Quart) -> None:
    """Handle what was accepted: new activities at once, leftovers of a crash by the sweeper."""
    import asyncio

    from inbox import processor

    processor.bind(app.extensions["baraza"])
    stop = asyncio.Event()
    app.extensions["baraza_inbox_stop"] = stop
    app.extensions["baraza_inbox_task"] = asyncio.create_task(processor.run_sweeper(stop))


async def _stop_inbox_processing(app: Quart) -> None:
    from inbox import processor

    app.extensions["baraza_inbox_stop"].set()
    await app.extensions["baraza_inbox_task"]
    await processor.drain()


def _register_scope_gate(app: Quart) -> None:
    """One gate for every route and socket: a token lacking the route's scope is 403.

    The table is `clientapi.scopes`; a test fails for any route of the URL map without a row.
    """
    from baraza.viewer import enforce_route_scope

    app.before_request(enforce_route_scope)
    app.before_websocket(enforce_route_scope)
    from clientapi.params import refuse_malformed_json

    # After the gate, so a request without a valid token is 401 whatever its body.
    app.before_request(refuse_malformed_json)
    from inbox.fetch_auth import refuse_blocked_signer

    # A GET signed by a suspended domain is 403 everywhere, whatever the fetch mode.
    app.before_request(refuse_blocked_signer)


def _register_errors(app: Quart) -> None:
    @app.errorhandler(FederationError)
    async def _federation_error(error: FederationError) -> Response:
        headers = {}
        if isinstance(error, TooManyRequests):
            headers["Retry-After"] = str(error.retry_after)
        return error_response(error.status, error.reason, headers)

    @app.errorhandler(DatabaseUnavailable)
    async def _database_down(error: DatabaseUnavailable) -> Response:
        log.warning("database unavailable: %s", error)
        return error_response(
            ServiceUnavailable.status, "database unavailable, retry later", {"Retry-After": "30"}
        )

    @app.errorhandler(HTTPException)
    async def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        reason = {
            404: "not found",
            405: "method not allowed",
            413: "request body too large",
        }.get(status, error.name.lower())
        # a refused websocket handshake has no request context, and no HTML page to show
        if has_request_context() and wants_html(request.headers.get("Accept")) and status == 404:
            from baraza.pages import render_error

            return await render_error(status, reason)
        return error_response(status, reason)
