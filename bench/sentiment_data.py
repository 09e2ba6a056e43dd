"""Labelled development sets for the sentiment benchmarks (see shared/data/sentiment/SOURCES.md).

Each loader yields (text, gold) with gold in {"negative", "neutral", "positive"}.
Label schemes:
* airline tweets: `airline_sentiment` as is.
* UCI Amazon / Yelp: 0 -> negative, 1 -> positive (two classes only).
* TripAdvisor sentences (Trip-MA/MAML): a sentence's aspect labels; p (or implicit ip) only ->
  positive, n (in) only -> negative, none or only x (ix) -> neutral; sentences with both p and
  n are dropped.  Text is rebuilt from the tokenised `word/pos/lemma/...` segments.
* MultiEmotions-It: one-hot NEUT/POS/NEG; UNRELATED and mixed rows dropped.
* SENTIPOLC 2016: opos/oneg (1,0) positive, (0,1) negative, (0,0) neutral; mixed dropped.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

Gold = str


def data_dir() -> Path:
    override = os.environ.get("CAREBOT_BENCH_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "sentiment"


@dataclass(frozen=True)
class DataSet:
    name: str
    language: str  # the hint passed to analyze(), as Telegram would
    classes: int  # 3, or 2 when the set has no neutral label
    rows: list[tuple[str, Gold]]


def _airline(path: Path) -> Iterator[tuple[str, Gold]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield row["text"], row["airline_sentiment"]


def _uci(path: Path) -> Iterator[tuple[str, Gold]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if text and label.strip() in ("0", "1"):
                yield text, "positive" if label.strip() == "1" else "negative"


_IMPLICIT = {"in": "n", "ip": "p", "ix": "x"}
_SPACE_BEFORE = re.compile(r" ([,.!?;:)%])")
_ELISION = re.compile(r"(\w) ' (?=\w)")
_NT = re.compile(r" (n't|'s|'re|'m|'ve|'ll|'d)\b")


def _detokenise(segment: str, fields: int) -> str:
    words = [tok.rsplit("/", fields)[0] for tok in segment.split(" ") if tok]
    text = " ".join(words).replace("( ", "(")
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _ELISION.sub(r"\1'", text)
    return _NT.sub(r"\1", text)


def _tripadvisor(path: Path, fields: int) -> Iterator[tuple[str, Gold]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            review = json.loads(line)
            for segment, labels in zip(review["segments"], review["segmentLabels"], strict=False):
                values = {_IMPLICIT.get(v, v) for v in labels.values()} - {"x"}
                if values == {"p"}:
                    gold = "positive"
                elif values == {"n"}:
                    gold = "negative"
                elif not values:
                    gold = "neutral"
                else:
                    continue
                yield _detokenise(segment, fields), gold


def _multiemotions(path: Path) -> Iterator[tuple[str, Gold]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            flags = (row["UNRELATED"], row["NEUT"], row["POS"], row["NEG"])
            gold = {
                ("0", "1", "0", "0"): "neutral",
                ("0", "0", "1", "0"): "positive",
                ("0", "0", "0", "1"): "negative",
            }.get(flags)
            if gold:
                yield row["comment"], gold


def _sentipolc(path: Path) -> Iterator[tuple[str, Gold]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            gold = {("1", "0"): "positive", ("0", "1"): "negative", ("0", "0"): "neutral"}.get(
                (row["opos"], row["oneg"])
            )
            if gold:
                yield row["text"], gold


def load_all() -> list[DataSet]:
    d = data_dir()
    return [
        DataSet("EN airline tweets", "en", 3, list(_airline(d / "en_airline_dev.csv"))),
        DataSet("EN UCI Amazon", "en", 2, list(_uci(d / "amazon_cells_labelled.txt"))),
        DataSet("EN UCI Yelp", "en", 2, list(_uci(d / "yelp_labelled.txt"))),
        DataSet(
            "EN TripAdvisor sentences",
            "en",
            3,
            list(_tripadvisor(d / "en_tripadvisor_training.json", 2)),
        ),
        DataSet(
            "IT TripAdvisor sentences",
            "it",
            3,
            list(_tripadvisor(d / "it_tripadvisor_training.json", 3)),
        ),
        DataSet("IT MultiEmotions-It", "it", 3, list(_multiemotions(d / "it_multiemotions.tsv"))),
        DataSet("IT SENTIPOLC 2016", "it", 3, list(_sentipolc(d / "it_sentipolc16_train.csv"))),
    ]
