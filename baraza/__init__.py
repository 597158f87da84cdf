"""Baraza: a federated ActivityPub server for human-rights networks."""

__version__ = "0.1.0"
