"""Highlights: the parts of a record's names that matched the query, marked with ``<em>``.

Computed from the names themselves rather than by an engine, so both backends highlight the
same way, and a pinyin or initials match lights up the characters it spells (``gucheng`` in
平遥<em>古城</em>). Traditional and variant characters are compared in their normalised form;
the text is shown as it was recorded, HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from heritage.domain.names import pinyin_syllables
from heritage.search.keys import is_ascii_key, name_key


def highlight(text: str, terms: Sequence[str]) -> str | None:
    """``text`` with the runs matching ``terms`` in ``<em>``, or ``None`` if none match."""
    marked = [False] * len(text)
    keys = [name_key(char) for char in text]
    joined = "".join(keys)
    # The index in ``text`` of each character of ``joined``.
    owners = [index for index, key in enumerate(keys) for _ in key]
    spans = _token_spans(text)
    syllables = pinyin_syllables(text)
    aligned = len(syllables) == len(spans)
    for term in terms:
        start = joined.find(term)
        while start >= 0:
            for position in range(start, start + len(term)):
                marked[owners[position]] = True
            start = joined.find(term, start + 1)
        if aligned and is_ascii_key(term):
            _mark_pinyin(marked, spans, syllables, term)
    if not any(marked):
        return None
    return _render(text, marked)


def _token_spans(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, is_han)`` of each syllable's source: a Han character or an ASCII word."""
    spans: list[tuple[int, int, bool]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isascii() and char.isalnum():
            end = index
            while end < len(text) and text[end].isascii() and text[end].isalnum():
                end += 1
            spans.append((index, end, False))
            index = end
            continue
        if char.isalnum():
            spans.append((index, index + 1, True))
        index += 1
    return spans


def _mark_pinyin(
    marked: list[bool], spans: list[tuple[int, int, bool]], syllables: list[str], term: str
) -> None:
    pieces = [s[0] if is_han else s for s, (_, _, is_han) in zip(syllables, spans, strict=True)]
    for first in range(len(syllables)):
        for tokens in (syllables, pieces if first == 0 else []):
            covered = _covering(tokens[first:], term)
            for span in spans[first : first + covered]:
                for position in range(span[0], span[1]):
                    marked[position] = True


def _covering(tokens: Sequence[str], term: str) -> int:
    """How many tokens spell the start ``term`` (0 if their join does not start with it)."""
    length = 0
    for count, token in enumerate(tokens, start=1):
        length += len(token)
        if length >= len(term):
            return count if "".join(tokens[:count]).startswith(term) else 0
    return 0


def _render(text: str, marked: list[bool]) -> str:
    out: list[str] = []
    inside = False
    for char, mark in zip(text, marked, strict=True):
        if mark != inside:
            out.append("<em>" if mark else "</em>")
            inside = mark
        out.append(html.escape(char))
    if inside:
        out.append("</em>")
    return "".join(out)
