"""Timelines: home, public, tag and space-aware reads (Mastodon's timelines section)."""
