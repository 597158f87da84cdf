"""Accounts: profiles, relationships, follows, blocks and mutes (Mastodon's accounts section)."""
