"""Language detection: lingua on real sentences, the Telegram hint for one or two words."""

from __future__ import annotations

import pytest

from conversations.sentiment import analyze
from conversations.sentiment.language import detect, normalise_hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The flight was delayed and nobody told us anything", "en"),
        ("Il volo era in ritardo e nessuno ci ha detto niente", "it"),
    ],
)
@pytest.mark.parametrize("hint", [None, "it", "en", "de"])
def test_sentences_are_detected_whatever_the_hint(
    text: str, expected: str, hint: str | None
) -> None:
    assert analyze(text, hint).language == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("ok", "en", "en"),
        ("ok", "it", "it"),
        ("ok grazie", "en", "en"),  # the hint wins on two words
        ("thanks", "it-IT", "it"),
        ("ok", None, "it"),  # no hint, nothing to go on: the default
        ("ok", "fr", "it"),
        ("😡", "en", "en"),
        ("", None, "it"),
    ],
)
def test_one_or_two_words_follow_the_hint(text: str, hint: str | None, expected: str) -> None:
    assert detect(text, hint) == expected


def test_confident_short_text_without_hint_uses_lingua() -> None:
    assert detect("thank you", None) == "en"


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("it", "it"), ("EN-us", "en"), ("en_GB", "en"), ("de", None), (None, None), (3, None)],
)
def test_hint_normalisation(hint: object, expected: str | None) -> None:
    assert normalise_hint(hint) == expected
