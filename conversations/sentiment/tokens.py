"""Language-aware token normalisation shared by input text and lexicon phrases."""

from __future__ import annotations

from collections.abc import Callable

from .text import raw_tokens, squeeze

# English contractions written without the apostrophe, as customers type them.
_BARE_NT = {
    "dont": "do", "cant": "ca", "wont": "wo", "didnt": "did", "doesnt": "does",
    "isnt": "is", "wasnt": "was", "arent": "are", "werent": "were", "havent": "have",
    "hasnt": "has", "hadnt": "had", "couldnt": "could", "wouldnt": "would",
    "shouldnt": "should", "aint": "ai",
}  # fmt: skip
_NT_BASE = {"can": "ca", "won": "wo"}


def _english(word: str, out: list[str]) -> None:
    if "'" in word:
        if word.endswith("n't"):
            base = word[:-3]
            out.append(_NT_BASE.get(base, base) if base else "not")
            out.append("n't")
            return
        head, _, tail = word.partition("'")
        if head:
            out.append(head)
        if tail:
            out.append("'" + tail)
        return
    bare = _BARE_NT.get(word)
    if bare is not None:
        out.append(bare)
        out.append("n't")
        return
    out.append(word)


def _italian(word: str, out: list[str]) -> None:
    # Elision: "l'attesa" -> "l'", "attesa"; "po'" stays one token.
    while "'" in word[:-1]:
        head, _, word = word.partition("'")
        out.append(head + "'")
    out.append(word)


_SPLITTERS: dict[str, Callable[[str, list[str]], None]] = {"en": _english, "it": _italian}


_CACHE_SIZE = 50_000
_word_cache: dict[tuple[str, str], tuple[str, ...]] = {}


def _word(raw: str, language: str) -> tuple[str, ...]:
    key = (raw, language)
    cached = _word_cache.get(key)
    if cached is None:
        parts: list[str] = []
        _SPLITTERS[language](squeeze(raw.lower()), parts)
        cached = tuple(parts)
        if len(_word_cache) >= _CACHE_SIZE:  # bounded: chat vocabulary is small
            _word_cache.clear()
        _word_cache[key] = cached
    return cached


def tokenize(sentence: str, language: str) -> list[str]:
    """Lower-cased tokens: words (contractions and elisions split), punctuation, emoji."""
    if language not in _SPLITTERS:
        raise ValueError(f"unsupported language {language!r}")
    out: list[str] = []
    for raw in raw_tokens(sentence):
        if raw[0].isalnum():
            out.extend(_word(raw, language))
        else:
            out.append(raw.lower())
    return out
