"""Reports and the admin API (Mastodon's reports and admin sections)."""
