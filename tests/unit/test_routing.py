"""Which staff group a request goes to, and how the groups and categories are written."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from conversations.routing import Routing, parse_categories, parse_groups

BASE = {"CAREBOT_BOT_TOKEN": "1:x", "CAREBOT_STAFF_CHAT_ID": "-100"}
GROUPS = "-200:Billing:billing,refunds; -300:English desk:*:en; -400:Conti EN:billing:en"
CATEGORIES = "billing=Fatture|Billing; refunds=Rimborsi|Refunds; tech=Tecnico"


def routing() -> Routing:
    return load_settings(
        {**BASE, "CAREBOT_STAFF_GROUPS": GROUPS, "CAREBOT_CATEGORIES": CATEGORIES}
    ).routing


def test_a_single_group_takes_everything_without_configuration() -> None:
    r = load_settings(BASE).routing
    assert r.chat_ids == (-100,)
    assert not r.asks_category
    assert r.route(None, "en").chat_id == r.route("anything", "it").chat_id == -100


@pytest.mark.parametrize(
    ("category", "language", "group"),
    [
        ("billing", "it", -200),  # the category's group
        ("refunds", "en", -200),  # category beats language
        ("billing", "en", -400),  # category and language beat category alone
        (None, "en", -300),  # no category: the language's group
        ("tech", "en", -300),  # a category no group claims: the language's group
        ("tech", "it", -100),  # nothing claims it: the default
        (None, "it", -100),
    ],
)
def test_the_most_specific_group_takes_the_request(
    category: str | None, language: str, group: int
) -> None:
    assert routing().route(category, language).chat_id == group


def test_categories_have_names_in_both_languages() -> None:
    r = routing()
    billing, tech = r.category("billing"), r.category("tech")
    assert billing is not None and tech is not None
    assert (billing.name("it"), billing.name("en")) == ("Fatture", "Billing")
    assert tech.name("en") == "Tecnico"  # one name serves both
    assert r.category("nope") is None
    assert r.group(-300) is not None and r.group(-300).name == "English desk"  # type: ignore[union-attr]


def test_listing_the_default_group_names_it() -> None:
    r = load_settings({**BASE, "CAREBOT_STAFF_GROUPS": "-100:Front desk; -200:Back office"}).routing
    assert [g.name for g in r.groups] == ["Front desk", "Back office"]
    assert r.default.chat_id == -100


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("CAREBOT_STAFF_GROUPS", "-200", "id:name"),
        ("CAREBOT_STAFF_GROUPS", "200:Billing", "negative"),
        ("CAREBOT_STAFF_GROUPS", "abc:Billing", "not a number"),
        ("CAREBOT_STAFF_GROUPS", "-200:A; -200:B", "twice"),
        ("CAREBOT_STAFF_GROUPS", "-200:A:*:de", "it and en"),
        ("CAREBOT_CATEGORIES", "Billing=Fatture", "key=Italian"),
        ("CAREBOT_CATEGORIES", "billing=a|b|c", "one name"),
        ("CAREBOT_CATEGORIES", "billing=a; billing=b", "twice"),
    ],
)
def test_a_malformed_value_names_the_variable(key: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=key) as caught:
        load_settings({**BASE, key: value})
    assert says in str(caught.value)


def test_a_group_may_only_take_categories_that_exist() -> None:
    with pytest.raises(SettingsError, match="not in CAREBOT_CATEGORIES: billing"):
        load_settings({**BASE, "CAREBOT_STAFF_GROUPS": "-200:Billing:billing"})


def test_parsers_ignore_blank_parts() -> None:
    assert parse_groups(" ; ") == ()
    assert [c.key for c in parse_categories("a=A;;b=B;")] == ["a", "b"]
