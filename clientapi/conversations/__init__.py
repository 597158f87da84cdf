"""Direct conversations (Mastodon 2.6): a member's direct threads, read state, removal."""
