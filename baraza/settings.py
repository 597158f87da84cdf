"""Instance configuration, read once from the environment (flags override it).

Everything a process needs to know about *which* instance it is lives here, so that
tests can start several instances side by side by giving each its own `Settings`.
"""

from __future__ import annotations

import os
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
