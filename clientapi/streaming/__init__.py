"""Streaming over WebSocket and HTTP/SSE (Mastodon's streaming section)."""
