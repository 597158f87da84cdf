"""Which Mastodon API Baraza serves, said once for every place that declares it.

Apps choose their code path by it: megalodon's `detector` (behind Whalebird) reads NodeInfo's
`metadata.upstream.name` for servers whose software name it does not know, as GoToSocial- and
Akkoma-style servers declare what they are compatible with; masto.js and Mastodon.py switch
features on by `/api/v1/instance`'s `version`. Both come from here so they cannot disagree.
"""

from __future__ import annotations

MASTODON_API_VERSION = "4.3.0"
"""The Mastodon release whose client API Baraza follows (`docs/api.md` lists what answers)."""


def upstream() -> dict[str, str]:
    """NodeInfo `metadata.upstream`: the API family and version, not a claim to be Mastodon."""
    return {"name": "mastodon", "version": MASTODON_API_VERSION}
