"""Spaces: membership and roles, the library, Talks, co-editing rooms, the Letter (the core)."""
