"""Pillar tags: which of the six pillars a text talks about, with its sentence's polarity."""

from __future__ import annotations

from conversations.sentiment import Pillar, PillarTag, analyze


def _tags(text: str, hint: str) -> dict[Pillar, PillarTag]:
    return {tag.pillar: tag for tag in analyze(text, hint).tags}


def test_pillar_enum_has_the_six_kpmg_pillars() -> None:
    assert {p.value for p in Pillar} == {
        "personalisation", "integrity", "expectations", "resolution", "time_and_effort", "empathy",
    }  # fmt: skip


def test_each_tag_carries_its_own_sentence_polarity() -> None:
    tags = _tags("The agent was rude and unhelpful. But the problem got solved, thanks!", "en")
    assert tags[Pillar.EMPATHY].polarity < 0
    assert tags[Pillar.EMPATHY].matched == "rude"
    assert tags[Pillar.RESOLUTION].polarity > 0


def test_italian_pillars() -> None:
    tags = _tags(
        "Operatore scortese. Mi avevate promesso il rimborso. Alla fine tutto risolto, grazie.",
        "it",
    )
    assert tags[Pillar.EMPATHY].polarity < 0
    assert tags[Pillar.INTEGRITY].matched == "promesso"
    assert tags[Pillar.RESOLUTION].polarity > 0


def test_time_and_effort_and_expectations() -> None:
    tags = _tags("I waited two hours on hold and I am really disappointed", "en")
    assert tags[Pillar.TIME_AND_EFFORT].polarity < 0
    assert tags[Pillar.EXPECTATIONS].polarity < 0


def test_personalisation() -> None:
    tags = _tags("Mi avete mandato una risposta automatica, copia e incolla", "it")
    assert Pillar.PERSONALISATION in tags
    tags = _tags("They greeted me by name, lovely", "en")
    assert tags[Pillar.PERSONALISATION].polarity > 0


def test_one_tag_per_pillar_per_sentence() -> None:
    result = analyze("Waiting, waiting and waiting for hours.", "en")
    assert [t.pillar for t in result.tags] == [Pillar.TIME_AND_EFFORT]


def test_no_pillar_no_tag() -> None:
    assert analyze("Buongiorno, vorrei cambiare indirizzo", "it").tags == []
