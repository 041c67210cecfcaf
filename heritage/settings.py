"""Settings read from the environment (``HERITAGE_*``), validated once at start-up.

Every component receives a :class:`Settings` instance from the edge (the CLI or the web app
factory); nothing reads the environment on its own, so tests can build settings explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_DATABASE_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class SettingsError(Exception):
    """Raised when the environment holds a value the registry cannot run with."""


class Settings(BaseSettings):
    """The registry's configuration. Each field maps to ``HERITAGE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="HERITAGE_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite+aiosqlite:///./heritage.sqlite3",
        description="SQLAlchemy URL; sqlite:// and postgresql:// are accepted and given their "
        "async drivers (aiosqlite, asyncpg).",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement.")
    elasticsearch_url: AnyHttpUrl | None = Field(
        default=None,
        description="Elasticsearch 9 endpoint. Unset: search runs on the embedded database.",
    )
    elasticsearch_api_key: str | None = Field(default=None, description="API key, if any.")
    elasticsearch_username: str | None = Field(default=None, description="Basic-auth user.")
    elasticsearch_password: str | None = Field(default=None, description="Basic-auth password.")
    elasticsearch_ca_certs: Path | None = Field(
        default=None, description="CA bundle that signed the cluster's certificate."
    )
    elasticsearch_index_prefix: str = Field(
        default="heritage",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$",
        description="Prefix of index and alias names, so several registries can share a cluster.",
    )
    elasticsearch_timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0
    media_root: Path = Field(default=Path("media"), description="Local media store.")
    media_max_image_bytes: Annotated[int, Field(gt=0)] = 50 * 1024 * 1024
    media_max_document_bytes: Annotated[int, Field(gt=0)] = 500 * 1024 * 1024
    public_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8000"),
        description="Base URL used in links printed on plaques and exports.",
    )
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in _DATABASE_SCHEMES:
            raise ValueError(
                "must be a sqlite:// or postgresql:// URL, "
                f"e.g. sqlite:///./heritage.sqlite3 (got scheme {scheme or value!r})"
            )
        return f"{_DATABASE_SCHEMES[scheme]}://{rest}"

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, turning validation errors into one clear message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            lines.append(f"HERITAGE_{name}: {error['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from exc
