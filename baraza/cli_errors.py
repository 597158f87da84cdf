"""The one error a command raises for the person at the terminal: printed on one line, exit 1.

Its own module so the commands and the CLI's parser can both name it without importing
each other.
"""

from __future__ import annotations


class CliError(Exception):
    """A message for the person at the terminal."""
