"""Reading and writing instance settings; every process reads the same rows, so a change made by
the CLI takes effect in running servers and workers at once.

The instance's identity (domain and scheme) is kept here too, under `identity.*` keys, written
once by the first `baraza` command that opens the database (normally `baraza init`) and read by
every later one: it is the database's, not the environment's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from storage.models import Actor, InstanceSetting

DOMAIN_KEY = "identity.domain"
SCHEME_KEY = "identity.scheme"
LOGGED_OUT_READING_KEY = "reading.logged_out"


async def get_setting(key: str, default: str) -> str:
    row = await InstanceSetting.get_or_none(key=key)
    return row.value if row is not None else default


async def set_setting(key: str, value: str) -> None:
    await InstanceSetting.update_or_create(key=key, defaults={"value": value})


async def logged_out_reading() -> bool:
    """May a client with no token read public content (Mastodon's default: yes)? An instance
    whose members could be endangered by being read without an account turns it off."""
    return await get_setting(LOGGED_OUT_READING_KEY, "on") == "on"


async def set_logged_out_reading(allowed: bool) -> None:
    await set_setting(LOGGED_OUT_READING_KEY, "on" if allowed else "off")


async def stored_identity() -> tuple[str, str] | None:
    """The stored (domain, scheme), or None for a database that has none yet."""
    rows = {
        row.key: row.value for row in await InstanceSetting.filter(key__in=(DOMAIN_KEY, SCHEME_KEY))
    }
    if DOMAIN_KEY in rows and SCHEME_KEY in rows:
        return rows[DOMAIN_KEY], rows[SCHEME_KEY]
    return None


async def identity_in_ids() -> tuple[str, str] | None:
    """The (domain, scheme) the instance's own ids already carry, read from its oldest local actor
    (the instance actor `init` creates). A database made before the identity was stored has
    minted ids under one name; that name, not whatever the next terminal's environment says,
    is the one to keep."""
    actor = await Actor.filter(local=True).order_by("id").first()
    if actor is None:
        return None
    parts = urlsplit(actor.uri)
    if not parts.scheme or not parts.netloc:
        return None
    return parts.netloc, parts.scheme


async def store_identity(domain: str, scheme: str) -> tuple[str, str]:
    """Record the identity unless a concurrent process already did; return what is recorded."""
    stored_domain, _ = await InstanceSetting.get_or_create(
        key=DOMAIN_KEY, defaults={"value": domain}
    )
    stored_scheme, _ = await InstanceSetting.get_or_create(
        key=SCHEME_KEY, defaults={"value": scheme}
    )
    return stored_domain.value, stored_scheme.value
