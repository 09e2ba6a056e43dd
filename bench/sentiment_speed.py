"""Texts per second of conversations.sentiment.analyze on one core, language detection included.

Run: .venv/bin/python bench/sentiment_speed.py
A fixed mix of the development sets (half English, half Italian, no language hint, so every
text goes through lingua) is analysed several times; the table shows the median run.
The first call (lexicons and lingua models loading) is timed separately.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sentiment_data import load_all

REPETITIONS = 7
PER_SET = 1_000


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(20261123)
    mix: list[str] = []
    for ds in load_all():
        texts = [t for t, _ in ds.rows]
        mix.extend(rng.sample(texts, min(PER_SET, len(texts))))
    rng.shuffle(mix)

    started = time.perf_counter()
    from conversations.sentiment import analyze

    imported = time.perf_counter()
    analyze("primo messaggio di prova")
    first = time.perf_counter()

    rates = []
    for _ in range(REPETITIONS):
        t0 = time.perf_counter()
        for text in mix:
            analyze(text)
        rates.append(len(mix) / (time.perf_counter() - t0))
    chars = statistics.mean(len(t) for t in mix)
    print("| measure | value |")
    print("|---|---|")
    print(f"| texts in the mix (mean length) | {len(mix)} ({chars:.0f} chars) |")
    print(f"| import conversations.sentiment | {(imported - started) * 1000:.0f} ms |")
    print(
        f"| first analyze() (loads lexicons, lingua models) | {(first - imported) * 1000:.0f} ms |"
    )
    print(f"| texts/s, median of {REPETITIONS} | {statistics.median(rates):,.0f} |")
    print(f"| texts/s, min - max | {min(rates):,.0f} - {max(rates):,.0f} |")


if __name__ == "__main__":
    main()
