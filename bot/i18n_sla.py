"""Service-target texts for staff and managers (warnings before a target breaks, the
escalation after), in Italian and English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "sla.first_response.warning": (
        "⏰ #{id} ({name}): la prima risposta promessa per le {due} scade tra {left}."
    ),
    "sla.first_response.late": (
        "🔥 #{id} ({name}): la prima risposta promessa per le {due} è in ritardo."
    ),
    "sla.resolution.warning": (
        "⏰ #{id} ({name}): la risoluzione prevista per le {due} scade tra {left}."
    ),
    "sla.resolution.late": "🔥 #{id} ({name}): la risoluzione prevista per le {due} è in ritardo.",
    "sla.nobody": "Nessuno ha preso la richiesta: /claim",
    "sla.owner.none": "nessuno",
    "sla.breach.first_response": (
        "🔥 #{id} {name}: prima risposta promessa per le {due} · 👤 {owner}"
    ),
    "sla.breach.resolution": "🔥 #{id} {name}: risoluzione prevista per le {due} · 👤 {owner}",
    "sla.breach.head.1": "🚨 <b>Un obiettivo di servizio mancato</b>:",
    "sla.breach.head.n": "🚨 <b>{n} obiettivi di servizio mancati</b>:",
}

EN: dict[str, str] = {
    "sla.first_response.warning": (
        "⏰ #{id} ({name}): the first answer promised by {due} is due in {left}."
    ),
    "sla.first_response.late": "🔥 #{id} ({name}): the first answer promised by {due} is late.",
    "sla.resolution.warning": "⏰ #{id} ({name}): the resolution due by {due} is due in {left}.",
    "sla.resolution.late": "🔥 #{id} ({name}): the resolution due by {due} is late.",
    "sla.nobody": "Nobody has taken the request: /claim",
    "sla.owner.none": "nobody",
    "sla.breach.first_response": "🔥 #{id} {name}: first answer promised by {due} · 👤 {owner}",
    "sla.breach.resolution": "🔥 #{id} {name}: resolution due by {due} · 👤 {owner}",
    "sla.breach.head.1": "🚨 <b>One service target missed</b>:",
    "sla.breach.head.n": "🚨 <b>{n} service targets missed</b>:",
}
