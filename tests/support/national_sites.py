"""The 5,109 national key sites shipped as demo data, for tests on real records."""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import Any


@functools.cache
def national_site_rows() -> tuple[dict[str, Any], ...]:
    """Every row of the shipped file, parsed once per test session."""
    data = resources.files("heritage.data.demo").joinpath("national-key-sites.jsonl.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines)
