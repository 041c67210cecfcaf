"""The app with small media limits and its own media store, for tests through HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import assert_every_write_recorded
from tests.support.api import running_api
from tests.support.databases import clone_database, drop_postgres_database
from tests.support.media import DOCUMENT_LIMIT, IMAGE_LIMIT, MediaApi


@pytest.fixture
async def media_api(backend: str, template_url: str, tmp_path: Path) -> AsyncIterator[MediaApi]:
    """The app on a fresh database clone, its media store in ``tmp_path``, limits small."""
    url = await clone_database(template_url, backend, tmp_path)
    root = tmp_path / "media"
    try:
        async with running_api(
            url,
            media_root=root,
            media_max_image_bytes=IMAGE_LIMIT,
            media_max_document_bytes=DOCUMENT_LIMIT,
            public_base_url="https://heritage.example.cn/registry",
        ) as api:
            yield MediaApi(api=api, root=root)
            async with api.session() as session:
                await assert_every_write_recorded(session)
    finally:
        if backend == "postgresql":
            await drop_postgres_database(url)
