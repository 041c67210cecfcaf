"""Text keys of names and of query text, identical for the index and for the query.

A name is matched through three keys, all computed here so that Elasticsearch and the embedded
backend match the same records:

* **name key**: :func:`heritage.domain.names.normalise_han` (traditional and variant characters
  folded to the standard simplified forms), lower case, letters and digits only. A query term
  matches when it is a *substring* of a name key (``遥古`` in ``平遥古城``).
* **pinyin**: the name's syllables from each syllable on (``pingyaogucheng``, ``yaogucheng``,
  ``gucheng``, ``cheng``). An ASCII query term matches when it *starts* one of them, so
  ``pingyao``, ``gucheng`` and ``pingyaog`` find 平遥古城 but ``ucheng`` does not.
* **initials**: first letters of the syllables (``pygc``); an ASCII term matches when it starts
  them (``pyg``).

Keys longer than :data:`MAX_KEY` characters are matched on their first :data:`MAX_KEY`
characters only (the index's ``edge_ngram`` ``max_gram``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from heritage.domain.names import normalise_han, pinyin_keys

#: Longest key prefix the Elasticsearch index stores (``key_prefixes.max_gram``).
MAX_KEY = 60
#: Longest query text accepted, and most terms in it.
MAX_TEXT = 100
MAX_TERMS = 8

_ASCII_KEY = re.compile(r"^[a-z0-9]+$")


def name_key(text: str) -> str:
    """The matching form of a name or a query term: ``北京大學 紅樓`` → ``北京大学红楼``."""
    return _matching_form(normalise_han(text))


def _matching_form(normalised: str) -> str:
    return "".join(ch for ch in normalised.lower() if ch.isalnum())


def is_ascii_key(key: str) -> bool:
    """True for keys of ASCII letters and digits, which also match pinyin and initials."""
    return bool(_ASCII_KEY.match(key))


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Every key of one record's names (the official name first)."""

    names: tuple[str, ...]
    pinyin: tuple[str, ...]
    pinyin_full: tuple[str, ...]
    initials: tuple[str, ...]
    sort: str


def name_keys(name: str, alt_names: Iterable[str] = ()) -> NameKeys:
    """Keys of a record's official name and its other names, without repeats."""
    names: list[str] = []
    pinyin: list[str] = []
    full: list[str] = []
    initials: list[str] = []
    sort = ""
    for index, text in enumerate([name, *alt_names]):
        keys = pinyin_keys(text)
        key = _matching_form(keys.normalised)
        if not key:
            continue
        syllables = keys.syllables
        suffixes = ["".join(syllables[i:]) for i in range(len(syllables))]
        _add(names, [key])
        _add(pinyin, suffixes)
        _add(full, [keys.full] if keys.full else [])
        _add(initials, [keys.initials] if keys.initials else [])
        if index == 0:
            sort = keys.full or key
    return NameKeys(tuple(names), tuple(pinyin), tuple(full), tuple(initials), sort[:400])


def _add(target: list[str], values: Sequence[str]) -> None:
    for value in values:
        if value and value not in target:
            target.append(value)


def query_terms(text: str) -> list[str]:
    """The terms of a query: split on white space, each turned into its name key.

    Punctuation and query-syntax characters (``"*?()[]:\\``) are not part of any key and are
    dropped; a term with nothing left is dropped.
    """
    return [key for key in (name_key(part) for part in text.split()) if key]
