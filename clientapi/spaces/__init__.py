"""Baraza's own section: spaces, their library and Talks, live co-editing, Letter feeds."""
