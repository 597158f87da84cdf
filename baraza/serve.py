"""Running the app under Hypercorn, in one process or several."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from baraza.settings import Settings
from storage.database import is_postgres

log = logging.getLogger(__name__)


def hypercorn_config(host: str, port: int, workers: int = 1) -> Config:
    config = Config()
    config.bind = [f"{host}:{port}"]
    config.workers = workers
    config.accesslog = None
    config.keep_alive_timeout = 5
    # Slow clients are cut off; BARAZA_READ_TIMEOUT (seconds) lets tests shorten the wait.
    config.read_timeout = int(os.environ.get("BARAZA_READ_TIMEOUT") or 30)
    config.h11_max_incomplete_size = 16 * 1024  # request line and headers
    config.graceful_timeout = 5
    return config


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> int:
    """Serve as the instance `settings` name. The CLI has already checked that the database is
    initialised and settled the identity from it (`baraza.cli.open_instance`); worker processes
    get that identity through the environment."""

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = hypercorn_config(host, port, workers)
    if workers > 1 and not is_postgres(settings.database_url):
        log.warning(
            "--workers %d on SQLite: streams, co-editing rooms and rate limits are per process;"
            " run several processes on PostgreSQL (docs/scaling.md)",
            workers,
        )
    if workers > 1:
        from hypercorn.run import run

        export_settings_to_env(settings)
        config.application_path = "baraza.asgi:app"
        return run(config)
    from baraza.app import create_app

    app = create_app(settings)
    _run_single(app, config)
    return 0


def _run_single(app: object, config: Config) -> None:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await hypercorn_serve(app, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]

    runner(main())


def export_settings_to_env(settings: Settings) -> None:
    """Child processes (hypercorn workers) read the environment, so flags and the stored identity
    are passed on there."""
    os.environ["BARAZA_DOMAIN"] = settings.domain
    os.environ["BARAZA_DATABASE_URL"] = settings.database_url
    os.environ["BARAZA_SCHEME"] = settings.scheme
