"""Polls: reading and voting (Mastodon's polls section)."""
