"""Which staff group a request goes to: the groups, what each takes, and the categories a
customer may pick at their first message.

A team that outgrows one group splits the work: billing in one, technical problems in
another, English-speaking customers in a third. The first group is the default and takes
whatever no other group claims, so a single group needs no configuration at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conversations.terms import LANGUAGES

CATEGORY_KEY = re.compile(r"[a-z0-9_]{1,24}")  # short: it travels in callback data


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of request customers pick from: a key, and its name in each language."""

    key: str
    names: Mapping[str, str]

    def name(self, lang: str) -> str:
        """The category's name in `lang` (its first name when that language has none)."""
        return self.names.get(lang) or next(iter(self.names.values()))


@dataclass(frozen=True, slots=True)
class StaffGroup:
    """A staff supergroup and what it takes (empty: anything)."""

    chat_id: int
    name: str
    categories: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def fit(self, category: str | None, language: str) -> int | None:
        """How specifically the group takes a request (higher wins), None if it does not:
        a named category counts more than a named language."""
        if self.categories and category not in self.categories:
            return None
        if self.languages and language not in self.languages:
            return None
        return 2 * bool(self.categories) + bool(self.languages)


@dataclass(frozen=True, slots=True)
class Routing:
    """The staff groups (the first is the default) and the categories customers pick."""

    groups: tuple[StaffGroup, ...]
    categories: tuple[Category, ...] = ()

    def __post_init__(self) -> None:
        if not self.groups:
            raise ValueError("at least one staff group is needed")

    @classmethod
    def single(cls, chat_id: int, name: str = "Staff") -> Routing:
        """One group that takes everything (the simple default)."""
        return cls((StaffGroup(chat_id, name),))

    @property
    def default(self) -> StaffGroup:
        """The group that takes what no other group claims."""
        return self.groups[0]

    @property
    def chat_ids(self) -> tuple[int, ...]:
        """Every staff group's chat id, default first."""
        return tuple(group.chat_id for group in self.groups)

    @property
    def asks_category(self) -> bool:
        """Whether customers pick a category at their first message."""
        return bool(self.categories)

    def route(self, category: str | None, language: str) -> StaffGroup:
        """The group a request of `category` (None: not picked) in `language` goes to: the
        most specific group that takes it, the first listed on a tie, else the default."""
        best: StaffGroup | None = None
        best_fit = -1
        for group in self.groups:
            fit = group.fit(category, language)
            if fit is not None and fit > best_fit:
                best, best_fit = group, fit
        return best or self.default

    def group(self, chat_id: int) -> StaffGroup | None:
        """The staff group with this chat id, if it is one."""
        return next((g for g in self.groups if g.chat_id == chat_id), None)

    def category(self, key: str | None) -> Category | None:
        """The category with this key, if there is one."""
        return next((c for c in self.categories if c.key == key), None)


def parse_categories(value: str) -> tuple[Category, ...]:
    """Categories from `key=Italian name|English name; key2=…` (one name serves both)."""
    found: list[Category] = []
    for part in _parts(value):
        key, sep, names = part.partition("=")
        key = key.strip()
        if not sep or not CATEGORY_KEY.fullmatch(key):
            raise ValueError(
                f"expected key=Italian name|English name with a key of a-z, 0-9 and _ "
                f"(at most 24), got {part!r}"
            )
        given = [name.strip() for name in names.split("|")]
        if not all(given) or len(given) > len(LANGUAGES):
            raise ValueError(f"category {key!r}: give one name, or an Italian|English pair")
        if len(given) == 1:
            given *= len(LANGUAGES)
        if any(c.key == key for c in found):
            raise ValueError(f"category {key!r} is listed twice")
        found.append(Category(key, dict(zip(LANGUAGES, given, strict=True))))
    return tuple(found)


def parse_groups(value: str) -> tuple[StaffGroup, ...]:
    """Staff groups from `id:name[:categories[:languages]]; …`, e.g.
    `-1001234:Billing:billing,refunds; -1005678:English:*:en` (`*` or empty: any)."""
    found: list[StaffGroup] = []
    for part in _parts(value):
        fields = [field.strip() for field in part.split(":")]
        if not 2 <= len(fields) <= 4 or not fields[1]:
            raise ValueError(f"expected id:name[:categories[:languages]], got {part!r}")
        chat_id = _group_id(fields[0])
        categories = _names(fields[2] if len(fields) > 2 else "")
        languages = _names(fields[3] if len(fields) > 3 else "")
        unknown = languages - set(LANGUAGES)
        if unknown:
            raise ValueError(f"group {chat_id}: languages are it and en, not {sorted(unknown)}")
        if any(g.chat_id == chat_id for g in found):
            raise ValueError(f"group {chat_id} is listed twice")
        found.append(StaffGroup(chat_id, fields[1], categories, languages))
    return tuple(found)


def build_routing(
    default_chat_id: int, groups: Iterable[StaffGroup], categories: tuple[Category, ...]
) -> Routing:
    """The routing of a bot whose default staff group is `default_chat_id`: listed again
    among `groups`, it gets that entry's name and claims; else it takes everything."""
    listed = list(groups)
    default = next((g for g in listed if g.chat_id == default_chat_id), None)
    default = default or StaffGroup(default_chat_id, "Staff")
    others = tuple(g for g in listed if g.chat_id != default_chat_id)
    known = {c.key for c in categories}
    for group in (default, *others):
        missing = group.categories - known
        if missing:
            raise ValueError(
                f"group {group.chat_id} takes categories not in CAREBOT_CATEGORIES: "
                + ", ".join(sorted(missing))
            )
    return Routing((default, *others), categories)


def _parts(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _names(field: str) -> frozenset[str]:
    if field in ("", "*"):
        return frozenset()
    return frozenset(name.strip() for name in field.split(",") if name.strip())


def _group_id(field: str) -> int:
    try:
        chat_id = int(field)
    except ValueError:
        raise ValueError(f"group id {field!r} is not a number") from None
    if chat_id >= 0:
        raise ValueError(f"group id {chat_id} must be negative (e.g. -1001234567890)")
    return chat_id
