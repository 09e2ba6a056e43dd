"""Several staff groups: the customer's category picker routes a new request, staff work it
in its own group, and each group's commands see that group's requests."""

from __future__ import annotations

from bot.fake_bot_api import Chat, Message, User
from tests.e2e.harness import HelpDeskWorld, settings_for

CATEGORIES = "billing=Fatture|Billing; tech=Problemi tecnici|Technical problems"


def two_groups(world: HelpDeskWorld, wait: float = 30.0) -> tuple[Chat, Chat, User]:
    """Add a Billing group (forum) and an English desk (plain) to the world's bot."""
    clerk = world.tg.add_user("Carla", "Conti", language_code="it")
    billing = world.tg.add_group("Acme Billing", forum=True, members=[clerk])
    english = world.tg.add_group("Acme English", forum=False, members=[clerk])
    world.settings = settings_for(
        world.tg,
        world.staff,
        world.settings.database_url,
        CAREBOT_STAFF_GROUPS=f"{billing.id}:Billing:billing; {english.id}:English desk:*:en",
        CAREBOT_CATEGORIES=CATEGORIES,
        CAREBOT_CATEGORY_WAIT_SECONDS=str(wait),
    )
    return billing, english, clerk


async def picker(world: HelpDeskWorld, who: User) -> Message:
    """The bot's answer to a new request, with its category buttons."""
    asks = "Scegli un argomento" if who.language_code == "it" else "Pick a topic"
    return await world.customer_sees(who, asks)


def texts_in(world: HelpDeskWorld, chat: Chat) -> str:
    return "\n".join(m.text or "" for m in world.tg.bot_messages(chat))


async def test_the_picked_category_routes_the_request_to_its_group(forum: HelpDeskWorld) -> None:
    billing, _, clerk = two_groups(forum)
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Mi avete addebitato due volte l'abbonamento")
        question = await picker(forum, maria)
        labels = [label for row in question.buttons for label, _ in row]
        assert labels == ["Fatture", "Problemi tecnici", "Salta"]
        # Nothing reaches staff while the customer picks.
        assert forum.tg.bot_messages(billing) == [] and forum.tg.bot_messages(forum.staff) == []
        pressed = await forum.tg.press_button(maria, question, "cat:1:billing")
        assert pressed.text is None  # the spinner stops; the message says the rest
        await forum.tg.wait_for(lambda: question.buttons == [], what="picker gone")
        assert "Argomento: <b>Fatture</b>" in (question.text or "")
        card = await forum.tg.wait_for_bot_message(billing, contains="due volte")
        (topic,) = forum.tg.topics(billing)
        assert topic.name.startswith("Fatture · #1 · Maria R.")
        assert "Argomento: Fatture" in (card.text or "")
        assert forum.tg.bot_messages(forum.staff) == []  # the default group spent nothing
        # Staff answer in their own group; the customer gets it.
        await forum.tg.send_text(clerk, "Rimborso avviato", chat=billing, thread_id=topic.thread_id)
        await forum.customer_sees(maria, "Rimborso avviato")
        # /open in each group lists that group's requests only.
        await forum.tg.send_text(clerk, "/open", chat=billing)
        listed = await forum.tg.wait_for_bot_message(billing, contains="#1")
        await forum.tg.send_text(forum.agent, "/open", chat=forum.staff)
        empty = await forum.tg.wait_for_bot_message(forum.staff, contains="")
        assert "#1" in (listed.text or "") and "#1" not in (empty.text or "")
        # The card's buttons work in the group it lives in.
        await forum.tg.press_button(clerk, card, "rs:1")
        await forum.customer_sees(maria, "risolta")
        # The picker is gone: a press of its old button is refused.
        again = await forum.tg.press_button(maria, question, "cat:1:tech")
        assert again.text == "Questo pulsante non è più valido."


async def test_skip_and_silence_route_by_language(forum: HelpDeskWorld) -> None:
    _, english, _ = two_groups(forum, wait=0.5)
    luca = forum.tg.add_user("Luca", language_code="it")
    john = forum.tg.add_user("John", "Smith", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(luca, "Non riesco ad accedere")
        await forum.tg.press_button(luca, await picker(forum, luca), "cat:1:-")
        await forum.staff_sees("Non riesco ad accedere")  # skipped: the default group
        # John never picks: after the wait his request goes to the English desk, whole.
        await forum.customer_writes(john, "My parcel is late")
        question = await picker(forum, john)
        await forum.customer_writes(john, "It was due on Monday")
        card = await forum.tg.wait_for_bot_message(english, contains="My parcel is late")
        await forum.tg.wait_for(
            lambda: "It was due on Monday" in texts_in(forum, english), what="second text"
        )
        assert card.buttons  # a plain group: the ticket card with its buttons
        assert "My parcel" not in texts_in(forum, forum.staff)
        # A pick after the request reached staff moves nothing, and says so.
        late = await forum.tg.press_button(john, question, "cat:2:billing")
        assert late.text is None
        await forum.tg.wait_for(lambda: question.buttons == [], what="picker gone")
        assert "already reached the team" in (question.text or "")
        assert "Billing" not in (card.text or "")


async def test_hostile_category_presses_change_nothing(forum: HelpDeskWorld) -> None:
    billing, _, _ = two_groups(forum)
    maria = forum.tg.add_user("Maria", language_code="it")
    eve = forum.tg.add_user("Eve", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Fattura sbagliata")
        question = await picker(forum, maria)
        foreign = await forum.tg.press_button(eve, question, "cat:1:billing")
        assert foreign.text == "This button is not for you."
        for forged in ("cat:1:nope", "cat:99:billing", "cat:x:billing", "cat:1"):
            refused = await forum.tg.press_button(maria, question, forged)
            assert refused.text == "Questo pulsante non è più valido."
        assert question.buttons  # still there to pick from
        await forum.tg.press_button(maria, question, "cat:1:tech")
        await forum.staff_sees("Fattura sbagliata")  # tech has no group: the default one
        assert forum.tg.bot_messages(billing) == []
        (topic,) = [t for t in forum.tg.topics(forum.staff) if not t.deleted]
        assert topic.name.startswith("Problemi tecnici · #1")


async def test_a_request_of_a_group_taken_out_of_the_settings_moves_to_the_default(
    forum: HelpDeskWorld,
) -> None:
    billing, _, _ = two_groups(forum)
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Fattura sbagliata")
        await forum.tg.press_button(maria, await picker(forum, maria), "cat:1:billing")
        await forum.tg.wait_for_bot_message(billing, contains="Fattura sbagliata")
    # The team closes the billing group: only the default group is configured now.
    forum.settings = settings_for(forum.tg, forum.staff, forum.settings.database_url)
    before = len(forum.tg.bot_messages(billing))
    async with forum.bot_running():
        await forum.customer_writes(maria, "Mi rispondete?")
        card = await forum.staff_sees("Mi rispondete?")
        assert "Richiesta #1" in (card.text or "")  # a new place for the same request
        (topic,) = [t for t in forum.tg.topics(forum.staff) if not t.deleted]
        await forum.agent_writes_in_topic(topic.thread_id, "Eccoci")
        await forum.customer_sees(maria, "Eccoci")
    assert len(forum.tg.bot_messages(billing)) == before
