"""`analyze()`: sentiment, label, language and pillar tags of one customer text."""

from __future__ import annotations

from conversations.terms import Pillar

from .language import detect
from .models import Label, PillarTag, Sentiment
from .rules import rules_for
from .scoring import score_sentence, strip_marks
from .text import clean, sentences
from .tokens import tokenize

# Neutral band: |polarity| < 0.1 is "neutral".  TextBlob's weakest lexicon entries sit around
# ±0.1-0.2 and a single negated mild word (e.g. "not bad" = +0.35) clears it comfortably.
NEUTRAL_BAND = 0.1


def label_for(polarity: float) -> Label:
    if polarity >= NEUTRAL_BAND:
        return "positive"
    if polarity <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def analyze(text: str | None, language: str | None = None) -> Sentiment:
    """Score a customer's free text; `language` is their Telegram language_code (a hint).

    Texts where no rule matched (no lexicon word, phrase, emoji or "??") get polarity 0.0,
    subjectivity 0.0, label "neutral" and `matched_nothing=True`: we do not guess.  In a
    support chat most unmatched texts are plain requests ("I need to change my booking"),
    and a false "negative" would raise close-the-loop alerts for nothing.
    """
    cleaned = clean(text)
    lang = detect(cleaned, language)
    rules = rules_for(lang)
    weighted = subjective = total = 0.0
    tags: list[PillarTag] = []
    for sentence in sentences(cleaned):
        tokens = strip_marks(tokenize(sentence, lang))
        if not tokens:
            continue
        score = score_sentence(rules, tokens)
        weight = sum(w for _, _, w in score.cues)
        weighted += score.polarity * weight
        subjective += score.subjectivity * weight
        total += weight
        seen: set[Pillar] = set()
        for match in rules.pillars.find_all(tokens):
            for pillar in match.value:
                if pillar not in seen:
                    seen.add(pillar)
                    matched = " ".join(tokens[match.start : match.end])
                    tags.append(
                        PillarTag.model_construct(
                            pillar=pillar, polarity=round(score.polarity, 4), matched=matched
                        )
                    )
    if total == 0.0:
        return Sentiment.model_construct(
            polarity=0.0,
            subjectivity=0.0,
            label="neutral",
            language=lang,
            tags=tags,
            matched_nothing=True,
        )
    polarity = max(-1.0, min(1.0, round(weighted / total, 4)))
    return Sentiment.model_construct(
        polarity=polarity,
        subjectivity=max(0.0, min(1.0, round(subjective / total, 4))),
        label=label_for(polarity),
        language=lang,
        tags=tags,
        matched_nothing=False,
    )
