"""Public result types of the sentiment check."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.terms import Pillar

Label = Literal["negative", "neutral", "positive"]
Language = Literal["it", "en"]


class PillarTag(BaseModel):
    """A pillar mentioned in the text, with the polarity of the sentence that mentions it."""

    model_config = ConfigDict(frozen=True)

    pillar: Pillar
    polarity: float = Field(ge=-1.0, le=1.0)
    matched: str


class Sentiment(BaseModel):
    """Sentiment of one free text: polarity −1..1, subjectivity 0..1, label and pillar tags."""

    model_config = ConfigDict(frozen=True)

    polarity: float = Field(ge=-1.0, le=1.0)
    subjectivity: float = Field(ge=0.0, le=1.0)
    label: Label
    language: Language
    tags: list[PillarTag] = Field(default_factory=list)
    # True when no lexicon entry, phrase, emoji or punctuation cue matched: the
    # neutral verdict is then a default, not evidence (see scoring.py).
    matched_nothing: bool = False
