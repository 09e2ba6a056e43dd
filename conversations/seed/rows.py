"""The rows of one request's conversation and of its survey."""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Any

from conversations.seed.pools import _BANDS, _DETRACTOR_CUM, _NO_TEXT, _PILLAR_CUM
from conversations.seed.shape import SURVEY_EXPIRY
from conversations.terms import PILLARS

if TYPE_CHECKING:
    from conversations.seed.generator import Customers, Generator


def message_rows(
    gen: Generator,
    out: list[tuple[Any, ...]],
    conv: list[tuple[int, int, int]],
    rid: int,
    cust: Customers,
    ci: int,
    staff_id: int,
    staff_name: str,
) -> None:
    rng = gen.rng
    rand = rng.random
    ts = gen.w.ts
    uid = cust.uid[ci]
    name = cust.name[ci]
    pool = gen.pools[cust.lang[ci]]
    in_pools = pool["in"]
    out_pools = pool["out"]
    notes = pool["notes"]
    chat = cust.chat[ci]
    group = gen.group_message
    mid = gen.message_id
    for d, sec, phase in conv:
        mid += 1
        group += 1
        if d == 0:
            texts = in_pools[phase]
            a: tuple[Any, ...] = texts[int(rand() * len(texts))]
            r = rand()
            if r < 0.93:
                kind = "text"
            elif r < 0.97:
                kind = "photo"  # half of the photos have a caption
                if rand() < 0.5:
                    a = _NO_TEXT
            else:
                kind = "document" if r < 0.985 else "voice"
                a = _NO_TEXT
            text, pol, subj, label, lang, tags, words = a
            out.append(
                (
                    mid,
                    rid,
                    "in",
                    uid,
                    name,
                    kind,
                    text,
                    uid,
                    chat,
                    gen.history.staff_chat_id,
                    group,
                    "delivered",
                    ts(sec),
                    pol,
                    subj,
                    label,
                    lang,
                    tags,
                    words,
                )
            )
            chat += 1
        elif d == 1:
            texts = out_pools[phase]
            r = rand()
            kind = "text" if r < 0.97 else "document"
            delivered = rand() < 0.998
            out.append(
                (
                    mid,
                    rid,
                    "out",
                    staff_id,
                    staff_name,
                    kind,
                    texts[int(rand() * len(texts))],
                    gen.history.staff_chat_id,
                    group,
                    uid if delivered else None,
                    chat if delivered else None,
                    "delivered" if delivered else "failed",
                    ts(sec),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            if delivered:
                chat += 1
        else:
            out.append(
                (
                    mid,
                    rid,
                    "note",
                    staff_id,
                    staff_name,
                    "text",
                    notes[int(rand() * len(notes))],
                    gen.history.staff_chat_id,
                    group,
                    None,
                    None,
                    "internal",
                    ts(sec),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
    cust.chat[ci] = chat
    gen.group_message = group
    gen.message_id = mid


def survey_row(
    gen: Generator,
    rid: int,
    cust: Customers,
    ci: int,
    resolved: int,
    source: str,
    staff: int | None,
    slow: bool,
    frac: float,
) -> tuple[Any, ...]:
    """One survey after the request's first resolution, answered as far as it got."""
    rng = gen.rng
    rand = rng.random
    ts = gen.w.ts
    gen.survey_id += 1
    lang = cust.lang[ci]
    sent = resolved + 1
    expires = sent + SURVEY_EXPIRY
    limit = min(gen.now_s, expires)
    chat = cust.chat[ci]
    score_msg = chat
    chat += 1
    score = band = scored_at = reason_text = reason_at = None
    reason_pol = reason_label = reason_lang = reason_tags = None
    pillar = pillar_score = pillar_at = answered_at = None
    reason_msg = pillar_msg = reason_src = None
    step = "score"
    scored_at = sent + 5 + int(rng.lognormvariate(math.log(240), 1.3))
    if rand() < 0.86 and scored_at <= limit:
        # NPS drifts over the year; slow or reopened requests make detractors
        wave = math.sin(2 * math.pi * frac * 1.4 + 0.6)
        p_prom = 0.48 + 0.07 * wave
        p_det = 0.21 - 0.05 * wave
        if slow:
            p_prom -= 0.2
            p_det += 0.25
        elif source == "customer":
            p_prom += 0.06
        r = rand()
        if r < p_det:
            b = 0
            score = bisect.bisect(_DETRACTOR_CUM, rand() * _DETRACTOR_CUM[-1])
        elif r < 1 - p_prom:
            b = 1
            score = 8 if rand() < 0.55 else 7
        else:
            b = 2
            score = 10 if rand() < 0.45 else 9
        band = _BANDS[b]
        gen.scored += 1
        step = "reason"
        reason_msg = chat
        chat += 1
        at = scored_at + 10 + int(rng.lognormvariate(math.log(60), 0.9))
        r = rand()
        if r < 0.92 and at <= limit:
            reason_at = at
            if r < 0.78:
                pool = gen.pools[lang]["reasons"][b]
                reason_text, reason_pol, _, reason_label, reason_lang, reason_tags, _ = pool[
                    int(rand() * len(pool))
                ]
                reason_src = chat
                chat += 1
            step = "pillar"
            pillar = PILLARS[gen.rotation % len(PILLARS)]
            gen.rotation += 1
            pillar_msg = chat
            chat += 1
            at = reason_at + 5 + int(rng.lognormvariate(math.log(20), 0.8))
            r = rand()
            if r < 0.95 and at <= limit:
                if r < 0.88:
                    cum = _PILLAR_CUM[b]
                    pillar_score = bisect.bisect(cum, rand() * cum[-1]) + 1
                    if pillar == gen.history.weak_pillar:
                        pillar_score = max(1, pillar_score - 1)
                    pillar_at = at
                answered_at = at
                step = "done"
    else:
        scored_at = None
    status = "completed" if step == "done" else "expired" if expires <= gen.now_s else "sent"
    cust.chat[ci] = chat
    return (
        gen.survey_id,
        rid,
        ci + 1,
        cust.uid[ci],
        staff if source == "staff" else None,
        lang,
        status,
        step,
        ts(sent),
        ts(expires),
        score,
        band,
        ts(scored_at) if scored_at is not None else None,
        reason_text,
        ts(reason_at) if reason_at is not None else None,
        reason_pol,
        reason_label,
        reason_lang,
        reason_tags,
        pillar,
        pillar_score,
        ts(pillar_at) if pillar_at is not None else None,
        ts(answered_at) if answered_at is not None else None,
        score_msg,
        reason_msg,
        pillar_msg,
        reason_src,
    )
