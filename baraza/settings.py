"""Instance configuration, read once from the environment (flags override it).

Everything a process needs to know about *which* instance it is lives here, so that
tests can start several instances side by side by giving each its own `Settings`.

The instance's identity (domain and scheme) is the exception to "read from the environment":
every id the instance mints starts with `scheme://domain`, so it is fixed by `baraza init`
and stored in the database. `settle_identity` decides, from what is stored and what a process
was told, which identity the process runs as, or why it must refuse to run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from baraza import __version__

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def _flag(env: dict[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class Settings:
    domain: str = "localhost:8000"
    scheme: str = "https"
    database_url: str = "sqlite://./var/baraza.db"
    data_dir: Path = field(default_factory=lambda: Path("./var"))
    allow_private_addresses: bool = False
    authorized_fetch: bool = False
    in_process_worker: bool = True
    max_body_bytes: int = 1024 * 1024
    signature_style: str = "cavage"
    node_name: str = "Baraza"
    open_registrations: bool = False
    translate_url: str = ""  # a self-hosted LibreTranslate; empty: no translation

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("BARAZA_DATA_DIR", "./var"))
        return cls(
            domain=env.get("BARAZA_DOMAIN", "localhost:8000"),
            scheme=env.get("BARAZA_SCHEME", "https"),
            database_url=env.get("BARAZA_DATABASE_URL", f"sqlite://{data_dir}/baraza.db"),
            data_dir=data_dir,
            allow_private_addresses=_flag(env, "BARAZA_ALLOW_PRIVATE_ADDRESSES"),
            authorized_fetch=_flag(env, "BARAZA_AUTHORIZED_FETCH"),
            in_process_worker=_flag(env, "BARAZA_IN_PROCESS_WORKER", default=True),
            signature_style=env.get("BARAZA_SIGNATURE_STYLE", "cavage"),
            node_name=env.get("BARAZA_NODE_NAME", "Baraza"),
            translate_url=env.get("BARAZA_TRANSLATE_URL", "").rstrip("/"),
        )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def host(self) -> str:
        """The host part used in acct: handles (the domain, with any port)."""
        return self.domain.lower()

    @property
    def user_agent(self) -> str:
        return f"Baraza/{__version__} (+{self.base_url}/)"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Identity:
    """Who an instance is. Every actor, post and activity id starts with its base URL."""

    domain: str
    scheme: str

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.domain}"


@dataclass(frozen=True)
class Claim:
    """One identity value a process was told, and where it came from (for the error message)."""

    value: str
    source: str  # "--domain", "BARAZA_DOMAIN", ...


@dataclass(frozen=True)
class IdentityClaims:
    """What a process was told about its identity; None means "not given, use the stored one"."""

    domain: Claim | None = None
    scheme: Claim | None = None


class IdentityMismatch(ValueError):
    """A flag or variable disagrees with the stored identity, or is not a valid one."""


def identity_claims(
    env: Mapping[str, str], *, domain_flag: str | None = None, scheme_flag: str | None = None
) -> IdentityClaims:
    """Flags win over the environment; an empty variable counts as not given."""

    def claim(flag: str | None, flag_name: str, var: str) -> Claim | None:
        if flag:
            return Claim(flag, flag_name)
        value = env.get(var, "")
        return Claim(value, var) if value else None

    return IdentityClaims(
        domain=claim(domain_flag, "--domain", "BARAZA_DOMAIN"),
        scheme=claim(scheme_flag, "--scheme", "BARAZA_SCHEME"),
    )


def _check_claims(claims: IdentityClaims) -> None:
    if claims.scheme is not None and claims.scheme.value not in SCHEMES:
        raise IdentityMismatch(
            f"{claims.scheme.source}={claims.scheme.value} is not a scheme: use http or https"
        )
    domain = claims.domain
    if domain is not None and any(c in domain.value for c in "/@ \t"):
        raise IdentityMismatch(
            f"{domain.source}={domain.value} is not a domain: give a host name with an "
            "optional port, like social.example or localhost:8000"
        )


def settle_identity(stored: Identity | None, claims: IdentityClaims, default: Identity) -> Identity:
    """The identity a process runs as.

    Nothing stored yet (a new database, or one made before the identity was stored): the claims
    (or the defaults for what is not claimed) become the identity, and the caller stores it.
    Something stored: it wins; a claim that agrees is fine, one that disagrees is an error,
    because silently re-identifying would mint ids under a second name that no peer resolves.
    Domains compare without regard to case, as host names do.
    """
    _check_claims(claims)
    if stored is None:
        return Identity(
            domain=claims.domain.value if claims.domain else default.domain,
            scheme=claims.scheme.value if claims.scheme else default.scheme,
        )
    wrong = [
        (claim, fixed)
        for claim, fixed in ((claims.domain, stored.domain), (claims.scheme, stored.scheme))
        if claim is not None and claim.value.lower() != fixed.lower()
    ]
    if wrong:
        given = " and ".join(f"{c.source}={c.value}" for c, _ in wrong)
        right = " and ".join(f"{c.source}={fixed}" for c, fixed in wrong)
        one = len(wrong) == 1
        raise IdentityMismatch(
            f"this database belongs to {stored.base_url} (fixed at `baraza init`), but "
            f"{given} {'was' if one else 'were'} given; leave {'it' if one else 'them'} out "
            f"or use {right}"
        )
    return stored
