"""`carebot demo` plays the scripted day end to end and prints it in order."""

from __future__ import annotations

import pytest

from bot.demo import play


@pytest.mark.slow
async def test_demo_transcript_shows_the_day_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    await play(0.0)
    out = capsys.readouterr().out
    expected_in_order = [
        "The team's past is in the database: 700 requests",
        "Risposta «sorry» (en) salvata",
        "Buongiorno, il mio ordine 1234",
        "Ti rispondiamo entro oggi alle 09:30",
        " 09:00 ⏎ Stato: 🟡 aperta",  # the card's time is the story's: a Monday at 09:00
        "Assegnata a: Bob Bianchi",  # Bob took it with the card's button
        "Hi, I was charged twice",
        "Nota interna salvata",
        "Hi John, the refund for request #702 is on its way",  # /r refund, in his language
        "Tag: #refund",
        "Quanto è probabile che tu consigli Acme",
        "How likely are you to recommend Acme",
        "Il tuo voto: 9",
        "Gentilissimi e veloci, grazie!",
        "NPS 9 (promotore)",
        "Your score: 4",
        "🩹 Da recuperare: #702 John Smith ha dato 4 su 10",  # the recovery card is the alert
        "NPS 4 (detrattore): «It took three days",
        "🚨 #702 · John Smith",
        "Causa: Fatturazione ⏎ 📞 Tentativo fatto da Carla Neri",
        "Da scalare · #703 · Giulia Verdi",
        "Bob Bianchi ha passato la richiesta #703 a Luca Galli",
        "Ci scusiamo per l'attesa, Giulia: sono Luca e seguo io la richiesta #703",
        "Ricevuto tutto 👍",
        "Giulia Verdi, 4 messaggi in coda: ⏎ il tracking non si aggiorna",
        "richiesta #701 riaperta",
        "Note sul cliente (1) ⏎ • ",
        "Storia della richiesta #701 ⏎ • ",
        "presa da Bob Bianchi",
        "riaperta dal cliente",
        "🔎 «pacco»: i 10 più recenti ⏎ • #701 · Maria Rossi",  # the history's come after
        "Richieste aperte: 2",
        "Le tue richieste aperte: 1 ⏎ #703 · Giulia Verdi",
        "Ora siamo fuori orario: torniamo domani alle 09:00",  # Paolo at 20:30
        "⏰ #704 (Paolo Neri): la prima risposta promessa per le 09:30 scade tra 5 min",
        "🚨 Un obiettivo di servizio mancato: ⏎ 🔥 #704 Paolo Neri",  # to Anna, once
        "chiusa automaticamente dopo 48 h",
        "/report 7d",
        "NPS: +",  # the day's 9 and 4 with the last days of the history
        "Promesse mantenute (prima risposta entro l'ora detta al cliente): 75% (3 su 4)",
        "Prima risposta: mediana ",
        "Team (richieste risolte nel periodo",
        " richieste · 1ª risposta ",  # each person's line
        "• «sorry»: 1 uso in 1 richiesta",  # and how Giulia wrote right after it
        "[photo] 📈 Cruscotto",
        "🔒 I tuoi dati presso Acme",  # Paolo's /privacy
        "🧹 Fatto: i tuoi dati sono stati cancellati",
        "#704 · — · it",  # his topic without his name
        "Il cliente ha cancellato i suoi dati (/forget)",
        "Are we OK now?",
        "💚 Recuperato: ora dà 8 su 10",
        "Riepilogo settimanale di Acme",
        "Da sistemare prima: Tempo e impegno",  # from the quarter: the week is thin
        "👤 Carla Neri · 💚 recuperato",  # the summary's detractor, won back
        "[photo] 📈 Settimana 2026-W",
        "Demo finished",
    ]
    positions = [out.find(line) for line in expected_in_order]
    missing = [line for line, pos in zip(expected_in_order, positions, strict=True) if pos < 0]
    assert missing == []
    assert positions == sorted(positions)
    assert out.count("Riepilogo settimanale di Acme") == 1
    # The report before Paolo's erasure and the one after say the same.
    reports = [line.split("🤖 bot", 1)[1] for line in out.splitlines() if "📊 Report" in line]
    assert len(reports) == 2 and reports[0] == reports[1]
