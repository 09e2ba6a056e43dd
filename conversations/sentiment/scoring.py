"""Sentence scoring: TextBlob's engine plus customer-care phrases, emoji and punctuation.

Every cue becomes an assessment (polarity, subjectivity, weight); a sentence's polarity is
their weighted mean, as in TextBlob, so adding our cues never swamps its lexicon.

* Phrases (lexicon_*.py) are matched first, longest first, and hide their tokens from the
  engine so nothing is counted twice.  A negator up to three tokens before a phrase flips it
  the way TextBlob does ("not good" = −0.5 × good); an intensifier right before scales it.
* The engine (TextBlob's pattern `Sentiment`) scores the remaining words, with its own
  negation ("not bad") and modifiers ("very good").  Zero-polarity words are not evidence
  and are dropped.
* Emoji and emoticons are assessments of their own (emoji.py).
* After a contrast word ("but", "ma") the clause weighs 1.5, before it 0.5: the customer's
  point usually follows the "but".
* "!!" amplifies the sentence polarity by 15 %; "??" / "?!" adds a mild negative cue
  (weight 0.5): repeated question marks in a support chat signal frustration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .emoji import EMOJI, EMOTICONS, IGNORED_MARKS
from .rules import Rules

NEGATION_WINDOW = 3
NEGATION_FACTOR = -0.5  # TextBlob's: "not good" = slightly bad, "not bad" = slightly good
PHRASE_SUBJECTIVITY = 0.6
# Our phrases are written for service talk, TextBlob's lexicon for reviews: ours count more.
PHRASE_WEIGHT = 1.5
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
EXCLAIM_BOOST = 1.15
FRUSTRATION = (-0.3, 0.5)  # polarity, weight of "??"
_STOP = frozenset({".", ",", ";", ":", "!", "?", "(", ")", '"', "…"})
_PLACEHOLDER = "xxx"  # unknown to the engine, long enough to reset its negation scope


@dataclass(slots=True)
class SentenceScore:
    polarity: float = 0.0
    subjectivity: float = 0.0
    # (polarity, subjectivity, weight) of every cue found
    cues: list[tuple[float, float, float]] = field(default_factory=list)


def _clamp(x: float, low: float = -1.0, high: float = 1.0) -> float:
    return low if x < low else high if x > high else x


def _engine_word(token: str) -> str:
    """Map a token to what the engine expects (it is fed a word list, not a string)."""
    if token.isalpha():
        return token
    if token == "n't":
        return "not"
    if token[0] == "!":
        return "!"
    if token[0] == "?" or token in _STOP:
        return token[0]
    if "'" in token:
        stripped = token.replace("'", "")
        return stripped if stripped.isalpha() else _PLACEHOLDER
    return _PLACEHOLDER


_SUPERLATIVE = re.compile(r"^(\w{2,}?)issim([oaie])$")


def _italian_superlatives(rules: Rules, words: list[str]) -> None:
    """'buonissima' -> 'molto buona' for the engine, when the lexicon lacks the superlative."""
    engine = rules.engine()
    for k, word in enumerate(words):
        if len(word) > 8 and "issim" in word and word not in engine:
            found = _SUPERLATIVE.match(word)
            if found is None:
                continue
            stem, ending = found.groups()
            for candidate in (stem + ending, stem + "e", stem + "i" if ending in "ie" else ""):
                if candidate and candidate in engine:
                    words[k] = candidate
                    if k > 0 and words[k - 1] == _PLACEHOLDER:
                        words[k - 1] = "molto"
                    break


def _phrase_modifiers(rules: Rules, tokens: list[str], start: int, floor: int) -> float:
    """Multiplier from a negator or intensifier shortly before the phrase at `start`.

    `floor` is where the previous phrase ended: its words ("nessuno risponde") are spent.
    """
    factor = 1.0
    if start > floor:
        boost = rules.intensifiers.get(tokens[start - 1])
        if boost is not None:
            factor *= boost
    for k in range(start - 1, max(floor - 1, start - 1 - NEGATION_WINDOW), -1):
        tok = tokens[k]
        if tok in _STOP or tok in rules.contrast:
            break
        if tok in rules.negators:
            return factor * NEGATION_FACTOR
    return factor


def _score_clause(
    rules: Rules, tokens: list[str], weight: float, cues: list[tuple[float, float, float]]
) -> None:
    engine_words = [_engine_word(t) for t in tokens]
    if rules.language == "it":
        _italian_superlatives(rules, engine_words)
    floor = 0
    for match in rules.phrases.find(tokens):
        for k in range(match.start, match.end):
            engine_words[k] = _PLACEHOLDER
        if match.start > floor and tokens[match.start - 1] in rules.intensifiers:
            engine_words[match.start - 1] = _PLACEHOLDER  # spent on the phrase
        if match.value != 0.0:
            factor = _phrase_modifiers(rules, tokens, match.start, floor)
            if factor < 0 and match.phrase in rules.unflippable:
                factor /= NEGATION_FACTOR  # undo the flip, keep any intensifier
            cues.append((_clamp(match.value * factor), PHRASE_SUBJECTIVITY, weight * PHRASE_WEIGHT))
        floor = match.end
    for _words, p, s, _label in rules.engine().assessments([(w, None) for w in engine_words]):
        if p != 0.0:
            cues.append((float(p), float(s), weight))
    for tok in tokens:
        if tok.isalnum():
            continue
        value = EMOTICONS.get(tok)
        if value is None:
            value = EMOJI.get(tok)
        if value is not None:
            cues.append((value, 1.0, weight))


def score_sentence(rules: Rules, tokens: list[str]) -> SentenceScore:
    score = SentenceScore()
    cues = score.cues
    cut = -1
    for k, tok in enumerate(tokens):
        if tok in rules.contrast:
            cut = k
    if 0 < cut < len(tokens) - 1:
        _score_clause(rules, tokens[:cut], CONTRAST_BEFORE, cues)
        _score_clause(rules, tokens[cut + 1 :], CONTRAST_AFTER, cues)
    else:
        _score_clause(rules, tokens, 1.0, cues)
    exclaim = question = False
    for tok in tokens:
        if tok[0] in "!?" and len(tok) > 1:
            if "?" in tok:
                question = True
            else:
                exclaim = True
    if question:
        cues.append((FRUSTRATION[0], 0.5, FRUSTRATION[1]))
    if not cues:
        return score
    total = sum(w for _, _, w in cues)
    polarity = sum(p * w for p, _, w in cues) / total
    if exclaim:
        polarity *= EXCLAIM_BOOST
    score.polarity = _clamp(polarity)
    score.subjectivity = _clamp(sum(s * w for _, s, w in cues) / total, 0.0, 1.0)
    return score


def strip_marks(tokens: list[str]) -> list[str]:
    """Drop emoji variation selectors and skin tones."""
    return [t for t in tokens if t not in IGNORED_MARKS]
