"""Per-language rule sets, compiled once on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from conversations.terms import Pillar

from . import engines, lexicon_en, lexicon_it
from .matcher import PhraseMatcher
from .models import Language
from .pillars import PILLAR_PHRASES
from .tokens import tokenize


@dataclass(frozen=True, slots=True)
class Rules:
    language: Language
    phrases: PhraseMatcher[float]
    pillars: PhraseMatcher[tuple[Pillar, ...]]
    negators: frozenset[str]
    intensifiers: dict[str, float]
    contrast: frozenset[str]
    engine: Callable[[], engines.Engine]
    # Phrases that carry their own negation ("never again", "non ... mai più"): a negator
    # before them is negative concord, not a flip.
    unflippable: frozenset[str]


def _pillar_table(language: Language) -> dict[str, tuple[Pillar, ...]]:
    table: dict[str, tuple[Pillar, ...]] = {}
    for pillar, phrases in PILLAR_PHRASES[language].items():
        for phrase in phrases:
            table[phrase] = (*table.get(phrase, ()), pillar)
    return table


@cache
def rules_for(language: Language) -> Rules:
    lexicon = lexicon_en if language == "en" else lexicon_it
    split = partial(tokenize, language=language)
    entries = {**lexicon.NEUTRAL, **lexicon.NEGATIVE, **lexicon.POSITIVE}
    unflippable = frozenset(
        phrase for phrase in entries if any(t in lexicon.NEGATORS for t in split(phrase))
    )
    return Rules(
        language=language,
        phrases=PhraseMatcher(entries, split),
        pillars=PhraseMatcher(_pillar_table(language), split),
        negators=lexicon.NEGATORS,
        intensifiers=lexicon.INTENSIFIERS,
        contrast=lexicon.CONTRAST,
        engine=engines.english if language == "en" else engines.italian,
        unflippable=unflippable,
    )
