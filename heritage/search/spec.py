"""Index definitions as data: ``search/<name>.v<N>.json`` (bundled in the wheel as
``heritage/_search``), the newest version of each name being the one in use.

A definition holds Elasticsearch ``settings`` and ``mappings``; other top-level keys (such as
``_comment``) are notes for people and are not sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import heritage

_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\.v(?P<version>\d+)\.json$")


def specs_dir() -> Path:
    """The definitions: bundled in the wheel, or the checkout's top-level ``search/`` folder."""
    bundled = Path(heritage.__file__).parent / "_search"
    if bundled.is_dir():
        return bundled
    return Path(heritage.__file__).parent.parent / "search"


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """One versioned index definition."""

    name: str
    version: int
    settings: dict[str, Any]
    mappings: dict[str, Any]

    def alias(self, prefix: str) -> str:
        """The alias the application reads and writes: ``<prefix>-objects``."""
        return f"{prefix}-{self.name}"

    def index_name(self, prefix: str, suffix: str) -> str:
        """A concrete index of this version: ``<prefix>-objects-v1-<suffix>``."""
        return f"{self.alias(prefix)}-v{self.version}-{suffix}"

    @property
    def refresh_interval(self) -> str:
        """The refresh interval the definition asks for (restored after a bulk rebuild)."""
        return str(self.settings.get("index", {}).get("refresh_interval", "1s"))


def load_spec(name: str = "objects", directory: Path | None = None) -> IndexSpec:
    """The newest version of the definition ``name``.

    Raises:
        FileNotFoundError: no ``<name>.v<N>.json`` in the folder.
    """
    folder = directory or specs_dir()
    versions = {
        int(m["version"]): path
        for path in folder.glob(f"{name}.v*.json")
        if (m := _FILE.match(path.name)) and m["name"] == name
    }
    if not versions:
        raise FileNotFoundError(f"no index definition {name}.v<N>.json in {folder}")
    version = max(versions)
    data = json.loads(versions[version].read_text(encoding="utf-8"))
    return IndexSpec(name, version, data["settings"], data["mappings"])
