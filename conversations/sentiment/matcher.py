"""Longest-match phrase lookup over token lists.

Phrases are written as plain text and tokenised with the same function as the input, so
"haven't received" matches the tokens ["have", "n't", "received"].  A token ending in "*"
matches by prefix ("rimbors*" matches "rimborso", "rimborsato"), which covers Italian
inflection without a stemmer.  Lookup is a dict hit per token, far cheaper than one big
regex alternation over the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    parts: tuple[tuple[str, bool], ...]  # (text, is_prefix)
    value: V
    phrase: str


@dataclass(frozen=True, slots=True)
class Match(Generic[V]):
    start: int
    end: int  # exclusive
    value: V
    phrase: str


def _part_matches(part: tuple[str, bool], token: str) -> bool:
    text, is_prefix = part
    return token.startswith(text) if is_prefix else token == text


def _parts(phrase: str, tokenize: Callable[[str], list[str]]) -> tuple[tuple[str, bool], ...]:
    parts: list[tuple[str, bool]] = []
    for piece in phrase.split():
        is_prefix = piece.endswith("*")
        tokens = tokenize(piece.rstrip("*"))
        parts.extend((tok, False) for tok in tokens)
        if is_prefix and parts:
            parts[-1] = (parts[-1][0], True)
    return tuple(parts)


class PhraseMatcher(Generic[V]):
    """Finds non-overlapping, longest-first phrase matches in a token list."""

    def __init__(self, entries: Mapping[str, V], tokenize: Callable[[str], list[str]]) -> None:
        self._exact: dict[str, list[_Entry[V]]] = {}
        self._prefix: dict[str, list[_Entry[V]]] = {}
        for phrase, value in entries.items():
            parts = _parts(phrase, tokenize)
            if not parts:
                raise ValueError(f"empty phrase {phrase!r}")
            entry = _Entry(parts, value, phrase)
            first, is_prefix = parts[0]
            (self._prefix if is_prefix else self._exact).setdefault(first, []).append(entry)
        for table in (self._exact, self._prefix):
            for bucket in table.values():
                bucket.sort(key=lambda e: len(e.parts), reverse=True)
        self._prefix_lengths = sorted({len(p) for p in self._prefix}, reverse=True)
        # Candidates per distinct token; chat vocabulary is small, the bound guards memory.
        self._cache: dict[str, tuple[_Entry[V], ...]] = {}

    def _candidates(self, token: str) -> tuple[_Entry[V], ...]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = list(self._exact.get(token, ()))
        for n in self._prefix_lengths:
            if len(token) >= n:
                found.extend(self._prefix.get(token[:n], ()))
        result = tuple(found)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = result
        return result

    def find(self, tokens: Sequence[str]) -> list[Match[V]]:
        """Matches left to right; at each position the longest phrase wins."""
        found: list[Match[V]] = []
        i, n = 0, len(tokens)
        cache = self._cache
        while i < n:
            candidates = cache.get(tokens[i])
            if candidates is None:
                candidates = self._candidates(tokens[i])
            if not candidates:
                i += 1
                continue
            best: _Entry[V] | None = None
            for entry in candidates:
                size = len(entry.parts)
                if best is not None and size <= len(best.parts):
                    continue
                if i + size <= n and all(
                    _part_matches(part, tokens[i + k]) for k, part in enumerate(entry.parts)
                ):
                    best = entry
            if best is None:
                i += 1
                continue
            found.append(Match(i, i + len(best.parts), best.value, best.phrase))
            i += len(best.parts)
        return found

    def find_all(self, tokens: Sequence[str]) -> list[Match[V]]:
        """Every match at every position, overlaps included (for tagging, not scoring)."""
        found: list[Match[V]] = []
        n = len(tokens)
        cache = self._cache
        for i, token in enumerate(tokens):
            candidates = cache.get(token)
            if candidates is None:
                candidates = self._candidates(token)
            for entry in candidates:
                size = len(entry.parts)
                if i + size <= n and all(
                    _part_matches(part, tokens[i + k]) for k, part in enumerate(entry.parts)
                ):
                    found.append(Match(i, i + size, entry.value, entry.phrase))
        return found
