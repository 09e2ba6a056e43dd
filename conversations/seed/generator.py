"""Builds the rows of customers, requests, events, messages, surveys and mentions."""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conversations import schema as tables
from conversations.seed.names import _name
from conversations.seed.pools import (
    _IN_ANGRY,
    _IN_FOLLOW,
    _IN_OPEN,
    _IN_REOPEN,
    _IN_THANKS,
    _OUT_CLOSE,
    _OUT_FIRST,
    _OUT_FOLLOW,
    _cumulative,
)
from conversations.seed.rows import message_rows, survey_row
from conversations.seed.shape import AUTO_RESOLVE, DAY, REOPEN_GRACE, YEAR, History
from conversations.seed.writer import (
    _CUSTOMER_COLS,
    _EVENT_COLS,
    _MENTION_COLS,
    _MESSAGE_COLS,
    _REQUEST_COLS,
    _SURVEY_COLS,
    Writer,
    _Batch,
)
from conversations.store import mention_values


@dataclass(slots=True)
class Customers:
    uid: list[int]
    lang: list[str]
    name: list[str]
    chat: list[int]  # next message id in the customer's private chat
    last_in: list[int]  # last customer message (second), 0 when none
    churned: bytearray


class Generator:
    """Builds and writes the rows; ids are counters kept here."""

    def __init__(
        self,
        rng: random.Random,
        writer: Writer,
        pools: dict[str, dict[str, Any]],
        now_s: int,
        start_s: int,
        mean_messages: float,
        history: History,
    ) -> None:
        self.rng = rng
        self.history = history
        self.staff_cum = _cumulative([w for _, _, w in history.staff])
        self.w = writer
        self.pools = pools
        self.now_s = now_s
        self.start_s = start_s
        # messages beyond the first exchange (customer asks, staff answers)
        self.extra_mean = max(0.0, mean_messages - 3.0)
        self.event_id = 0
        self.message_id = 0
        self.survey_id = 0
        self.scored = 0
        self.group_message = 1000  # message ids in the staff group
        self.rotation = 0
        self.mention_id = 0
        self.tag_cache: dict[str, list[tuple[str, float | None]]] = {}
        # per request, filled by customers(): opened second, customer index, status, surveyed
        self.opened: list[int] = []
        self.cust_of: list[int] = []
        self.status = bytearray()  # 0 resolved, 1 open, 2 answered
        self.surveyed = bytearray()

    async def customers(self, count: int, requests: int, responses: int) -> Customers:
        """Write the customers and plan every request (when, whose, final state)."""
        rng, w, now_s, start_s = self.rng, self.w, self.now_s, self.start_s
        uids = rng.sample(range(100_000_000, 7_000_000_000), count)
        lang: list[str] = []
        names: list[str] = []
        window_start: list[int] = []
        window_end: list[int] = []
        churned = bytearray(count)
        weights: list[float] = []
        rows: list[list[Any]] = []
        for ci in range(count):
            italian = rng.random() < 0.6
            first, last = _name(rng, italian)
            c0 = start_s + int(rng.random() * (YEAR - DAY))
            end = now_s - 600
            churned_at = None
            if rng.random() < 0.07:
                churned[ci] = 1
                churned_at = c0 + int((end - c0) * rng.uniform(0.3, 0.95))
                end = churned_at
            imported = rng.random() < 0.4
            revenue = cost = None
            relationship = None
            external = None
            if imported:
                external = f"CRM-{ci + 1:06d}"
                revenue = round(rng.lognormvariate(math.log(450), 0.8), 2)
                cost = (
                    round(rng.lognormvariate(math.log(250), 0.6), 2)
                    if rng.random() < 0.95
                    else None
                )
                since = c0 - rng.randint(0, 10 * 365) * DAY
                relationship = datetime.fromtimestamp(since, UTC).date()
            source = None
            blocked = None
            if churned_at is not None:
                source = "import" if imported else "blocked"
                blocked = churned_at if not imported else None
            handle = first.lower() + ("_" + last.lower().replace(" ", "") if last else "")
            username = f"{handle}{rng.randint(1, 999)}" if rng.random() < 0.55 else None
            lang.append("it" if italian else "en")
            names.append(f"{first} {last}" if last else first)
            window_start.append(c0)
            window_end.append(end)
            # requests per customer: an activity level times the time they have been with us
            weights.append(rng.lognormvariate(0, 1.0) * (end - c0))
            rows.append(
                [
                    ci + 1,
                    uids[ci],
                    external,
                    first,
                    last,
                    username,
                    lang[-1],
                    w.flag(rng.random() < 0.15),
                    w.flag(rng.random() < 0.003),
                    blocked,
                    c0,  # replaced below by the first request's time
                    churned_at,
                    source,
                    w.money(revenue),
                    w.day(relationship),
                    w.money(cost),
                ]
            )

        # plan the requests in time order
        if requests:
            cum = _cumulative(weights)
            owners = rng.choices(range(count), cum_weights=cum, k=requests)
            keys = []
            for ci in owners:
                c0 = window_start[ci]
                keys.append((c0 + int(rng.random() * (window_end[ci] - c0))) * count + ci)
            keys.sort()
            self.opened = [k // count for k in keys]
            self.cust_of = [k % count for k in keys]
        first_request = [0] * count
        last_request = [-1] * count
        for i, ci in enumerate(self.cust_of):
            if last_request[ci] < 0:
                first_request[ci] = self.opened[i]
            last_request[ci] = i
        status = bytearray(requests)
        for ci in range(count):
            i = last_request[ci]
            if i < 0 or churned[ci]:
                continue
            age = now_s - self.opened[i]
            p = 0.6 if age < 2 * DAY else 0.08 if age < 14 * DAY else 0.003
            if rng.random() < p and not self.history.settled:
                status[i] = 1 if rng.random() < 0.4 else 2
        self.status = status
        resolved = [i for i in range(requests) if status[i] == 0]
        if responses <= len(resolved):
            chosen = rng.sample(resolved, responses)
        else:
            # more surveys than resolved requests: some open ones were surveyed, then reopened
            unresolved = [i for i in range(requests) if status[i] != 0]
            chosen = resolved + rng.sample(unresolved, responses - len(resolved))
        surveyed = bytearray(requests)
        for i in chosen:
            surveyed[i] = 1
        self.surveyed = surveyed

        ts = w.ts
        for ci, row in enumerate(rows):
            if last_request[ci] >= 0:
                row[10] = first_request[ci]  # created at their first message
            row[10] = ts(row[10])
            if row[9] is not None:
                row[9] = ts(row[9])
            if row[11] is not None:
                row[11] = ts(row[11])
        for lo in range(0, count, 50_000):
            await w.insert(
                tables.customers, _CUSTOMER_COLS, [tuple(r) for r in rows[lo : lo + 50_000]]
            )
        return Customers(
            uid=uids,
            lang=lang,
            name=names,
            chat=[1] * count,
            last_in=[0] * count,
            churned=churned,
        )

    async def write(self, rows: _Batch) -> None:
        """Insert one built batch, parents first."""
        w = self.w
        await w.insert(tables.requests, _REQUEST_COLS, rows[0])
        await w.insert(tables.request_events, _EVENT_COLS, rows[1])
        await w.insert(tables.messages, _MESSAGE_COLS, rows[2])
        await w.insert(tables.surveys, _SURVEY_COLS, rows[3])
        await w.insert(tables.pillar_mentions, _MENTION_COLS, rows[4])

    def build(self, cust: Customers, lo: int, hi: int) -> _Batch:
        """Build requests lo..hi-1 with their events, messages and surveys (in order)."""
        rng = self.rng
        rand = rng.random
        lognorm = rng.lognormvariate
        now_s = self.now_s
        ts = self.w.ts
        staff, staff_cum = self.history.staff, self.staff_cum
        staff_total = staff_cum[-1]
        req_rows: list[tuple[Any, ...]] = []
        ev_rows: list[tuple[Any, ...]] = []
        msg_rows: list[tuple[Any, ...]] = []
        sv_rows: list[tuple[Any, ...]] = []
        pm_rows: list[tuple[Any, ...]] = []
        log_frs = math.log(1500)  # median first response 25 min
        log_work = math.log(4 * 3600)  # median 4 h from first answer to resolution

        for i in range(lo, hi):
            rid = i + 1
            ci = self.cust_of[i]
            opened = self.opened[i]
            st = self.status[i]
            surveyed = self.surveyed[i]
            frac = (opened - self.start_s) / YEAR
            speed = 1.35 - 0.6 * frac  # service gets faster over the year
            avail = max(now_s - opened - 30, 4)
            staff_id, staff_name, _ = staff[bisect.bisect(staff_cum, rand() * staff_total)]

            # conversation as (direction 0 in / 1 out / 2 note, second, phase)
            conv: list[tuple[int, int, int]] = [(0, opened, _IN_OPEN)]
            events: list[tuple[str, int, str, int | None]] = [("opened", opened, "customer", None)]
            first_response: int | None = None
            resolved_at: int | None = None
            resolved_by: int | None = None
            source: str | None = None
            first_resolution = 0
            first_source = ""
            first_staff: int | None = None
            reopen_count = 0
            slow = False

            frs = int(lognorm(log_frs, 1.1) * speed) + 20
            work = int(lognorm(log_work, 1.3) * speed) + 60
            if st == 0 or surveyed:
                # answered, then resolved at least once
                reopen = st != 0 or rand() < 0.05
                budget = avail // 2 if reopen else avail
                r = rand()
                src = "staff" if r < 0.7 else "customer" if r < 0.9 else "auto"
                needed = frs + work + (AUTO_RESOLVE + 300 if src == "auto" else 0)
                if src == "auto" and budget < AUTO_RESOLVE + 3600:
                    src = "staff"
                    needed = frs + work
                if needed > budget:
                    k = (budget - (needed - frs - work)) / (frs + work)
                    frs = max(1, int(frs * k))
                    work = max(1, int(work * k))
                slow = frs > 4 * 3600 or frs + work > 2 * DAY
                first_response = opened + frs
                conv.append((1, first_response, _OUT_FIRST))
                events.append(("answered", first_response, "staff", staff_id))
                end = first_response + work
                self._extras(conv, first_response, end, slow, src == "customer")
                if src == "auto":
                    if conv[-1][0] != 1:
                        conv.append((1, end, _OUT_CLOSE))
                    end = conv[-1][1] + AUTO_RESOLVE + rng.randint(0, 300)
                elif src == "staff":
                    conv.append((1, end, _OUT_CLOSE))
                actor_id = staff_id if src == "staff" else None
                events.append(("resolved", end, src, actor_id))
                first_resolution, first_source, first_staff = end, src, actor_id
                resolved_at, resolved_by, source = end, actor_id, src
                if reopen:
                    reopen_count = 1
                    room = now_s - 20 - end
                    back = end + max(1, min(int(rand() * REOPEN_GRACE), room // 3))
                    conv.append((0, back, _IN_REOPEN))
                    events.append(("reopened", back, "customer", None))
                    resolved_at = resolved_by = source = None
                    if st != 1:
                        frs2 = max(1, min(int(lognorm(log_frs, 1.0) * speed), room // 3))
                        answer = back + frs2
                        conv.append((1, answer, _OUT_FOLLOW))
                        events.append(("answered", answer, "staff", staff_id))
                        if st == 0:
                            done = answer + max(1, min(int(lognorm(log_work, 1.0)), room // 3))
                            conv.append((1, done, _OUT_CLOSE))
                            events.append(("resolved", done, "staff", staff_id))
                            resolved_at, resolved_by, source = done, staff_id, "staff"
                    slow = True
            elif st == 2:
                frs = max(1, min(frs, avail // 2))
                first_response = opened + frs
                conv.append((1, first_response, _OUT_FIRST))
                events.append(("answered", first_response, "staff", staff_id))
                self._extras(conv, first_response, opened + avail, frs > 4 * 3600, False)
                if conv[-1][0] == 0 and rand() < 0.5:
                    conv.append((1, min(conv[-1][1] + frs, now_s - 10), _OUT_FOLLOW))
            else:  # open, not answered yet
                if rand() < 0.4 and avail > 120:
                    conv.append(
                        (0, opened + int(rand() * avail), _IN_ANGRY if rand() < 0.4 else _IN_FOLLOW)
                    )

            # request row
            last_in = last_out = None
            for d, sec, _ in conv:
                if d == 0:
                    last_in = sec
                elif d == 1:
                    last_out = sec
            topic = self.group_message = self.group_message + 1
            req_rows.append(
                (
                    rid,
                    ci + 1,
                    "resolved" if st == 0 else "open" if st == 1 else "answered",
                    ts(opened),
                    ts(first_response) if first_response is not None else None,
                    first_response - opened if first_response is not None else None,
                    ts(resolved_at) if resolved_at is not None else None,
                    resolved_at - opened if resolved_at is not None else None,
                    resolved_by,
                    source,
                    reopen_count,
                    ts(last_in) if last_in is not None else None,
                    ts(last_out) if last_out is not None else None,
                    self.history.staff_chat_id,
                    topic,
                )
            )
            if last_in is not None and last_in > cust.last_in[ci]:
                cust.last_in[ci] = last_in
            for kind, at, actor, actor_id in events:
                self.event_id += 1
                ev_rows.append((self.event_id, rid, kind, ts(at), actor, actor_id))
            first_message = len(msg_rows)
            message_rows(self, msg_rows, conv, rid, cust, ci, staff_id, staff_name)
            for row in msg_rows[first_message:]:
                if row[2] == "in" and row[17]:  # inbound, with pillar tags
                    for pillar, polarity in self._mentions(row[17]):
                        self.mention_id += 1
                        pm_rows.append(
                            (self.mention_id, row[0], None, ci + 1, row[12], pillar, polarity)
                        )
            if surveyed:
                survey = survey_row(
                    self, rid, cust, ci, first_resolution, first_source, first_staff, slow, frac
                )
                sv_rows.append(survey)
                if survey[12] is not None and survey[18]:  # scored, with reason tags
                    for pillar, polarity in self._mentions(survey[18]):
                        self.mention_id += 1
                        pm_rows.append(
                            (self.mention_id, None, survey[0], ci + 1, survey[12], pillar, polarity)
                        )
        return req_rows, ev_rows, msg_rows, sv_rows, pm_rows

    def _mentions(self, tags: str) -> list[tuple[str, float | None]]:
        """Return the (pillar, polarity) mentions of a JSON tag list (parsed once per text)."""
        found = self.tag_cache.get(tags)
        if found is None:
            found = self.tag_cache[tags] = mention_values(json.loads(tags))
        return found

    def _extras(
        self, conv: list[tuple[int, int, int]], t0: int, t1: int, slow: bool, thanks: bool
    ) -> None:
        """Add the back-and-forth between the first answer and the end of the request."""
        rng = self.rng
        n = int(rng.expovariate(1 / self.extra_mean) + 0.5) if self.extra_mean > 0 else 0
        if n and t1 - t0 > 2:
            for sec in sorted(rng.randint(t0 + 1, t1 - 1) for _ in range(n)):
                if rng.random() < 0.55:
                    angry = slow and rng.random() < 0.5
                    conv.append((0, sec, _IN_ANGRY if angry else _IN_FOLLOW))
                else:
                    conv.append((2 if rng.random() < 0.04 else 1, sec, _OUT_FOLLOW))
        if thanks:
            conv.append((0, max(t1, conv[-1][1]), _IN_THANKS))
