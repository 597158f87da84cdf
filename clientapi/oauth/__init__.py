"""Apps and OAuth 2 (Mastodon's apps and oauth sections)."""
