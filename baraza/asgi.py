"""The ASGI application built from the environment, for Hypercorn's worker processes."""

from baraza.app import create_app
from baraza.settings import Settings

app = create_app(Settings.from_env())
