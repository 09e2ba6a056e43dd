"""Precision and recall of the staff alert on labelled customer-care texts.

Two sets, written by hand for this purpose (bench/escalation_texts.tsv, the development
set the signals were tuned on, and bench/escalation_heldout.tsv, written apart and not
used to tune): each text is labelled `escalate` (a senior person should look within
minutes: the customer is about to leave or go public, is furious, or was failed already)
or `routine` (ordinary complaints included). Scored as the bot scores a customer message:
conversations.sentiment.analyze with the customer's language as hint, then escalation().
Beside it, the rule carebot used before (an alert at polarity <= -0.5).

    .venv/bin/python bench/alert_accuracy.py [--threshold 1.0] [--sweep]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conversations.sentiment import analyze
from conversations.sentiment.escalation import DEFAULT_THRESHOLD, escalation

HERE = Path(__file__).resolve().parent
SETS = {"development": HERE / "escalation_texts.tsv", "held-out": HERE / "escalation_heldout.tsv"}
OLD_POLARITY = -0.5


@dataclass(frozen=True)
class Row:
    lang: str
    escalate: bool
    kind: str
    text: str
    polarity: float
    score: float


def load(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            polarity = analyze(r["text"], r["lang"]).polarity
            rows.append(
                Row(
                    r["lang"],
                    r["label"] == "escalate",
                    r["kind"],
                    r["text"],
                    polarity,
                    escalation(r["text"], polarity).score,
                )
            )
    return rows


def precision_recall(gold: list[bool], said: list[bool]) -> tuple[float, float, int, int]:
    hits = sum(1 for g, s in zip(gold, said, strict=True) if g and s)
    alerts, wanted = sum(said), sum(gold)
    return (hits / alerts if alerts else 0.0, hits / wanted if wanted else 0.0, alerts, wanted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="precision/recall per threshold")
    parser.add_argument("--errors", action="store_true", help="list the texts it gets wrong")
    args = parser.parse_args()
    print(f"threshold {args.threshold:g}\n")
    print("| set | lang | texts | alerts | deserved | precision | recall | old rule P / R |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for name, path in SETS.items():
        rows = load(path)
        for lang in ("it", "en", "both"):
            part = [r for r in rows if lang in ("both", r.lang)]
            gold = [r.escalate for r in part]
            p, rc, alerts, wanted = precision_recall(
                gold, [r.score >= args.threshold for r in part]
            )
            op, orc, _, _ = precision_recall(gold, [r.polarity <= OLD_POLARITY for r in part])
            print(
                f"| {name} | {lang} | {len(part)} | {alerts} | {wanted} | {p:.2f} | {rc:.2f} "
                f"| {op:.2f} / {orc:.2f} |"
            )
        if args.sweep:
            for threshold in (0.5, 1.0, 1.5, 2.0):
                p, rc, _, _ = precision_recall(
                    [r.escalate for r in rows], [r.score >= threshold for r in rows]
                )
                print(
                    f"|   {name} at threshold {threshold:g} | both | | | | {p:.2f} | {rc:.2f} | |"
                )
        if args.errors:
            for r in rows:
                if r.escalate != (r.score >= args.threshold):
                    said = "missed" if r.escalate else "false alert"
                    print(f"  {name} {said} [{r.kind}] {r.score:.1f} {r.polarity:+.2f} {r.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
