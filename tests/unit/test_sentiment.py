"""Behaviour of conversations.sentiment.analyze that a customer-care user notices."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conversations.sentiment import Sentiment, analyze


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("I have been waiting 3 weeks for my refund", None),
        ("Still no answer from your support, this is unacceptable", "en"),
        ("My luggage was lost and nobody answers the phone", None),
        ("nessuno risponde da giorni", None),
        ("ancora non ho ricevuto il rimborso", None),
        ("Servizio pessimo, una vergogna. Mai più!", "it"),
        ("sono in attesa da due settimane", "it"),
    ],
)
def test_complaints_are_negative(text: str, hint: str | None) -> None:
    result = analyze(text, hint)
    assert result.label == "negative"
    assert result.polarity < 0


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("grazie mille, gentilissimi", "it"),
        ("super fast, thanks!", "en"),
        ("Problem solved in five minutes, great job", None),
        ("Operatore molto cortese, problema risolto subito", None),
    ],
)
def test_praise_is_positive(text: str, hint: str | None) -> None:
    result = analyze(text, hint)
    assert result.label == "positive"
    assert result.polarity > 0


@pytest.mark.parametrize(
    ("plain", "negated", "hint"),
    [
        ("bad", "not bad", "en"),
        ("the agent was helpful", "the agent was not helpful", "en"),
        ("è stato utile", "non è stato utile", "it"),
        ("è male", "non è male", "it"),
    ],
)
def test_negation_flips_polarity(plain: str, negated: str, hint: str) -> None:
    before, after = analyze(plain, hint).polarity, analyze(negated, hint).polarity
    assert before != 0 and after != 0
    assert (before > 0) != (after > 0)


def test_negative_concord_keeps_never_again_negative() -> None:
    assert analyze("Non mi affiderò mai più a voi", "it").label == "negative"


def test_intensifier_strengthens_a_phrase() -> None:
    assert analyze("really helpful", "en").polarity > analyze("helpful", "en").polarity


def test_but_clause_weighs_more() -> None:
    assert analyze("The staff was friendly but my bag is still missing", "en").label == "negative"


def test_repeated_question_marks_read_as_frustration() -> None:
    calm = analyze("where is my order", "en")
    upset = analyze("where is my order???", "en")
    assert calm.polarity == 0 and calm.matched_nothing
    assert upset.polarity < 0


def test_exclamation_marks_amplify() -> None:
    assert analyze("bad service!!!", "en").polarity < analyze("bad service", "en").polarity


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("😡", "negative"),
        ("👍👍", "positive"),
        ("❤️", "positive"),
        (":(", "negative"),
        (":-)", "positive"),
    ],
)
def test_emoji_and_emoticons_only(text: str, label: str) -> None:
    assert analyze(text, None).label == label


def test_emoji_skin_tone_does_not_hide_it() -> None:
    assert analyze("👍🏽", "en").label == "positive"


@pytest.mark.parametrize("text", ["", "   \n\t ", None, "12345", "<br/>", "!!!"])
def test_empty_or_meaningless_text_is_neutral(text: str | None) -> None:
    result = analyze(text)
    assert result.label == "neutral"
    assert result.polarity == 0.0
    assert result.tags == []


def test_unmatched_text_is_neutral_and_says_so() -> None:
    result = analyze("I need to change the address of my order", "en")
    assert (result.label, result.polarity, result.matched_nothing) == ("neutral", 0.0, True)
    assert analyze("thanks", "en").matched_nothing is False


def test_long_text_is_handled() -> None:
    text = ("Ho aspettato ore al telefono e nessuno risponde. " * 100)[:4500]
    result = analyze(text)
    assert len(text) > 4000
    assert result.label == "negative"
    assert result.language == "it"


def test_html_is_stripped() -> None:
    result = analyze("<p>Great <b>service</b> &amp; very helpful staff</p>", "en")
    assert result.label == "positive"
    assert all("<" not in tag.matched for tag in result.tags)


def test_mixed_language_text_gets_one_language() -> None:
    result = analyze("Ciao, the app is not working again, help!! grazie", None)
    assert result.language in ("it", "en")
    assert result.label == "negative"


def test_result_is_frozen_and_validated() -> None:
    result = analyze("ottimo servizio", "it")
    assert isinstance(result, Sentiment)
    with pytest.raises(ValidationError):
        result.polarity = 0.5  # type: ignore[misc]
    Sentiment.model_validate(result.model_dump())


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), hint=st.sampled_from([None, "it", "en", "de", "", "EN-us"]))
def test_scores_always_in_range(text: str, hint: str | None) -> None:
    result = analyze(text, hint)
    assert -1.0 <= result.polarity <= 1.0
    assert 0.0 <= result.subjectivity <= 1.0
    assert result.language in ("it", "en")
    assert result.label in ("negative", "neutral", "positive")
    for tag in result.tags:
        assert -1.0 <= tag.polarity <= 1.0


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            ["not", "non", "very", "molto", "refund", "rimborso", "great", "pessimo", "mai",
             "più", "!!!", "???", "😡", "❤️", "but", "ma", "never", "again", "no"]
        ),
        max_size=30,
    )
)  # fmt: skip
def test_polarity_in_range_on_dense_sentiment_words(words: list[str]) -> None:
    result = analyze(" ".join(words))
    assert -1.0 <= result.polarity <= 1.0
    assert (result.label == "neutral") == (abs(result.polarity) < 0.1)
