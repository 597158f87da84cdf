"""Search v2 with remote resolution (Mastodon's search section)."""
