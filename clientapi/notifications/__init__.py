"""Notifications (Mastodon's notifications section)."""
