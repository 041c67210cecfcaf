"""Uploading through HTTP and looking at what the media store and the database hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from heritage.models import MediaAsset
from heritage.models.vocab import UserRole
from tests.support.api import Api

IMAGE_LIMIT = 256 * 1024
DOCUMENT_LIMIT = 512 * 1024
BASE_URL = "https://heritage.example.cn/registry"


@dataclass
class MediaApi:
    """The running app and the root of its media store."""

    api: Api
    root: Path

    async def upload(
        self,
        data: bytes,
        filename: str = "photo.jpg",
        role: UserRole | None = UserRole.SURVEYOR,
        content_type: str = "application/octet-stream",
        **fields: str,
    ) -> httpx.Response:
        """POST one file (and text fields) as multipart, as a browser form would."""
        headers = {"authorization": f"Bearer {self.api.tokens[role]}"} if role else {}
        return await self.api.client.post(
            "/media",
            files={"file": (filename, data, content_type)},
            data=fields,
            headers=headers,
        )

    async def get(
        self, url: str, role: UserRole | None = None, *, if_none_match: str | None = None
    ) -> httpx.Response:
        """GET a URL the API handed out (absolute, under the public base URL) or a path."""
        headers = {"if-none-match": if_none_match} if if_none_match else {}
        if role is not None:
            headers["authorization"] = f"Bearer {self.api.tokens[role]}"
        return await self.api.client.get(url.removeprefix(BASE_URL), headers=headers)

    def originals(self) -> list[Path]:
        """Every original file in the store."""
        return sorted(p for p in (self.root / "originals").rglob("*") if p.is_file())

    def temporaries(self) -> list[Path]:
        """Files of uploads in flight (there must be none between requests)."""
        return sorted(p for p in (self.root / "tmp").rglob("*") if p.is_file())

    def renditions(self) -> list[Path]:
        """Every derived file in the store."""
        return sorted(p for p in (self.root / "renditions").rglob("*") if p.is_file())

    async def asset_count(self) -> int:
        """Rows in ``media_asset``."""
        async with self.api.session() as session:
            count: int = await session.scalar(select(func.count()).select_from(MediaAsset)) or 0
        return count

    async def assert_nothing_stored(self) -> None:
        """No original, no temporary file, no row: a refused upload left no trace."""
        assert self.originals() == []
        assert self.temporaries() == []
        assert await self.asset_count() == 0


def answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a response."""
    body: dict[str, Any] = response.json()
    return body


def refusing_trigger(backend: str, *, deferred: bool) -> list[str]:
    """A trigger that refuses every new media_asset row, at the insert or at the commit."""
    if backend == "sqlite":
        return [
            "CREATE TRIGGER refuse_media BEFORE INSERT ON media_asset "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ]
    function = (
        "CREATE FUNCTION refuse_media() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
    )
    if deferred:
        trigger = (
            "CREATE CONSTRAINT TRIGGER refuse_media AFTER INSERT ON media_asset "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_media()"
        )
    else:
        trigger = (
            "CREATE TRIGGER refuse_media BEFORE INSERT ON media_asset "
            "FOR EACH ROW EXECUTE FUNCTION refuse_media()"
        )
    return [function, trigger]
