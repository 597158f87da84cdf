"""Media attachments: upload and serving (Mastodon's media section)."""
