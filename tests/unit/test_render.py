"""What staff and customers read: escaping, splitting, callback data, durations."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import render
from conversations.models import Customer, Request, StaffMember
from conversations.terms import Status

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def customer(**kw: object) -> Customer:
    base: dict[str, object] = dict(
        id=1,
        telegram_user_id=5,
        first_name="<b>Eve</b>",
        last_name="O'Neil & Co",
        username="eve",
        language="en",
        language_chosen=False,
        banned=False,
        blocked_bot_at=None,
        created_at=NOW,
        last_contact_at=NOW,
        churned_at=None,
    )
    base.update(kw)
    return Customer(**base)  # type: ignore[arg-type]


def request(status: Status = Status.OPEN, owner: int | None = None) -> Request:
    return Request(
        42, 1, status, NOW, None, None, None, None, 0, None, None, -100, None, None, None, owner
    )


def test_card_escapes_customer_text_and_shows_local_time() -> None:
    text = render.card(request(), customer(), "en", ZoneInfo("Europe/Rome"))
    assert "&lt;b&gt;Eve&lt;/b&gt;" in text and "O&#x27;Neil &amp; Co" in text
    assert "<b>Eve</b>" not in text
    assert "23/11/2026 10:00" in text  # 09:00 UTC is 10:00 in Rome in November


def test_a_card_quoting_first_texts_escapes_them_in_order() -> None:
    texts = ["<script>1</script>", "second & last"]
    text = render.card(request(), customer(), "en", ZoneInfo("Europe/Rome"), texts)
    assert text.endswith(
        "<blockquote>&lt;script&gt;1&lt;/script&gt;</blockquote>\n"
        "<blockquote>second &amp; last</blockquote>"
    )


def test_folded_texts_name_the_customer_and_keep_their_order() -> None:
    text = render.coalesced(customer(), ["a < b", "then c"], "en")
    head, first, second = text.split("\n")
    assert "&lt;b&gt;Eve&lt;/b&gt;" in head and "2" in head
    assert (first, second) == (
        "<blockquote>a &lt; b</blockquote>",
        "<blockquote>then c</blockquote>",
    )


def _buttons(r: Request) -> list[str | None]:
    return [b.callback_data for row in render.card_keyboard(r, "it").inline_keyboard for b in row]


def test_card_buttons_follow_status_and_owner() -> None:
    assert _buttons(request()) == ["tk:42", "rs:42"]  # nobody owns it: Take it, Resolve
    assert _buttons(request(owner=7)) == ["rs:42"]
    assert _buttons(request(Status.RESOLVED)) == ["ro:42"]
    assert _buttons(request(Status.RESOLVED, owner=7)) == ["ro:42"]


def test_owner_shows_in_card_and_title_escaped() -> None:
    c = customer(first_name="Maria", last_name="Rossi", language="it")
    luca = StaffMember(7, "Luca <i>", "Bianchi")
    title = render.topic_title(request(owner=7), c, "it", owner=luca)
    assert title == "#42 · Maria R. · it · 👤 Luca <i> B."  # titles are plain text
    card = render.card(request(owner=7), c, "it", ZoneInfo("Europe/Rome"), owner=luca)
    assert "Assegnata a: Luca &lt;i&gt; Bianchi" in card
    assert render.mention(luca) == '<a href="tg://user?id=7">Luca &lt;i&gt; Bianchi</a>'


def test_topic_title_is_short_and_marks_resolution() -> None:
    c = customer(first_name="Maria", last_name="Rossi", language="it")
    assert render.topic_title(request(), c, "it") == "#42 · Maria R. · it"
    assert render.topic_title(request(), c, "it", resolved=True).startswith("✅ #42")
    long = customer(first_name="x" * 300, last_name=None)
    assert len(render.topic_title(request(), long, "it")) <= 128


def test_callback_parsing_rejects_junk() -> None:
    assert render.parse_callback("sv:42") == ("sv", "42")
    assert render.parse_callback("garbage") is None
    assert render.parse_callback(None) is None
    assert render.parse_callback("sv:" + "9" * 80) is None
    assert render.parse_request_id("#17") == 17
    for bad in ("", "-3", "abc", "1e3", "9" * 30):
        assert render.parse_request_id(bad) is None


def test_saved_reply_placeholders_are_filled_and_strays_kept() -> None:
    from conversations.keys import normal_key
    from conversations.saved_replies import fill

    values = {"name": "Anna", "request": "#7", "agent": "Bob"}
    assert fill("Ciao {name} {request} {agent} {other} {", values) == "Ciao Anna #7 Bob {other} {"
    assert fill("{name}{name}", values) == "AnnaAnna"
    assert normal_key(" Refund ") == "refund"
    assert normal_key("two words") is None and normal_key("-x") is None
