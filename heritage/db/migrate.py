"""Run Alembic from code: the CLI's ``db upgrade`` / ``db check`` and the tests use this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import heritage


def migrations_dir() -> Path:
    """The migration scripts: bundled in the wheel, or the checkout's top-level folder."""
    bundled = Path(heritage.__file__).parent / "_migrations"
    if bundled.is_dir():
        return bundled
    return Path(heritage.__file__).parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for ``database_url`` with no ini file needed."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the database schema down to ``revision`` (``base`` empties it)."""
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise if the models and the migrated database differ (``alembic check``)."""
    command.check(alembic_config(database_url))
