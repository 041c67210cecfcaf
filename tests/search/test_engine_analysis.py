"""The local Elasticsearch node's analysis components behave like stock Elasticsearch 9.

The node under ``search/engine`` embeds the Elasticsearch server without the stock distribution's
``analysis-common`` module and adds, under the stock names and parameters, the analysis components
the registry's index definitions use. These tests pin the token output of each of them, so the same
index definitions give the same tokens here and on a stock cluster.

They need a running node (``scripts/engine-start``; URL in ``HERITAGE_TEST_ELASTICSEARCH_URL``,
default ``http://127.0.0.1:9200``). An unreachable node is an error, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from elasticsearch import Elasticsearch

pytestmark = pytest.mark.elasticsearch

ELASTICSEARCH_URL = os.environ.get("HERITAGE_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")

# 国保 is the common short form of 全国重点文物保护单位 (a Major Historical and Cultural Site
# Protected at the National Level); 造象 is a variant spelling of 造像 (carved image).
ANALYSIS: dict[str, Any] = {
    "char_filter": {
        "variant_chars": {"type": "mapping", "mappings": ["造象 => 造像", "\\u3000 => \\u0020"]},
        "drop_parenthesised": {
            "type": "pattern_replace",
            "pattern": "[（(][^）)]*[）)]",
            "replacement": "",
        },
        "keep_b": {"type": "html_strip", "escaped_tags": ["b"]},
    },
    "tokenizer": {
        "pinyin_prefixes": {
            "type": "edge_ngram",
            "min_gram": 1,
            "max_gram": 10,
            "token_chars": ["letter", "digit"],
        },
        "letter_trigrams": {
            "type": "ngram",
            "min_gram": 2,
            "max_gram": 3,
            "token_chars": ["letter"],
        },
        "hyphen_words": {
            "type": "ngram",
            "min_gram": 1,
            "max_gram": 2,
            "token_chars": ["letter", "custom"],
            "custom_token_chars": "-",
        },
        "list_items": {"type": "pattern", "pattern": "[,，、]\\s*"},
        "year_capture": {"type": "pattern", "pattern": "(\\d{4})年", "group": 1},
        "short_words": {"type": "whitespace", "max_token_length": 5},
        "whole": {"type": "keyword", "buffer_size": 64},
    },
    "filter": {
        "zh_bigrams_and_unigrams": {"type": "cjk_bigram", "output_unigrams": True},
        "kana_hangul_bigrams_only": {"type": "cjk_bigram", "ignored_scripts": ["han"]},
        "prefixes": {"type": "edge_ngram", "min_gram": 2, "max_gram": 4, "preserve_original": True},
        "grams": {"type": "ngram", "min_gram": 1, "max_gram": 2},
        "grams_and_word": {
            "type": "ngram",
            "min_gram": 1,
            "max_gram": 1,
            "preserve_original": True,
        },
        "heritage_synonyms": {"type": "synonym", "synonyms": ["国保, 全国重点文物保护单位"]},
        "heritage_synonyms_oneway": {
            "type": "synonym_graph",
            "synonyms": ["国保 => 全国重点文物保护单位"],
        },
        "heritage_synonyms_no_expand": {
            "type": "synonym",
            "synonyms": ["故宫, 紫禁城"],
            "expand": False,
        },
        "lenient_synonyms": {
            "type": "synonym",
            "synonyms": ["佛塔, 浮屠", "的 => 之"],
            "lenient": True,
        },
        "folding_keep_original": {"type": "asciifolding", "preserve_original": True},
        "turkish_lowercase": {"type": "lowercase", "language": "turkish"},
        "same_position_unique": {"type": "unique", "only_on_same_position": True},
        "first_three": {"type": "truncate", "length": 3},
        "two_or_three": {"type": "length", "min": 2, "max": 3},
        "hide_digits": {"type": "pattern_replace", "pattern": "\\d", "replacement": "#"},
        "zh_stop": {"type": "stop", "stopwords": ["的"]},
    },
    "analyzer": {
        "zh_text": {
            "type": "custom",
            "char_filter": ["variant_chars", "drop_parenthesised"],
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "cjk_bigram", "heritage_synonyms"],
        },
        "zh_unigram_bigram": {
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "zh_bigrams_and_unigrams"],
        },
        "pinyin_index": {"tokenizer": "pinyin_prefixes", "filter": ["lowercase"]},
        "pinyin_query": {"tokenizer": "keyword", "filter": ["lowercase", "asciifolding"]},
        "cjk_without_de": {"type": "cjk", "stopwords": ["的"]},
        "named_components": {
            "tokenizer": "whitespace",
            "char_filter": ["html_strip"],
            "filter": ["lowercase", "asciifolding", "cjk_width", "unique", "trim"],
        },
    },
    "normalizer": {
        "folded": {"type": "custom", "char_filter": [], "filter": ["lowercase", "asciifolding"]},
        "folded_width": {
            "type": "custom",
            "char_filter": ["variant_chars"],
            "filter": ["cjk_width", "lowercase", "asciifolding", "trim"],
        },
    },
}

MAPPINGS: dict[str, Any] = {
    "properties": {
        "name": {
            "type": "text",
            "analyzer": "zh_text",
            "fields": {"cjk": {"type": "text", "analyzer": "cjk"}},
        },
        "pinyin": {"type": "text", "analyzer": "pinyin_index", "search_analyzer": "pinyin_query"},
        "slug": {"type": "keyword", "normalizer": "folded"},
    }
}


@pytest.fixture(scope="module")
def es() -> Iterator[Elasticsearch]:
    """A client of the running node; fails (never skips) when the node does not answer."""
    client = Elasticsearch(ELASTICSEARCH_URL, request_timeout=30)
    try:
        health = client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any transport error means the node is not there
        client.close()
        pytest.fail(
            f"no Elasticsearch node answers at {ELASTICSEARCH_URL} ({exc!r}); "
            "start it with scripts/engine-start or set HERITAGE_TEST_ELASTICSEARCH_URL"
        )
    assert health["status"] in {"green", "yellow"}
    yield client
    client.close()


@pytest.fixture(scope="module")
def index(es: Elasticsearch) -> Iterator[str]:
    """A throwaway index that declares every analysis component under test."""
    name = f"test-engine-analysis-{uuid.uuid4().hex[:10]}"
    es.indices.create(
        index=name,
        settings={
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "index": {"max_ngram_diff": 9},
            "analysis": ANALYSIS,
        },
        mappings=MAPPINGS,
    )
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)


def analyze(es: Elasticsearch, index: str, **request: Any) -> list[tuple[str, int]]:
    """The (token, position) pairs that ``_analyze`` returns for ``request`` on ``index``."""
    response = es.indices.analyze(index=index, **request)
    return [(token["token"], token["position"]) for token in response["tokens"]]


def terms(es: Elasticsearch, index: str, **request: Any) -> list[str]:
    """The tokens alone, in output order."""
    return [token for token, _ in analyze(es, index, **request)]


def test_node_identifies_as_elasticsearch_9(es: Elasticsearch) -> None:
    info = es.info()
    assert info["version"]["number"].startswith("9.")
    assert es.ping()


def test_cjk_analyzer_makes_overlapping_bigrams(es: Elasticsearch, index: str) -> None:
    assert analyze(es, index, analyzer="cjk", text="平遥古城") == [
        ("平遥", 0),
        ("遥古", 1),
        ("古城", 2),
    ]
    # Latin words pass through lower-cased; the default English stop words go.
    assert terms(es, index, analyzer="cjk", text="The Ancient City of 平遥") == [
        "ancient",
        "city",
        "平遥",
    ]


def test_cjk_analyzer_type_takes_stopwords(es: Elasticsearch, index: str) -> None:
    # Stop words apply to the bigrams, as in stock: a lone 的 goes, 我的/的家 stay.
    assert terms(es, index, analyzer="cjk_without_de", text="我的家 的 the house") == [
        "我的",
        "的家",
        "the",
        "house",
    ]


def test_cjk_bigram_with_unigrams(es: Elasticsearch, index: str) -> None:
    assert analyze(es, index, analyzer="zh_unigram_bigram", text="平遥古城") == [
        ("平", 0),
        ("平遥", 0),
        ("遥", 1),
        ("遥古", 1),
        ("古", 2),
        ("古城", 2),
        ("城", 3),
    ]


def test_cjk_bigram_ignored_scripts(es: Elasticsearch, index: str) -> None:
    assert terms(
        es, index, tokenizer="standard", filter=["kana_hangul_bigrams_only"], text="平遥 カタカナ"
    ) == ["平", "遥", "カタ", "タカ", "カナ"]


def test_cjk_width_folds_full_width_latin(es: Elasticsearch, index: str) -> None:
    assert terms(
        es, index, tokenizer="keyword", filter=["cjk_width"], text="ＰｉｎｇＹａｏ１２"
    ) == ["PingYao12"]


def test_lowercase_and_language_variant(es: Elasticsearch, index: str) -> None:
    assert terms(es, index, tokenizer="whitespace", filter=["lowercase"], text="PingYao ÅBC") == [
        "pingyao",
        "åbc",
    ]
    assert terms(
        es, index, tokenizer="whitespace", filter=["turkish_lowercase"], text="DİYARBAKIR"
    ) == ["diyarbakır"]


def test_asciifolding_with_and_without_original(es: Elasticsearch, index: str) -> None:
    assert terms(
        es, index, tokenizer="whitespace", filter=["asciifolding"], text="Píngyáo Xī'ān"
    ) == [
        "Pingyao",
        "Xi'an",
    ]
    assert analyze(
        es, index, tokenizer="whitespace", filter=["folding_keep_original"], text="Xī'ān"
    ) == [
        ("Xi'an", 0),
        ("Xī'ān", 0),
    ]


def test_edge_ngram_tokenizer_on_pinyin(es: Elasticsearch, index: str) -> None:
    assert analyze(es, index, analyzer="pinyin_index", text="PingYao") == [
        ("p", 0),
        ("pi", 1),
        ("pin", 2),
        ("ping", 3),
        ("pingy", 4),
        ("pingya", 5),
        ("pingyao", 6),
    ]
    # token_chars: letters and digits only, so the space and the hyphen split.
    assert terms(es, index, tokenizer="pinyin_prefixes", text="gu-cheng 2") == [
        "g",
        "gu",
        "c",
        "ch",
        "che",
        "chen",
        "cheng",
        "2",
    ]
    assert terms(es, index, analyzer="pinyin_query", text="Píngyáo") == ["pingyao"]


def test_edge_ngram_filter_keeps_original(es: Elasticsearch, index: str) -> None:
    assert analyze(es, index, tokenizer="whitespace", filter=["prefixes"], text="gucheng") == [
        ("gu", 0),
        ("guc", 0),
        ("guch", 0),
        ("gucheng", 0),
    ]


def test_ngram_tokenizer_and_filter(es: Elasticsearch, index: str) -> None:
    assert terms(es, index, tokenizer="letter_trigrams", text="abcd") == [
        "ab",
        "abc",
        "bc",
        "bcd",
        "cd",
    ]
    assert terms(es, index, tokenizer="hyphen_words", text="a-b c") == [
        "a",
        "a-",
        "-",
        "-b",
        "b",
        "c",
    ]
    assert analyze(es, index, tokenizer="whitespace", filter=["grams"], text="abc") == [
        ("a", 0),
        ("ab", 0),
        ("b", 0),
        ("bc", 0),
        ("c", 0),
    ]
    assert terms(es, index, tokenizer="whitespace", filter=["grams_and_word"], text="ab") == [
        "a",
        "b",
        "ab",
    ]


def test_synonym_both_ways_through_the_cjk_chain(es: Elasticsearch, index: str) -> None:
    # The rules are analysed by the chain before the filter (standard + cjk_width + lowercase +
    # cjk_bigram), so 国保 matches the bigram 国保 and the long form matches its nine bigrams.
    long_form = ["全国", "国重", "重点", "点文", "文物", "物保", "保护", "护单", "单位"]
    short = analyze(es, index, analyzer="zh_text", text="国保")
    assert [t for t, _ in short] == ["国保", *long_form]
    assert {p for t, p in short if t in {"国保", "全国"}} == {0}
    expanded = terms(es, index, analyzer="zh_text", text="全国重点文物保护单位")
    assert "国保" in expanded
    assert set(long_form) <= set(expanded)


def test_synonym_graph_one_way_and_no_expand(es: Elasticsearch, index: str) -> None:
    assert terms(
        es,
        index,
        tokenizer="standard",
        filter=["cjk_bigram", "heritage_synonyms_oneway"],
        text="国保",
    ) == ["全国", "国重", "重点", "点文", "文物", "物保", "保护", "护单", "单位"]
    # expand: false maps every term of the group to the first one.
    no_expand = {"tokenizer": "standard", "filter": ["cjk_bigram", "heritage_synonyms_no_expand"]}
    assert terms(es, index, text="紫禁城", **no_expand) == ["故宫"]
    assert terms(es, index, text="故宫", **no_expand) == ["故宫"]


def test_lenient_synonyms_skip_rules_the_chain_drops(es: Elasticsearch, index: str) -> None:
    # 的 is a stop word of the chain, so its rule cannot be analysed: lenient drops that rule only.
    chain = {"tokenizer": "whitespace", "filter": ["zh_stop", "lenient_synonyms"]}
    assert analyze(es, index, text="佛塔", **chain) == [("佛塔", 0), ("浮屠", 0)]
    assert terms(es, index, text="的", **chain) == []


def test_mapping_and_pattern_replace_char_filters(es: Elasticsearch, index: str) -> None:
    assert terms(
        es, index, tokenizer="keyword", char_filter=["variant_chars"], text="北魏造象碑"
    ) == ["北魏造像碑"]
    assert terms(es, index, analyzer="zh_text", text="龙门石窟（洛阳）造象") == [
        "龙门",
        "门石",
        "石窟",
        "窟造",
        "造像",
    ]
    assert terms(
        es, index, tokenizer="keyword", char_filter=["keep_b"], text="<p><b>古</b>城</p>"
    ) == ["\n<b>古</b>城\n"]


def test_keyword_normalizers(es: Elasticsearch, index: str) -> None:
    assert terms(es, index, normalizer="folded", text="Píng Yáo") == ["ping yao"]
    assert terms(es, index, normalizer="folded_width", text=" ＰíｎｇＹáｏ　造象 ") == [
        "pingyao 造像"
    ]


def test_core_and_simple_tokenizers(es: Elasticsearch, index: str) -> None:
    assert terms(es, index, tokenizer="list_items", text="山西，陕西、河南, 北京") == [
        "山西",
        "陕西",
        "河南",
        "北京",
    ]
    assert terms(es, index, tokenizer="year_capture", text="1961年公布，1982年再公布") == [
        "1961",
        "1982",
    ]
    assert terms(es, index, tokenizer="short_words", text="abcdefgh ij") == ["abcde", "fgh", "ij"]
    assert terms(es, index, tokenizer="whole", text="平遥 古城") == ["平遥 古城"]
    assert terms(es, index, tokenizer="pattern", text="Ping-Yao city") == ["Ping", "Yao", "city"]
    assert terms(es, index, analyzer="whitespace", text="Ping-Yao city") == ["Ping-Yao", "city"]
    assert terms(es, index, analyzer="simple", text="Ping-Yao 2city") == ["ping", "yao", "city"]
    assert terms(es, index, analyzer="keyword", text="Ping Yao") == ["Ping Yao"]


def test_token_shaping_filters(es: Elasticsearch, index: str) -> None:
    assert analyze(es, index, tokenizer="whitespace", filter=["unique"], text="a b a c b") == [
        ("a", 0),
        ("b", 1),
        ("c", 2),
    ]
    # 1-grams plus the original word: the repeated "a" stacked on one position goes, the
    # same term at a later position stays.
    stacked = analyze(
        es,
        index,
        tokenizer="whitespace",
        filter=["grams_and_word", "same_position_unique"],
        text="aa a",
    )
    assert stacked == [("a", 0), ("aa", 0), ("a", 1)]
    shaped = ["first_three", "two_or_three", "hide_digits"]
    assert terms(es, index, tokenizer="whitespace", filter=shaped, text="abcdef a a1 xyz9") == [
        "abc",
        "a#",
        "xyz",
    ]
    assert terms(es, index, tokenizer="keyword", filter=["trim"], text="  古城 ") == ["古城"]


def test_components_named_without_parameters(es: Elasticsearch, index: str) -> None:
    assert terms(es, index, analyzer="named_components", text="<i>Píng</i> Ｙáo píng") == [
        "ping",
        "yao",
    ]
    # The pre-configured cjk_bigram and ngram, named directly in a request.
    assert terms(es, index, tokenizer="standard", filter=["cjk_bigram"], text="平遥古城") == [
        "平遥",
        "遥古",
        "古城",
    ]


def test_analyzers_work_in_mappings_and_queries(es: Elasticsearch, index: str) -> None:
    documents: Sequence[Mapping[str, str]] = [
        {"name": "平遥古城", "pinyin": "pingyao gucheng", "slug": "Píngyáo"},
        {"name": "故宫（紫禁城） 全国重点文物保护单位", "pinyin": "gugong", "slug": "Gùgōng"},
        {"name": "云冈石窟 造象", "pinyin": "yungang shiku", "slug": "Yúngāng"},
    ]
    for number, document in enumerate(documents, start=1):
        es.index(index=index, id=str(number), document=dict(document))
    es.indices.refresh(index=index)

    def ids(query: Mapping[str, Any]) -> list[str]:
        response = es.search(index=index, query=dict(query), sort=["_doc"])
        return [hit["_id"] for hit in response["hits"]["hits"]]

    assert ids({"match": {"name": "国保"}}) == ["2"]
    assert ids({"match": {"name": "造像"}}) == ["3"]
    assert ids({"match_phrase": {"name.cjk": "平遥古城"}}) == ["1"]
    assert ids({"match": {"pinyin": "Gu"}}) == ["1", "2"]
    assert ids({"term": {"slug": "GUGONG"}}) == ["2"]


def test_best_compression_codec_stores_and_reads(es: Elasticsearch) -> None:
    # Stored fields of best_compression indices go through the native zstd library.
    name = f"test-engine-codec-{uuid.uuid4().hex[:10]}"
    es.indices.create(
        index=name, settings={"number_of_replicas": 0, "index": {"codec": "best_compression"}}
    )
    try:
        es.index(index=name, id="1", document={"name": "平遥古城"}, refresh=True)
        es.indices.flush(index=name)
        assert es.get(index=name, id="1")["_source"] == {"name": "平遥古城"}
    finally:
        es.indices.delete(index=name, ignore_unavailable=True)
