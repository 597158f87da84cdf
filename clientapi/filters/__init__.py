"""Filters (Mastodon: filters v2 and v1)."""
