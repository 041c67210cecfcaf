"""The index definition agrees with the documents and the query keys built in Python."""

from __future__ import annotations

import hashlib
import json

from heritage.models import Site
from heritage.models.vocab import ObjectKind, ObjectStatus
from heritage.search.documents import document
from heritage.search.keys import MAX_KEY
from heritage.search.spec import load_spec, specs_dir


def test_the_newest_definition_is_loaded_from_the_search_folder() -> None:
    spec = load_spec()
    assert (spec.name, spec.version) == ("objects", 1)
    assert (specs_dir() / "objects.v1.json").is_file()
    assert spec.alias("heritage") == "heritage-objects"
    # No replica on one node (it stays green), one as soon as the cluster has a second node.
    assert spec.settings["index"]["auto_expand_replicas"] == "0-1"


def test_documents_carry_exactly_the_mapped_fields() -> None:
    site = Site(
        id=1,
        kind=ObjectKind.BUILDING,
        name="佛宫寺释迦塔",
        alt_names=[],
        status=ObjectStatus.EXTANT,
        region_code="140622",
    )
    body = document(
        site, [], {"has_plaque": False, "has_mapping": False, "has_archive": False}
    ).body
    assert set(body) == set(load_spec().mappings["properties"])


def test_pinyin_prefixes_are_indexed_as_long_as_queries_match_them() -> None:
    analysis = load_spec().settings["analysis"]
    assert analysis["filter"]["key_prefixes"]["max_gram"] == MAX_KEY


def test_document_hashes_are_those_of_the_standard_json_encoding() -> None:
    """Indexes built before keep matching: ``search check`` compares these hashes."""
    site = Site(
        id=7,
        kind=ObjectKind.BUILDING,
        name="北京大學紅樓",
        alt_names=["沙滩红楼", "Red Building"],
        status=ObjectStatus.EXTANT,
        region_code="110101",
        lat=39.925583,
        lon=116.403236,
        era_start_year=1918,
    )
    designations = [{"type": "CPU_NATIONAL", "level": "NATIONAL", "code": "1-0001-5-001"}]
    flags = {"has_plaque": True, "has_mapping": False, "has_archive": True}
    built = document(site, designations, flags)
    body = {key: value for key, value in built.body.items() if key != "hash"}

    standard = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert built.hash == hashlib.sha1(standard.encode(), usedforsecurity=False).hexdigest()
    assert json.loads(built.source_json()) == built.body
