"""/mydata's files: everything stored about a customer (conversations.personal_data) as
JSON for programs and as text to read, in their language and time zone; at most one copy
every few minutes, so repeated presses cannot flood their chat or the database."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from analytics.catalog import pillar_name
from bot.i18n import t
from conversations.clock import Clock

AGAIN_AFTER = timedelta(minutes=5)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def file_stem(brand: str, customer_id: int) -> str:
    """A file name any system takes: the brand's letters and digits only."""
    return f"{_UNSAFE.sub('-', brand).strip('-')[:40] or 'carebot'}-data-{customer_id}"


def as_json(data: dict[str, Any]) -> bytes:
    """The data as indented UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _at(value: str | None, tz: ZoneInfo) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value)
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M") if moment.tzinfo else value


def as_text(data: dict[str, Any], brand: str, lang: str, tz: ZoneInfo, now: datetime) -> bytes:
    """The data as plain text to read (no markup: it is a file, not a message)."""
    none = t(lang, "mydata.none_line")
    p = data["profile"]
    name = " ".join(part for part in (p["first_name"], p["last_name"]) if part)
    stamp = now.astimezone(tz).strftime("%d/%m/%Y %H:%M")
    lines = [t(lang, "mydata.title", brand=brand, at=stamp)]
    lines += ["", f"## {t(lang, 'mydata.profile')}", name]
    # The fields by their stored names, as in the JSON file.
    lines += [f"{key}: {value if value not in (None, '') else none}" for key, value in p.items()]
    lines += ["", f"## {t(lang, 'mydata.requests')} ({len(data['requests'])})"]
    for r in data["requests"]:
        tags = ", ".join(f"#{tag}" for tag in r["tags"]) or none
        lines.append(f"#{r['id']} · {r['status']} · {_at(r['opened_at'], tz)} · {tags}")
    lines += ["", f"## {t(lang, 'mydata.messages')} ({len(data['messages'])})"]
    for m in data["messages"]:
        who = t(lang, "mydata.you") if m["from"] == "you" else m["from"]
        text = m["text"] if m["text"] is not None else f"[{m['kind']}]"
        lines.append(f"{_at(m['at'], tz)} · #{m['request']} · {who}: {text}")
        for e in m["edits"]:
            before = e["previous_text"] or none
            lines.append("    " + t(lang, "mydata.edited", at=_at(e["edited_at"], tz), text=before))
    lines += ["", f"## {t(lang, 'mydata.surveys')} ({len(data['surveys'])})"]
    for s in data["surveys"]:
        score = f"{s['score']}/10" if s["score"] is not None else none
        pillar = ""
        if s["pillar"] and s["pillar_score"] is not None:
            pillar = f" · {pillar_name(s['pillar'], lang)} {s['pillar_score']}/5"
        reason = f" «{s['reason_text']}»" if s["reason_text"] else ""
        lines.append(f"#{s['request_id']} · {_at(s['sent_at'], tz)} · {score}{reason}{pillar}")
    if data["follow_ups"]:
        lines += ["", f"## {t(lang, 'mydata.follow_ups')}"]
        for f in data["follow_ups"]:
            score = f"{f['reask_score']}/10" if f["reask_score"] is not None else none
            lines.append(f"#{f['request_id']} · {_at(f['reask_sent_at'], tz)} · {score}")
    lines += ["", f"## {t(lang, 'mydata.notes')} ({len(data['staff_notes'])})"]
    for n in data["staff_notes"]:
        lines.append(f"{_at(n['at'], tz)} · {n['by']}: {n['text']}")
    return ("\n".join(lines) + "\n").encode()


class DataRequests:
    """Who asked for their data when: one copy per customer every AGAIN_AFTER."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._last: dict[int, datetime] = {}

    def allow(self, customer_id: int) -> bool:
        """Take the right to send a copy now; False when one went out lately."""
        now = self.clock.now()
        last = self._last.get(customer_id)
        if last is not None and now - last < AGAIN_AFTER:
            return False
        if len(self._last) > 10_000:  # the map stays small: old entries no longer block
            self._last = {k: v for k, v in self._last.items() if now - v < AGAIN_AFTER}
        self._last[customer_id] = now
        return True
