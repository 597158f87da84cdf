"""The spaces part of the web app (directory, space page, library, Talks and calendars):
its blueprints, registered by `baraza.app` beside the frame's (`baraza.webapp.register`)."""

from __future__ import annotations

from quart import Quart


def register_spaces(app: Quart) -> None:
    from baraza.webapp.library_pages import blueprint as library
    from baraza.webapp.space_page import blueprint as space
    from baraza.webapp.spaces_directory import blueprint as directory
    from baraza.webapp.talks_pages import blueprint as talks

    for blueprint in (directory, space, library, talks):
        app.register_blueprint(blueprint)
