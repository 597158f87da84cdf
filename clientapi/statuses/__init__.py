"""Statuses: posting, reading, editing, interacting, translating (Mastodon's statuses)."""
