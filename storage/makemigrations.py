"""`make migrations`: write the next schema migration from the models (tortoise's autodetector)."""

from __future__ import annotations

import sys

from tortoise.cli.cli import main as tortoise_main

from storage.database import tortoise_config

# The autodetector only reads models; the connection is never opened.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")

if __name__ == "__main__":
    sys.argv = [
        "tortoise",
        "-c",
        "storage.makemigrations.TORTOISE_ORM",
        "makemigrations",
        "models",
        *sys.argv[1:],
    ]
    tortoise_main()
