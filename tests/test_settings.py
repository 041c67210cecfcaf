"""Settings come from HERITAGE_* variables and a bad value stops start-up with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage.settings import SettingsError, load_settings


@pytest.mark.usefixtures("no_env")
def test_defaults_use_an_embedded_sqlite_file_in_the_working_directory() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite+aiosqlite:///./heritage.sqlite3"
    assert settings.is_sqlite
    assert settings.elasticsearch_url is None
    assert settings.media_root == Path("media")


@pytest.mark.usefixtures("no_env")
def test_plain_urls_get_their_async_drivers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERITAGE_DATABASE_URL", "postgresql://u@db.example:5432/registry")

    assert load_settings().database_url == "postgresql+asyncpg://u@db.example:5432/registry"


@pytest.mark.usefixtures("no_env")
def test_every_bad_value_is_named_in_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERITAGE_DATABASE_URL", "mysql://root@localhost/x")
    monkeypatch.setenv("HERITAGE_PORT", "eighty")
    monkeypatch.setenv("HERITAGE_ELASTICSEARCH_URL", "not a url")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "HERITAGE_DATABASE_URL" in message
    assert "sqlite:// or postgresql://" in message
    assert "HERITAGE_PORT" in message
    assert "HERITAGE_ELASTICSEARCH_URL" in message


@pytest.mark.usefixtures("no_env")
def test_index_prefix_must_be_a_valid_index_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERITAGE_ELASTICSEARCH_INDEX_PREFIX", "Bad Prefix")

    with pytest.raises(SettingsError, match="HERITAGE_ELASTICSEARCH_INDEX_PREFIX"):
        load_settings()
