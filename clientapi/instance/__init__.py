"""The instance and start-up endpoints (Mastodon's instance section)."""
